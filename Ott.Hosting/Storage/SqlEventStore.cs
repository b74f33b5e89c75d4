using System.Data.Common;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Ott.Grains.Interfaces;
using Ott.Grains.Logs;

namespace Ott.Hosting.Storage;

/// <summary>
/// The event and assessment log in the database (PostgreSQL in production, SQLite for the durable embedded profile).
/// Appends are group-committed (<see cref="BatchWriter{TItem,TResult}"/>): one multi-row INSERT per batch, with
/// <c>ON CONFLICT DO NOTHING</c> on the unique <c>event_id</c> (the dedupe authority, no window). An ingest call
/// returns only after its events are committed, and an assessment write is committed before the user grain goes on,
/// so "acknowledged" means "in the log" and every logged event is owed exactly one assessment.
/// </summary>
public sealed class SqlEventStore : IEventLog, IAssessmentLog, IEventHistory, IAsyncDisposable
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

    private async ValueTask<IReadOnlyList<OttEvent>> ClaimUnassessedAsync(DateTimeOffset acceptedBefore, int limit, CancellationToken cancellationToken) =>
        // Claims the due events (replayed_at) so that, with several silos, each event is replayed by one of them.
        await _db.QueryAsync($"""
            UPDATE ott_events SET replayed_at = @now
            WHERE event_id IN (
                SELECT event_id FROM ott_events
                WHERE state = 0 AND accepted_at < @before AND (replayed_at IS NULL OR replayed_at < @before)
                ORDER BY accepted_at LIMIT @limit {_db.SkipLocked})
            RETURNING payload
            """, reader => JsonSerializer.Deserialize<OttEvent>(reader.GetString(0), Json)!, cancellationToken,
            ("@now", _time.GetUtcNow().UtcTicks), ("@before", acceptedBefore.UtcTicks), ("@limit", limit));

    public ValueTask<LoggedEventState> GetStateAsync(string eventId, CancellationToken cancellationToken = default) =>
        SqlErrors.GuardAsync(async () =>
        {
            var states = await _db.QueryAsync("SELECT state FROM ott_events WHERE event_id = @e", reader => (int)reader.GetInt16(0), cancellationToken, ("@e", eventId));
            return states.Count == 0 ? LoggedEventState.Unknown : states[0] switch
            {
                0 => LoggedEventState.Pending,
                1 => LoggedEventState.Assessed,
                _ => LoggedEventState.Failed,
            };
        });

    public async ValueTask MarkFailedAsync(string eventId, CancellationToken cancellationToken = default) =>
        await _db.InTransactionAsync(async (connection, transaction) =>
        {
            await using var command = SqlDatabase.Command(connection, transaction, "UPDATE ott_events SET state = 2 WHERE event_id = @id AND state = 0", ("@id", eventId));
            var failed = await command.ExecuteNonQueryAsync(cancellationToken);
            await AddCountersAsync(connection, transaction, new() { ["failed"] = failed }, cancellationToken);
            return failed;
        }, cancellationToken);

    public async ValueTask<long> EraseUserEventsAsync(string userId, CancellationToken cancellationToken = default) =>
        await _db.ExecuteAsync("DELETE FROM ott_events WHERE user_id = @u", cancellationToken, ("@u", userId));

    public async ValueTask<EventLogStats> GetEventStatsAsync(CancellationToken cancellationToken = default)
    {
        var counters = await CountersAsync(cancellationToken);
        var pending = await _db.ScalarAsync(CountPending, cancellationToken);
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
        await _db.ExecuteAsync("DELETE FROM ott_assessments WHERE user_id = @u", cancellationToken, ("@u", userId));

    public async ValueTask<IReadOnlyDictionary<string, long>> PurgeAsync(Func<string, DateTimeOffset> cutoffForRegion, CancellationToken cancellationToken = default)
    {
        var regions = await _db.QueryAsync("SELECT DISTINCT region FROM ott_assessments", reader => reader.GetString(0), cancellationToken);

        var removed = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var region in regions)
        {
            var cutoff = cutoffForRegion(region).UtcTicks;
            var count = await _db.ExecuteAsync("DELETE FROM ott_assessments WHERE region = @r AND event_time < @c", cancellationToken, ("@r", region), ("@c", cutoff));
            await _db.ExecuteAsync("DELETE FROM ott_events WHERE region = @r AND event_time < @c AND state <> 0", cancellationToken, ("@r", region), ("@c", cutoff));
            if (count > 0)
            {
                removed[region] = count;
            }
        }

        return removed;
    }

    /// <summary>Most user ids a history read filters on (one parameter each).</summary>
    public const int MaxHistoryUsers = 1_000;

    public IAsyncEnumerable<HistoricalEvent> ReadAsync(DateTimeOffset from, DateTimeOffset to, IReadOnlyCollection<string>? users,
        CancellationToken cancellationToken = default)
    {
        var (filter, args) = PeriodFilter(from, to, users);
        return _db.StreamAsync($"""
            SELECT e.payload, o.event_id, o.user_id, o.event_time, {SqlOutcomeLog.Columns}
            FROM ott_events e LEFT JOIN ott_outcomes o ON o.event_id = e.event_id
            WHERE {filter}
            ORDER BY e.user_id, e.event_time, e.event_id
            """, reader => new HistoricalEvent(
                JsonSerializer.Deserialize<OttEvent>(reader.GetString(0), Json)!,
                reader.IsDBNull(1) ? null : SqlOutcomeLog.Read(reader, 1)), cancellationToken, args);
    }

    public ValueTask<long> CountAsync(DateTimeOffset from, DateTimeOffset to, IReadOnlyCollection<string>? users, CancellationToken cancellationToken = default)
    {
        var (filter, args) = PeriodFilter(from, to, users);
        return SqlErrors.GuardAsync(async () => await _db.ScalarAsync($"SELECT count(*) FROM ott_events e WHERE {filter}", cancellationToken, args));
    }

    private static (string Filter, SqlArg[] Args) PeriodFilter(DateTimeOffset from, DateTimeOffset to, IReadOnlyCollection<string>? users)
    {
        if (users is { Count: > MaxHistoryUsers })
        {
            throw new ArgumentException($"At most {MaxHistoryUsers} users per history read.", nameof(users));
        }

        var args = new List<SqlArg> { ("@from", from.UtcTicks), ("@to", to.UtcTicks) };
        var filter = "e.event_time >= @from AND e.event_time < @to";
        if (users is { Count: > 0 })
        {
            var names = users.Select((u, i) => (Name: $"@u{i}", User: u)).ToList();
            args.AddRange(names.Select(n => new SqlArg(n.Name, n.User)));
            filter += $" AND e.user_id IN ({string.Join(", ", names.Select(n => n.Name))})";
        }

        return (filter, [.. args]);
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

        var rows = first.Values.Select(i => events[i]).ToList();
        var inserted = await _db.InTransactionAsync(async (connection, transaction) =>
        {
            var returned = await _db.InsertManyAsync(connection, transaction, EventInsert, rows,
                (e, row) => (row[0], row[1], row[2], row[3], row[4], row[5]) =
                    (e.EventId, e.UserId, e.Region, e.Timestamp.UtcTicks, e.ReceivedAt.UtcTicks, _db.JsonValue(e, Json)),
                reader => reader.GetString(0), cancellationToken);
            await AddCountersAsync(connection, transaction, new()
            {
                ["accepted"] = returned.Count,
                ["duplicates"] = events.Count - returned.Count,
            }, cancellationToken);
            return returned.ToHashSet(StringComparer.Ordinal);
        }, cancellationToken);
        foreach (var (id, index) in first)
        {
            if (!inserted.Contains(id))
            {
                outcomes[index] = AppendOutcome.Duplicate;
            }
        }

        Interlocked.Add(ref _pending, inserted.Count);
        return outcomes;
    }

    private async Task<bool[]> WriteAssessmentsAsync(IReadOnlyList<Assessment> assessments, CancellationToken cancellationToken)
    {
        var unique = assessments.DistinctBy(a => a.EventId).ToList();
        var resolved = await _db.InTransactionAsync(async (connection, transaction) =>
        {
            var inserted = await _db.InsertManyAsync(connection, transaction, AssessmentInsert, unique,
                (a, row) => (row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[7]) =
                    (a.EventId, a.UserId, a.Region, (short)a.RiskLevel, a.EventTime.UtcTicks, a.ProcessedAt.UtcTicks, _db.JsonValue(a, Json),
                     a.FeatureVector is null ? null : _db.JsonValue(new StoredVectors(a.FeatureVector, a.BaselineVector), Json)),
                reader => (Id: reader.GetString(0), Level: (RiskLevel)reader.GetInt16(1)), cancellationToken);
            if (inserted.Count == 0)
            {
                return 0;
            }

            var counters = inserted.GroupBy(x => x.Level).ToDictionary(g => "assessed." + g.Key.ToString().ToLowerInvariant(), g => (long)g.Count());
            counters["assessed"] = inserted.Count;
            await AddCountersAsync(connection, transaction, counters, cancellationToken);
            return await ResolveEventsAsync(connection, transaction, inserted.Select(x => x.Id).ToList(), cancellationToken);
        }, cancellationToken);
        Interlocked.Add(ref _pending, -resolved);
        return Enumerable.Repeat(true, assessments.Count).ToArray();
    }

    private const string CountPending = "SELECT count(*) FROM ott_events WHERE state = 0";

    private static readonly BulkInsert EventInsert = new(
        "ott_events", ["event_id", "user_id", "region", "event_time", "accepted_at", "payload"], "ON CONFLICT (event_id) DO NOTHING", "event_id");

    private static readonly BulkInsert AssessmentInsert = new(
        "ott_assessments", ["event_id", "user_id", "region", "risk_level", "event_time", "processed_at", "payload", "features"],
        "ON CONFLICT (event_id) DO NOTHING", "event_id, risk_level");

    /// <summary>Marks assessed events resolved (state 1); returns how many were pending. Per row on SQLite, as above.</summary>
    private async Task<int> ResolveEventsAsync(DbConnection connection, DbTransaction transaction, List<string> eventIds, CancellationToken cancellationToken)
    {
        if (_db.Engine == SqlEngine.Sqlite)
        {
            // One prepared statement run per row, as the bulk insert does on SQLite.
            await using var one = SqlDatabase.Command(connection, transaction, "UPDATE ott_events SET state = 1 WHERE state = 0 AND event_id = @e");
            var id = SqlDatabase.Parameter(one, "@e", null);
            var resolved = 0;
            foreach (var eventId in eventIds)
            {
                id.Value = eventId;
                resolved += await one.ExecuteNonQueryAsync(cancellationToken);
            }

            return resolved;
        }

        await using var update = SqlDatabase.Command(connection, transaction, "");
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
            Volatile.Write(ref _pending, await _db.ScalarAsync(CountPending, cancellationToken));
        }

        return Volatile.Read(ref _pending);
    }

    private static async Task AddCountersAsync(DbConnection connection, DbTransaction transaction, Dictionary<string, long> deltas, CancellationToken cancellationToken)
    {
        foreach (var (name, delta) in deltas.Where(d => d.Value != 0).OrderBy(d => d.Key, StringComparer.Ordinal))
        {
            await using var command = SqlDatabase.Command(connection, transaction,
                "INSERT INTO ott_counters (name, value) VALUES (@n, @v) ON CONFLICT (name) DO UPDATE SET value = ott_counters.value + @v",
                ("@n", name), ("@v", delta));
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private async Task<Dictionary<string, long>> CountersAsync(CancellationToken cancellationToken) =>
        (await _db.QueryAsync("SELECT name, value FROM ott_counters", reader => (Name: reader.GetString(0), Value: reader.GetInt64(1)), cancellationToken))
        .ToDictionary(c => c.Name, c => c.Value, StringComparer.Ordinal);

    private async ValueTask<IReadOnlyList<Assessment>> QueryAssessmentsAsync(string sql, string? key, int limit, CancellationToken cancellationToken) =>
        await _db.QueryAsync(sql, ReadAssessment, cancellationToken, key is null ? [("@limit", limit)] : [("@a", key), ("@limit", limit)]);

    private static Assessment ReadAssessment(DbDataReader reader)
    {
        var a = JsonSerializer.Deserialize<Assessment>(reader.GetString(0), Json)!;
        return !reader.IsDBNull(1) && JsonSerializer.Deserialize<StoredVectors>(reader.GetString(1), Json) is { } v
            ? a with { FeatureVector = v.Features, BaselineVector = v.Baseline }
            : a;
    }

    private sealed record StoredVectors(double[]? Features, double[]? Baseline);
}
