using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Runtime.Hosting;
using Orleans.Serialization;
using Ott.Grains.Alerts;
using Ott.Grains.Common;
using Ott.Grains.Logs;
using Ott.Hosting.Storage;

namespace Ott.Hosting;

/// <summary>
/// The durable stores of the SQL profiles (Sqlite, Postgres): the event and assessment log, the audit trail, the
/// alert store and grain state, all in one database. Registered before the grains' in-memory defaults (which
/// are added with TryAdd) so one switch, <c>Ott:Storage</c>, moves everything.
/// </summary>
public static class StorageHostingExtensions
{
    /// <summary>Health-check tag of the readiness probe.</summary>
    public const string ReadyTag = "ready";

    /// <summary>Registers the SQL stores and the schema check when <see cref="OttHostOptions.Storage"/> is SQL.</summary>
    public static IServiceCollection AddOttStorage(this IServiceCollection services, OttHostOptions host, string contentRoot)
    {
        services.AddHealthChecks();
        if (host.Storage == GrainStorageProvider.Memory)
        {
            return services;
        }

        var engine = host.Storage == GrainStorageProvider.Postgres ? SqlEngine.Postgres : SqlEngine.Sqlite;
        var connection = engine == SqlEngine.Sqlite ? RootedSqlite(host.SqlConnection!, contentRoot) : host.SqlConnection!;
        services.AddSingleton(new SqlDatabase(engine, connection));
        services.AddSingleton(sp => new SqlEventStore(sp.GetRequiredService<SqlDatabase>(),
            sp.GetRequiredService<IOptions<EventLogOptions>>().Value, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IEventLog>(sp => sp.GetRequiredService<SqlEventStore>());
        services.AddSingleton<IAssessmentLog>(sp => sp.GetRequiredService<SqlEventStore>());
        services.AddSingleton<IEventHistory>(sp => sp.GetRequiredService<SqlEventStore>());
        services.AddSingleton<IOutcomeLog, SqlOutcomeLog>();
        services.AddSingleton<IAuditLog, SqlAuditLog>();
        services.AddSingleton<IAlertStore, SqlAlertStore>();
        services.AddSingleton<INetworkLinkLog, SqlNetworkLinkLog>();
        services.AddSingleton<IPiplPersonLog, SqlPiplPersonLog>();

        // Hosted services start in registration order: the schema exists before the silo or client starts.
        services.AddHostedService<SchemaInitializer>();
        services.AddHealthChecks().AddCheck<StorageHealthCheck>("storage", tags: [ReadyTag]);
        return services;
    }

    /// <summary>Grain state in the SQL database (silos only).</summary>
    public static ISiloBuilder AddOttGrainStorage(this ISiloBuilder silo, OttHostOptions host)
    {
        if (host.Storage == GrainStorageProvider.Memory)
        {
            silo.AddMemoryGrainStorage(StorageNames.Grains);
        }
        else
        {
            silo.Services.AddGrainStorage(StorageNames.Grains, (sp, _) => new SqlGrainStorage(sp.GetRequiredService<SqlDatabase>(),
                sp.GetRequiredService<Serializer>(), sp.GetRequiredService<IOptions<ClusterOptions>>(), sp.GetRequiredService<TimeProvider>()));
        }

        return silo;
    }

    /// <summary>A relative SQLite file is placed under the content root (e.g. <c>Ott.Api/data/ott.db</c>), not the working directory.</summary>
    private static string RootedSqlite(string connectionString, string contentRoot)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        if (builder.DataSource is { Length: > 0 } file && file != ":memory:" && !Path.IsPathRooted(file))
        {
            builder.DataSource = Path.GetFullPath(Path.Combine(contentRoot, file));
        }

        return builder.ToString();
    }
}

/// <summary>
/// Applies the schema before anything else starts, retrying (with the reason logged) until the database answers,
/// so silos and the database may start in any order. Stopping the host while waiting ends the wait.
/// </summary>
public sealed partial class SchemaInitializer(SqlDatabase db, ILogger<SchemaInitializer> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var delay = TimeSpan.FromSeconds(1);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await db.ApplySchemaAsync(cancellationToken);
                LogReady(logger, db.Engine);
                return;
            }
            catch (Exception ex) when (SqlErrors.IsUnavailable(ex) && !cancellationToken.IsCancellationRequested)
            {
                LogWaiting(logger, db.Engine, attempt, ex.Message, delay.TotalSeconds);
                // Backoff before the next attempt to reach a database that is still starting (the attempt is the probe).
                await Task.Delay(delay, cancellationToken);
                delay = TimeSpan.FromSeconds(Math.Min(10, delay.TotalSeconds * 2));
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "{Engine} schema is in place")]
    private static partial void LogReady(ILogger logger, SqlEngine engine);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Engine} is not reachable (attempt {Attempt}: {Reason}); retrying in {Seconds} s")]
    private static partial void LogWaiting(ILogger logger, SqlEngine engine, int attempt, string reason, double seconds);
}

/// <summary>Ready only while the database answers: a process that cannot persist must not take traffic.</summary>
public sealed class StorageHealthCheck(SqlDatabase db) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(3));
        try
        {
            return await db.PingAsync(timeout.Token)
                ? HealthCheckResult.Healthy($"{db.Engine} answers")
                : HealthCheckResult.Unhealthy($"{db.Engine} does not answer");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy($"{db.Engine} did not answer within 3 s");
        }
    }
}
