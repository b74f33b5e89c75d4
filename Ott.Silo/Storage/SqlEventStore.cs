using System.Data.Common;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Ott.Grains.Interfaces;
using Ott.Grains.Logs;

namespace Ott.Silo.Storage;

/// <summary>
/// The event and assessment log in the database (PostgreSQL in production, SQLite for the durable embedded profile).
/// Appends are group-committed (<see cref="BatchWriter{TItem,TResult}"/>): one multi-row INSERT per batch, with
/// <c>ON CONFLICT DO NOTHING</c> on the unique <c>event_id</c> (the dedupe authority, no window). An ingest call
/// returns only after its events are committed, and an assessment write is committed before the user grain goes on,
/// so "acknowledged" means "in the log" and every logged event is owed exactly one assessment.
/// </summary>
public sealed class SqlEventStore : IEventLog, IAssessmentLog, IAsyncDisposable
{
    private const int MaxRows = 1_000;
    private static readonly JsonSerializerOptions Json = new() { Converters = { new JsonStringEnumConverter() } };

    private readonly SqlDatabase _db;
    private readonly EventLogOptions _options;
    private readonly TimeProvider _time;
    private readonly BatchWriter<OttEvent, AppendOutcome> _events;
    private readonly BatchWriter<Assessment, bool> _assessments;
    private long _pending;
    private long _pendingCheckedAt;

    public SqlEventStore(SqlDatabase db, EventLogOptions options, TimeProvider time)
    {
        _db = db;
        _options = options;
        _time = time;
        _events = new BatchWriter<OttEvent, AppendOutcome>(WriteEventsAsync, MaxRows);
        _assessments = new BatchWriter<Assessment, bool>(WriteAssessmentsAsync, MaxRows);
    }

    public ValueTask<AppendOutcome[]> AppendAsync(IReadOnlyList<OttEvent> events, CancellationToken cancellationToken = default) =>
        SqlErrors.GuardAsync(async () =>
        {
            // Back-pressure: the pending count is re-read at most once a second.
            if (await PendingAsync(cancellationToken) + events.Count > _options.MaxPending)
            {
                return Enumerable.Repeat(AppendOutcome.Overloaded, events.Count).ToArray();
            }

            return await _events.SubmitManyAsync(events);
        });

    public async ValueTask AppendAsync(Assessment assessment, CancellationToken cancellationToken = default) =>
        await SqlErrors.GuardAsync(async () => await _assessments.SubmitAsync(assessment));

    public ValueTask<IReadOnlyList<OttEvent>> GetUnassessedAsync(DateTimeOffset acceptedBefore, int limit, CancellationToken cancellationToken = default) =>
        SqlErrors.GuardAsync(() => ClaimUnassessedAsync(acceptedBefore, limit, cancellationToken));

