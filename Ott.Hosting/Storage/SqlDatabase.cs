using System.Data;
using System.Data.Common;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Ott.Hosting.Storage;

/// <summary>Which SQL engine a <see cref="SqlDatabase"/> talks to.</summary>
public enum SqlEngine
{
    Postgres,
    Sqlite,
}

/// <summary>A named statement parameter; <see cref="Type"/> is needed only for a value that may be null on PostgreSQL.</summary>
public readonly record struct SqlArg(string Name, object? Value, DbType? Type = null)
{
    public static implicit operator SqlArg((string Name, object? Value) arg) => new(arg.Name, arg.Value);
}

/// <summary>
/// The product's database and the one small helper every SQL store uses: connections (SQLite's pragmas set once
/// here), commands with parameters, reads, the schema (<see cref="SqlSchema"/>) and bulk inserts. The same tables
/// and statements serve PostgreSQL and SQLite; the few places they differ (row locks, how a batch of rows is best
/// written) are answered here, once. Times are stored as UTC ticks (bigint) so both engines compare them the same way.
/// </summary>
public sealed class SqlDatabase
{
    /// <summary>PostgreSQL connections one process opens at most, unless the connection string sets Maximum Pool Size.</summary>
    public const int DefaultMaxPoolSize = 16;

    /// <summary>PostgreSQL takes at most 65,535 parameters in one statement.</summary>
    private const int MaxParameters = 65_535;

    /// <summary>The advisory lock key that serialises schema changes ("ott-schema").</summary>
    private const long SchemaLockKey = 0x6f74742d736368;

    private readonly DbDataSource _source;

    /// <summary>The native SQLite connections whose pragmas are set (weak: a connection the pool closes drops out).</summary>
    private readonly ConditionalWeakTable<SQLitePCL.sqlite3, object> _configured = new();

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

