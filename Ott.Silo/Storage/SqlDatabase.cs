using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Ott.Silo.Storage;

/// <summary>Which SQL engine a <see cref="SqlDatabase"/> talks to.</summary>
public enum SqlEngine
{
    Postgres,
    Sqlite,
}

/// <summary>
/// The product's database: connections and the schema (events, assessments, counters, audit, alerts, network links, PIPL persons, grain state),
/// applied idempotently at start-up and by <c>deploy/</c>. The same tables and statements serve PostgreSQL and
/// SQLite; the few differences (identity columns, row locking) are kept here. Times are stored as UTC ticks
/// (bigint) so both engines compare them the same way.
/// </summary>
public sealed class SqlDatabase
{
    private readonly DbDataSource _source;

    public SqlDatabase(SqlEngine engine, string connectionString)
    {
        Engine = engine;
        if (engine == SqlEngine.Sqlite)
        {
            var builder = new SqliteConnectionStringBuilder(connectionString);
            if (Path.GetDirectoryName(Path.GetFullPath(builder.DataSource)) is { } folder)
            {
                Directory.CreateDirectory(folder);
            }
        }

        if (engine == SqlEngine.Postgres)
        {
            // Every silo and API process has its own pool; PostgreSQL's default is 100 connections in all. Unless the
            // operator says otherwise, a process takes at most DefaultMaxPoolSize (callers beyond it wait their turn).
            var builder = new NpgsqlConnectionStringBuilder(connectionString);
            if (!connectionString.Contains("Maximum Pool Size", StringComparison.OrdinalIgnoreCase) &&
                !connectionString.Contains("Max Pool Size", StringComparison.OrdinalIgnoreCase) &&
                !connectionString.Contains("MaxPoolSize", StringComparison.OrdinalIgnoreCase))
            {
                builder.MaxPoolSize = DefaultMaxPoolSize;
            }

            _source = NpgsqlDataSource.Create(builder.ConnectionString);
        }
        else
        {
            _source = SqliteFactory.Instance.CreateDataSource(connectionString);
        }
    }

    /// <summary>PostgreSQL connections one process opens at most, unless the connection string sets Maximum Pool Size.</summary>
    public const int DefaultMaxPoolSize = 16;

    public SqlEngine Engine { get; }