    private async ValueTask<IReadOnlyList<OttEvent>> ClaimUnassessedAsync(DateTimeOffset acceptedBefore, int limit, CancellationToken cancellationToken)
    {
        // Claims the due events (replayed_at) so that, with several silos, each event is replayed by one of them.
        await using var connection = await _db.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            UPDATE ott_events SET replayed_at = @now
            WHERE event_id IN (
                SELECT event_id FROM ott_events
                WHERE state = 0 AND accepted_at < @before AND (replayed_at IS NULL OR replayed_at < @before)
                ORDER BY accepted_at LIMIT @limit {_db.SkipLocked})
            RETURNING payload
            """;
        SqlDatabase.Parameter(command, "@now", _time.GetUtcNow().UtcTicks);
        SqlDatabase.Parameter(command, "@before", acceptedBefore.UtcTicks);
        SqlDatabase.Parameter(command, "@limit", limit);
        var events = new List<OttEvent>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            events.Add(JsonSerializer.Deserialize<OttEvent>(reader.GetString(0), Json)!);
        }

        return events;
    }

    public async ValueTask MarkFailedAsync(string eventId, CancellationToken cancellationToken = default)
    {
        await using var connection = await _db.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var command = Command(connection, transaction, "UPDATE ott_events SET state = 2 WHERE event_id = @id AND state = 0");
        SqlDatabase.Parameter(command, "@id", eventId);
        if (await command.ExecuteNonQueryAsync(cancellationToken) > 0)
        {
            await AddCountersAsync(connection, transaction, new() { ["failed"] = 1 }, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public async ValueTask<long> EraseUserEventsAsync(string userId, CancellationToken cancellationToken = default) =>
        await ExecuteAsync("DELETE FROM ott_events WHERE user_id = @u", ("@u", userId), cancellationToken);

    public async ValueTask<EventLogStats> GetEventStatsAsync(CancellationToken cancellationToken = default)
    {
        var counters = await CountersAsync(cancellationToken);
        var pending = await ScalarAsync("SELECT count(*) FROM ott_events WHERE state = 0", cancellationToken);
        Volatile.Write(ref _pending, pending);
        return new EventLogStats(counters.GetValueOrDefault("accepted"), counters.GetValueOrDefault("duplicates"), pending,
            counters.GetValueOrDefault("failed"));
    }

    public async ValueTask<Assessment?> GetAsync(string eventId, CancellationToken cancellationToken = default)
    {
        var found = await QueryAssessmentsAsync("SELECT payload, features FROM ott_assessments WHERE event_id = @a LIMIT @limit", eventId, 1, cancellationToken);
        return found.Count > 0 ? found[0] : null;
    }

    public ValueTask<IReadOnlyList<Assessment>> GetByUserAsync(string userId, int limit, CancellationToken cancellationToken = default) =>
        QueryAssessmentsAsync("SELECT payload, features FROM ott_assessments WHERE user_id = @a ORDER BY seq DESC LIMIT @limit", userId, limit, cancellationToken);

    public ValueTask<IReadOnlyList<Assessment>> GetLatestAsync(int limit, CancellationToken cancellationToken = default) =>
        QueryAssessmentsAsync("SELECT payload, features FROM ott_assessments ORDER BY seq DESC LIMIT @limit", null, limit, cancellationToken);

    public async ValueTask<AssessmentStats> GetAssessmentStatsAsync(CancellationToken cancellationToken = default)
    {
        var counters = await CountersAsync(cancellationToken);
        return new AssessmentStats(counters.GetValueOrDefault("assessed"),
            Enum.GetValues<RiskLevel>().ToDictionary(l => l, l => counters.GetValueOrDefault("assessed." + l.ToString().ToLowerInvariant())));
    }

    public async ValueTask<long> EraseUserAssessmentsAsync(string userId, CancellationToken cancellationToken = default) =>
        await ExecuteAsync("DELETE FROM ott_assessments WHERE user_id = @u", ("@u", userId), cancellationToken);

    public async ValueTask<IReadOnlyDictionary<string, long>> PurgeAsync(Func<string, DateTimeOffset> cutoffForRegion, CancellationToken cancellationToken = default)
    {
        var regions = new List<string>();
        await using (var connection = await _db.OpenAsync(cancellationToken))
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT DISTINCT region FROM ott_assessments";
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                regions.Add(reader.GetString(0));
            }
        }

        var removed = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var region in regions)
        {
            var cutoff = cutoffForRegion(region).UtcTicks;
            var count = await ExecuteAsync("DELETE FROM ott_assessments WHERE region = @r AND event_time < @c", ("@r", region), cancellationToken, ("@c", cutoff));
            await ExecuteAsync("DELETE FROM ott_events WHERE region = @r AND event_time < @c AND state <> 0", ("@r", region), cancellationToken, ("@c", cutoff));
            if (count > 0)
            {
                removed[region] = count;
            }
        }

        return removed;
    }

    public async ValueTask DisposeAsync()
    {
        await _events.DisposeAsync();
        await _assessments.DisposeAsync();
    }

    private async Task<AppendOutcome[]> WriteEventsAsync(IReadOnlyList<OttEvent> events, CancellationToken cancellationToken)
    {
        var outcomes = new AppendOutcome[events.Count];
        var first = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < events.Count; i++)
        {
            outcomes[i] = first.TryAdd(events[i].EventId, i) ? AppendOutcome.Appended : AppendOutcome.Duplicate;
        }

        await using var connection = await _db.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var rows = first.Values.Select(i => events[i]).ToList();
        var returned = await InsertAsync(connection, transaction, EventInsert, rows,
            e => [e.EventId, e.UserId, e.Region, e.Timestamp.UtcTicks, e.ReceivedAt.UtcTicks, JsonSerializer.Serialize(e, Json)],
            reader => reader.GetString(0), cancellationToken);
        var inserted = returned.ToHashSet(StringComparer.Ordinal);
        foreach (var (id, index) in first)
        {
            if (!inserted.Contains(id))
            {
                outcomes[index] = AppendOutcome.Duplicate;
            }
        }

        await AddCountersAsync(connection, transaction, new()
        {
            ["accepted"] = inserted.Count,
            ["duplicates"] = events.Count - inserted.Count,
        }, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        Interlocked.Add(ref _pending, inserted.Count);
        return outcomes;
    }

    private async Task<bool[]> WriteAssessmentsAsync(IReadOnlyList<Assessment> assessments, CancellationToken cancellationToken)
    {
        var unique = assessments.DistinctBy(a => a.EventId).ToList();
        await using var connection = await _db.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var inserted = await InsertAsync(connection, transaction, AssessmentInsert, unique,
            a => [a.EventId, a.UserId, a.Region, (short)a.RiskLevel, a.EventTime.UtcTicks, a.ProcessedAt.UtcTicks, JsonSerializer.Serialize(a, Json),
                a.FeatureVector is null ? null : JsonSerializer.Serialize(new StoredVectors(a.FeatureVector, a.BaselineVector), Json)],
            reader => (Id: reader.GetString(0), Level: (RiskLevel)reader.GetInt16(1)), cancellationToken);
        if (inserted.Count > 0)
        {
            var resolved = await ResolveEventsAsync(connection, transaction, inserted.Select(x => x.Id).ToList(), cancellationToken);
            Interlocked.Add(ref _pending, -resolved);
            var counters = inserted.GroupBy(x => x.Level).ToDictionary(g => "assessed." + g.Key.ToString().ToLowerInvariant(), g => (long)g.Count());
            counters["assessed"] = inserted.Count;
            await AddCountersAsync(connection, transaction, counters, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return Enumerable.Repeat(true, assessments.Count).ToArray();
    }

    private static readonly InsertStatement EventInsert = new(
        "ott_events", ["event_id", "user_id", "region", "event_time", "accepted_at", "payload"], "event_id");

    private static readonly InsertStatement AssessmentInsert = new(
        "ott_assessments", ["event_id", "user_id", "region", "risk_level", "event_time", "processed_at", "payload", "features"], "event_id, risk_level");

    /// <summary>
    /// <c>INSERT ... ON CONFLICT (event_id) DO NOTHING RETURNING ...</c> of every row, in the caller's transaction; returns
    /// what the inserted rows returned. PostgreSQL gets one multi-row statement (one round trip). SQLite gets one prepared
    /// one-row statement run per row (no round trips to save in-process): a statement of 1,000 rows x 8 named parameters
    /// is bound with a search per parameter, which made a group commit of 1,000 assessments take ~300 ms
    /// (<c>bench/Ott.Benchmarks -- sqlite-store</c>: 2,993 assessments/s as multi-row statements, 26,611 per row;
    /// docs/performance.md).
    /// </summary>
    private async Task<List<T>> InsertAsync<TRow, T>(DbConnection connection, DbTransaction transaction, InsertStatement insert,
        IReadOnlyList<TRow> rows, Func<TRow, object?[]> values, Func<DbDataReader, T> read, CancellationToken cancellationToken)
    {
        var result = new List<T>(rows.Count);
        if (rows.Count == 0)
        {
            return result;
        }

        var perStatement = _db.Engine == SqlEngine.Sqlite ? 1 : rows.Count;
        await using var command = Command(connection, transaction, insert.Sql(perStatement));
        var parameters = Enumerable.Range(0, perStatement * insert.Columns.Length)
            .Select(i => SqlDatabase.Parameter(command, $"@p{i}", null)).ToArray();
        for (var offset = 0; offset < rows.Count; offset += perStatement)
        {
            for (var row = 0; row < perStatement; row++)
            {
                var rowValues = values(rows[offset + row]);
                for (var column = 0; column < rowValues.Length; column++)
                {
                    parameters[(row * insert.Columns.Length) + column].Value = rowValues[column] ?? DBNull.Value;
                }
            }

            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                result.Add(read(reader));
            }
        }

        return result;
    }

    /// <summary>Marks assessed events resolved (state 1); returns how many were pending. Per row on SQLite, as above.</summary>
    private async Task<int> ResolveEventsAsync(DbConnection connection, DbTransaction transaction, List<string> eventIds, CancellationToken cancellationToken)
    {
        if (_db.Engine == SqlEngine.Sqlite)
        {
            await using var one = Command(connection, transaction, "UPDATE ott_events SET state = 1 WHERE state = 0 AND event_id = @e");
            var id = SqlDatabase.Parameter(one, "@e", null);
            var resolved = 0;
            foreach (var eventId in eventIds)
            {
                id.Value = eventId;
                resolved += await one.ExecuteNonQueryAsync(cancellationToken);
            }

            return resolved;
        }

        await using var update = Command(connection, transaction, "");
        var ids = new StringBuilder("UPDATE ott_events SET state = 1 WHERE state = 0 AND event_id IN (");
        for (var i = 0; i < eventIds.Count; i++)
        {
            ids.Append(i == 0 ? "" : ", ").Append($"@e{i}");
            SqlDatabase.Parameter(update, $"@e{i}", eventIds[i]);
        }

        update.CommandText = ids.Append(')').ToString();
        return await update.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task<long> PendingAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetTimestamp();
        if (_time.GetElapsedTime(Interlocked.Read(ref _pendingCheckedAt), now) > TimeSpan.FromSeconds(1))
        {
            Interlocked.Exchange(ref _pendingCheckedAt, now);
            Volatile.Write(ref _pending, await ScalarAsync("SELECT count(*) FROM ott_events WHERE state = 0", cancellationToken));
        }

        return Volatile.Read(ref _pending);
    }

    private static async Task AddCountersAsync(DbConnection connection, DbTransaction transaction, Dictionary<string, long> deltas, CancellationToken cancellationToken)
    {
        foreach (var (name, delta) in deltas.Where(d => d.Value != 0).OrderBy(d => d.Key, StringComparer.Ordinal))
        {
            await using var command = Command(connection, transaction,
                "INSERT INTO ott_counters (name, value) VALUES (@n, @v) ON CONFLICT (name) DO UPDATE SET value = ott_counters.value + @v");
            SqlDatabase.Parameter(command, "@n", name);
            SqlDatabase.Parameter(command, "@v", delta);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private async Task<Dictionary<string, long>> CountersAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _db.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT name, value FROM ott_counters";
        var counters = new Dictionary<string, long>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            counters[reader.GetString(0)] = reader.GetInt64(1);
        }

        return counters;
    }

    private async ValueTask<IReadOnlyList<Assessment>> QueryAssessmentsAsync(string sql, string? key, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await _db.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        if (key is not null)
        {
            SqlDatabase.Parameter(command, "@a", key);
        }

        SqlDatabase.Parameter(command, "@limit", limit);
        var result = new List<Assessment>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var a = JsonSerializer.Deserialize<Assessment>(reader.GetString(0), Json)!;
            if (!await reader.IsDBNullAsync(1, cancellationToken) && JsonSerializer.Deserialize<StoredVectors>(reader.GetString(1), Json) is { } v)
            {
                a = a with { FeatureVector = v.Features, BaselineVector = v.Baseline };
            }

            result.Add(a);
        }

        return result;
    }

    private async Task<long> ScalarAsync(string sql, CancellationToken cancellationToken)
    {
        await using var connection = await _db.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }

    private async Task<long> ExecuteAsync(string sql, (string Name, object Value) first, CancellationToken cancellationToken, params (string Name, object Value)[] more)
    {
        await using var connection = await _db.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in more.Prepend(first))
        {
            SqlDatabase.Parameter(command, name, value);
        }

        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static DbCommand Command(DbConnection connection, DbTransaction transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }

    private sealed record StoredVectors(double[]? Features, double[]? Baseline);

    /// <summary>A multi-row <c>INSERT ... ON CONFLICT (event_id) DO NOTHING RETURNING</c> with parameters @p0, @p1, ...</summary>
    private sealed record InsertStatement(string Table, string[] Columns, string Returning)
    {
        public string Sql(int rows)
        {
            var sql = new StringBuilder($"INSERT INTO {Table} ({string.Join(", ", Columns)}) VALUES ");
            for (var row = 0; row < rows; row++)
            {
                sql.Append(row == 0 ? "(" : ", (");
                for (var column = 0; column < Columns.Length; column++)
                {
                    sql.Append(column == 0 ? "" : ", ").Append("@p").Append((row * Columns.Length) + column);
                }

                sql.Append(')');
            }

            return sql.Append($" ON CONFLICT (event_id) DO NOTHING RETURNING {Returning}").ToString();
        }
    }
}
