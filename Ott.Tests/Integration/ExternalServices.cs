using Npgsql;

namespace Ott.Tests.Integration;

/// <summary>
/// The real Redis and PostgreSQL the integration tests run against (<c>OTT_TEST_REDIS</c>, <c>OTT_TEST_POSTGRES</c>,
/// set by <c>deploy/ci-services.sh</c>). A missing server skips the test on a developer machine and fails it when
/// <c>OTT_REQUIRE_SERVICES=1</c> or <c>CI=true</c>: CI never passes by skipping.
/// </summary>
public static class ExternalServices
{
    public static bool Required =>
        Environment.GetEnvironmentVariable("OTT_REQUIRE_SERVICES") == "1" ||
        string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public static string Redis => Require("OTT_TEST_REDIS", "Redis");

    public static string Postgres => Require("OTT_TEST_POSTGRES", "PostgreSQL");

    /// <summary>
    /// Debian's Chromium for the browser tests (<c>OTT_TEST_CHROMIUM</c>, default <c>/usr/bin/chromium</c>, installed by
    /// <c>.ci/run</c> with apt; no test downloads a browser of its own). Missing: skipped locally, failed in CI.
    /// </summary>
    public static string Chromium
    {
        get
        {
            var path = Environment.GetEnvironmentVariable("OTT_TEST_CHROMIUM") is { Length: > 0 } configured ? configured : "/usr/bin/chromium";
            if (File.Exists(path))
            {
                return path;
            }

            var message = $"Chromium not found at {path}; install it with 'apt-get install chromium' (deploy/ci-services.sh does) or set OTT_TEST_CHROMIUM.";
            if (Required)
            {
                Assert.Fail(message);
            }

            Assert.Ignore(message);
            return "";
        }
    }

    /// <summary>The repository root (the folder holding OttCompliance.sln).</summary>
    public static string RepositoryRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "OttCompliance.sln")))
                {
                    return dir.FullName;
                }
            }

            throw new InvalidOperationException("OttCompliance.sln not found above " + AppContext.BaseDirectory);
        }
    }

    /// <summary>
    /// A PostgreSQL connection string whose search path is a new, empty schema, so each test has its own tables in
    /// the shared server; the schema is dropped when the returned scope is disposed.
    /// </summary>
    public static async Task<PostgresSchema> FreshPostgresSchemaAsync(string? connectionString = null)
    {
        var server = connectionString ?? Postgres;
        var name = $"t_{Guid.NewGuid():N}"[..20];
        await using (var connection = new NpgsqlConnection(server))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE SCHEMA {name}", connection);
            await command.ExecuteNonQueryAsync();
        }

        return new PostgresSchema(server, name, new NpgsqlConnectionStringBuilder(server) { SearchPath = name }.ToString());
    }

    private static string Require(string variable, string what)
    {
        var value = Environment.GetEnvironmentVariable(variable);
        if (!string.IsNullOrWhiteSpace(value))
        {
            return value;
        }

        var message = $"{what} is not configured ({variable}); start it with deploy/ci-services.sh or see docs/operations.md.";
        if (Required)
        {
            Assert.Fail(message);
        }

        Assert.Ignore(message);
        return "";
    }
}

/// <summary>A throwaway schema in the test server; dropping it removes every table a test made.</summary>
public sealed class PostgresSchema(string server, string name, string connectionString) : IAsyncDisposable
{
    public string Name { get; } = name;

    public string ConnectionString { get; } = connectionString;

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(server);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP SCHEMA IF EXISTS {Name} CASCADE", connection);
        await command.ExecuteNonQueryAsync();
    }
}