    /// <summary><c>FOR UPDATE SKIP LOCKED</c> where the engine has row locks (PostgreSQL); SQLite has one writer.</summary>
    public string SkipLocked => Engine == SqlEngine.Postgres ? "FOR UPDATE SKIP LOCKED" : "";

    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken = default)
    {
        var connection = await _source.OpenConnectionAsync(cancellationToken);
        if (Engine == SqlEngine.Sqlite)
        {
            await using var pragma = connection.CreateCommand();
            pragma.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;";
            await pragma.ExecuteNonQueryAsync(cancellationToken);
        }

        return connection;
    }

    /// <summary>
    /// Creates every table and index that is missing; running it twice changes nothing. On PostgreSQL the DDL runs
    /// in one transaction under an advisory lock, because <c>CREATE TABLE IF NOT EXISTS</c> from two silos starting
    /// together races in the catalog (a unique violation on pg_type).
    /// </summary>
    public async Task ApplySchemaAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = (Engine == SqlEngine.Postgres ? $"SELECT pg_advisory_xact_lock({SchemaLockKey});\n" : "") + Schema(Engine);
        await command.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>The advisory lock key that serialises schema changes ("ott-schema").</summary>
    private const long SchemaLockKey = 0x6f74742d736368;

    /// <summary>True when a trivial query answers (readiness).</summary>
    public async Task<bool> PingAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await using var connection = await OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT 1";
            await command.ExecuteScalarAsync(cancellationToken);
            return true;
        }
        catch (Exception ex) when (ex is DbException or TimeoutException or InvalidOperationException or System.Net.Sockets.SocketException)
        {
            return false;
        }
    }

    public static DbParameter Parameter(DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
        return parameter;
    }

    /// <summary>The DDL for an engine (also in deploy/sql/ for operators who apply it themselves).</summary>
    public static string Schema(SqlEngine engine)
    {
        var identity = engine == SqlEngine.Postgres ? "bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY" : "INTEGER PRIMARY KEY AUTOINCREMENT";
        var blob = engine == SqlEngine.Postgres ? "bytea" : "BLOB";
        return $"""
            CREATE TABLE IF NOT EXISTS ott_events (
                event_id varchar(128) PRIMARY KEY,
                user_id varchar(128) NOT NULL,
                region varchar(16) NOT NULL,
                event_time bigint NOT NULL,
                accepted_at bigint NOT NULL,
                state smallint NOT NULL DEFAULT 0,
                replayed_at bigint NULL,
                payload text NOT NULL);
            CREATE INDEX IF NOT EXISTS ott_events_pending ON ott_events (accepted_at) WHERE state = 0;
            CREATE INDEX IF NOT EXISTS ott_events_user ON ott_events (user_id);
            CREATE TABLE IF NOT EXISTS ott_assessments (
                seq {identity},
                event_id varchar(128) NOT NULL UNIQUE,
                user_id varchar(128) NOT NULL,
                region varchar(16) NOT NULL,
                risk_level smallint NOT NULL,
                event_time bigint NOT NULL,
                processed_at bigint NOT NULL,
                payload text NOT NULL,
                features text NULL);
            CREATE INDEX IF NOT EXISTS ott_assessments_user ON ott_assessments (user_id, seq);
            CREATE INDEX IF NOT EXISTS ott_assessments_region_time ON ott_assessments (region, event_time);
            CREATE TABLE IF NOT EXISTS ott_counters (
                name varchar(64) PRIMARY KEY,
                value bigint NOT NULL);
            CREATE TABLE IF NOT EXISTS ott_audit (
                id {identity},
                time bigint NOT NULL,
                actor varchar(128) NOT NULL,
                role varchar(64) NOT NULL,
                action varchar(128) NOT NULL,
                target_kind varchar(32) NOT NULL,
                target varchar(256) NOT NULL,
                result integer NOT NULL,
                client_ip varchar(64) NOT NULL,
                detail text NULL);
            CREATE INDEX IF NOT EXISTS ott_audit_target ON ott_audit (target, id);
            CREATE INDEX IF NOT EXISTS ott_audit_actor ON ott_audit (actor, id);
            CREATE TABLE IF NOT EXISTS ott_alerts (
                seq {identity},
                id varchar(200) NOT NULL UNIQUE,
                severity smallint NOT NULL,
                user_id varchar(128) NULL,
                raised_at bigint NOT NULL,
                payload text NOT NULL);
            CREATE INDEX IF NOT EXISTS ott_alerts_user ON ott_alerts (user_id, seq);
            CREATE TABLE IF NOT EXISTS ott_network_links (
                seq {identity},
                user_id varchar(128) NOT NULL,
                kind smallint NOT NULL,
                value varchar(256) NOT NULL,
                at bigint NOT NULL);
            CREATE INDEX IF NOT EXISTS ott_network_links_user ON ott_network_links (user_id);
            CREATE TABLE IF NOT EXISTS ott_pipl_persons (
                route_key varchar(64) NOT NULL,
                person bigint NOT NULL,
                sensitive smallint NOT NULL,
                PRIMARY KEY (route_key, person, sensitive));
            CREATE TABLE IF NOT EXISTS ott_grain_state (
                service_id varchar(150) NOT NULL,
                state_name varchar(128) NOT NULL,
                grain_id varchar(512) NOT NULL,
                payload {blob} NULL,
                version integer NOT NULL,
                modified_at bigint NOT NULL,
                PRIMARY KEY (service_id, state_name, grain_id));
            """;
    }
}