            _source = SqliteFactory.Instance.CreateDataSource(connectionString);
        }
        else
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
    }

    public SqlEngine Engine { get; }

    /// <summary><c>FOR UPDATE SKIP LOCKED</c> where the engine has row locks (PostgreSQL); SQLite has one writer.</summary>
    public string SkipLocked => Engine == SqlEngine.Postgres ? "FOR UPDATE SKIP LOCKED" : "";

    /// <summary><c>FOR UPDATE</c> where the engine has row locks (PostgreSQL); SQLite has one writer.</summary>
    public string ForUpdate => Engine == SqlEngine.Postgres ? "FOR UPDATE" : "";

    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken = default)
    {
        var connection = await _source.OpenConnectionAsync(cancellationToken);
        // The pragmas hold for the life of the native connection, which the pool keeps open across opens: they run once
        // per native connection, not on every open (they were a statement more on each short operation).
        if (Engine == SqlEngine.Sqlite && ((SqliteConnection)connection).Handle is { } handle && _configured.TryAdd(handle, true))
        {
            await using var pragma = connection.CreateCommand();
            pragma.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;";
            await pragma.ExecuteNonQueryAsync(cancellationToken);
        }

        return connection;
    }

    /// <summary>
    /// A JSON document as a parameter value the engine takes with the least copying: UTF-8 bytes on SQLite (kept as
    /// they are in the text column, read back as text), a string on PostgreSQL (Npgsql encodes it into its own
    /// buffer). Serializing to a string for SQLite cost a UTF-16 copy and then a UTF-8 copy of every payload.
    /// </summary>
    public object JsonValue<T>(T value, JsonSerializerOptions options) =>
        Engine == SqlEngine.Sqlite ? JsonSerializer.SerializeToUtf8Bytes(value, options) : JsonSerializer.Serialize(value, options);

    /// <summary>A command on <paramref name="connection"/> (in <paramref name="transaction"/> when given) with its parameters.</summary>
    public static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql, params ReadOnlySpan<SqlArg> args)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var arg in args)
        {
            var parameter = Parameter(command, arg.Name, arg.Value);
            if (arg.Type is { } type)
            {
                parameter.DbType = type;
            }
        }

        return command;
    }

    /// <summary>Adds a parameter (null as DBNull) and returns it, so a prepared statement can change its value per row.</summary>
    public static DbParameter Parameter(DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
        return parameter;
    }

    /// <summary>Runs a statement on its own connection; returns the rows it changed.</summary>
    public async Task<int> ExecuteAsync(string sql, CancellationToken cancellationToken, params SqlArg[] args)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, null, sql, args);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The first column of the first row, as a 64-bit integer.</summary>
    public async Task<long> ScalarAsync(string sql, CancellationToken cancellationToken, params SqlArg[] args)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, null, sql, args);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Every row of a query, read by <paramref name="read"/>.</summary>
    public async Task<List<T>> QueryAsync<T>(string sql, Func<DbDataReader, T> read, CancellationToken cancellationToken, params SqlArg[] args)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, null, sql, args);
        return await ReadAllAsync(command, read, cancellationToken);
    }

    /// <summary>The rows of a query one at a time, for results too large to hold (the connection stays open while enumerating).</summary>
    public async IAsyncEnumerable<T> StreamAsync<T>(string sql, Func<DbDataReader, T> read,
        [EnumeratorCancellation] CancellationToken cancellationToken = default, params SqlArg[] args)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, null, sql, args);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return read(reader);
        }
    }

    /// <summary>Every row a command returns.</summary>
    public static async Task<List<T>> ReadAllAsync<T>(DbCommand command, Func<DbDataReader, T> read, CancellationToken cancellationToken)
    {
        var rows = new List<T>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(read(reader));
        }

        return rows;
    }

    /// <summary>
    /// Runs <paramref name="work"/> in one transaction on one connection and commits it; a failure rolls everything back.
    /// </summary>
    public async Task<T> InTransactionAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var result = await work(connection, transaction);
        await transaction.CommitAsync(cancellationToken);
        return result;
    }

    /// <summary>
    /// Inserts every row in the caller's transaction and returns what the inserted rows returned (when
    /// <see cref="BulkInsert.Returning"/> is set). PostgreSQL gets multi-row statements (one round trip per up to
    /// 65,535 parameters). SQLite gets one prepared one-row statement run per row: in process there is no round trip
    /// to save, and a statement of 1,000 rows x 8 named parameters is bound with a search per parameter, which made a
    /// group commit of 1,000 assessments take ~300 ms (<c>bench/Ott.Benchmarks -- sqlite-store</c>; docs/performance.md).
    /// </summary>
    public async Task<List<T>> InsertManyAsync<TRow, T>(DbConnection connection, DbTransaction transaction, BulkInsert insert,
        IReadOnlyList<TRow> rows, Action<TRow, object?[]> values, Func<DbDataReader, T>? read, CancellationToken cancellationToken)
    {
        var result = new List<T>(read is null ? 0 : rows.Count);
        if (rows.Count == 0)
        {
            return result;
        }

        var width = insert.Columns.Length;
        var row = new object?[width];
        var perStatement = Engine == SqlEngine.Sqlite ? 1 : Math.Min(rows.Count, MaxParameters / width);
        for (var offset = 0; offset < rows.Count; offset += perStatement)
        {
            var count = Math.Min(perStatement, rows.Count - offset);
            await using var command = Command(connection, transaction, insert.Sql(count));
            var parameters = new DbParameter[count * width];
            for (var i = 0; i < parameters.Length; i++)
            {
                parameters[i] = Parameter(command, $"@p{i}", null);
            }

            if (Engine == SqlEngine.Sqlite)
            {
                // One statement, prepared once, run per row.
                foreach (var item in rows)
                {
                    Fill(item, 0);
                    await RunAsync(command, read, result, cancellationToken);
                }

                break;
            }

            for (var r = 0; r < count; r++)
            {
                Fill(rows[offset + r], r * width);
            }

            await RunAsync(command, read, result, cancellationToken);

            void Fill(TRow item, int at)
            {
                values(item, row);
                for (var column = 0; column < width; column++)
                {
                    parameters[at + column].Value = row[column] ?? DBNull.Value;
                }
            }
        }

        return result;
    }

    /// <summary>Creates every table and index that is missing (<see cref="SqlSchema"/>); running it twice changes nothing.</summary>
    public Task ApplySchemaAsync(CancellationToken cancellationToken = default) => SqlSchema.ApplyAsync(this, SchemaLockKey, cancellationToken);

    /// <summary>True when a trivial query answers (readiness).</summary>
    public async Task<bool> PingAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await ScalarAsync("SELECT 1", cancellationToken);
            return true;
        }
        catch (Exception ex) when (ex is DbException or TimeoutException or InvalidOperationException or System.Net.Sockets.SocketException)
        {
            return false;
        }
    }

    private static async Task RunAsync<T>(DbCommand command, Func<DbDataReader, T>? read, List<T> into, CancellationToken cancellationToken)
    {
        if (read is null)
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
            return;
        }

        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            into.Add(read(reader));
        }
    }
}

/// <summary>
/// A bulk <c>INSERT INTO table (columns) VALUES (...), (...) [conflict clause] [RETURNING ...]</c> with parameters
/// <c>@p0, @p1, ...</c> row after row.
/// </summary>
public sealed record BulkInsert(string Table, string[] Columns, string? OnConflict = null, string? Returning = null)
{
    public string Sql(int rows)
    {
        var sql = new System.Text.StringBuilder($"INSERT INTO {Table} ({string.Join(", ", Columns)}) VALUES ");
        for (var row = 0; row < rows; row++)
        {
            sql.Append(row == 0 ? "(" : ", (");
            for (var column = 0; column < Columns.Length; column++)
            {
                sql.Append(column == 0 ? "" : ", ").Append("@p").Append((row * Columns.Length) + column);
            }

            sql.Append(')');
        }

        if (OnConflict is not null)
        {
            sql.Append(' ').Append(OnConflict);
        }

        if (Returning is not null)
        {
            sql.Append(" RETURNING ").Append(Returning);
        }

        return sql.ToString();
    }
}
