using Ott.Grains.Logs;

namespace Ott.Hosting.Storage;

/// <summary>Outcomes in <c>ott_outcomes</c>, one row per event (a later verdict replaces the earlier one).</summary>
public sealed class SqlOutcomeLog(SqlDatabase db) : IOutcomeLog
{
    private static readonly BulkInsert Insert = new("ott_outcomes",
        ["event_id", "user_id", "event_time", "confirmed", "source", "actor", "run_id", "recorded_at"],
        OnConflict: "ON CONFLICT (event_id) DO UPDATE SET confirmed = excluded.confirmed, source = excluded.source, actor = excluded.actor, " +
                    "run_id = excluded.run_id, recorded_at = excluded.recorded_at");

    public const string Columns = "o.confirmed, o.source, o.actor, o.run_id, o.recorded_at";

    public async ValueTask RecordAsync(IReadOnlyList<RecordedOutcome> outcomes, CancellationToken cancellationToken = default)
    {
        // Unique per statement: a repeated event id in one upsert is an error on PostgreSQL.
        var latest = outcomes.GroupBy(o => o.EventId, StringComparer.Ordinal).Select(g => g.Last()).ToList();
        if (latest.Count == 0)
        {
            return;
        }

        await SqlErrors.GuardAsync(async () => (await db.InTransactionAsync((connection, transaction) => db.InsertManyAsync<RecordedOutcome, int>(
            connection, transaction, Insert, latest,
            (o, row) => (row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[7]) =
                (o.EventId, o.UserId, o.EventTime.UtcTicks, (short)(o.ConfirmedViolation ? 1 : 0), o.Source, o.Actor, o.RunId, o.RecordedAt.UtcTicks),
            read: null, cancellationToken), cancellationToken)).Count);
    }

    public async ValueTask<RecordedOutcome?> GetAsync(string eventId, CancellationToken cancellationToken = default) =>
        (await SqlErrors.GuardAsync(async () => await db.QueryAsync(
            $"SELECT o.event_id, o.user_id, o.event_time, {Columns} FROM ott_outcomes o WHERE o.event_id = @e",
            r => Read(r, 0), cancellationToken, ("@e", eventId)))).FirstOrDefault();

    public async ValueTask<long> EraseUserOutcomesAsync(string userId, CancellationToken cancellationToken = default) =>
        await SqlErrors.GuardAsync(async () => (long)await db.ExecuteAsync("DELETE FROM ott_outcomes WHERE user_id = @u", cancellationToken, ("@u", userId)));

    /// <summary>An outcome from (event_id, user_id, event_time) at <paramref name="at"/> followed by <see cref="Columns"/>.</summary>
    internal static RecordedOutcome Read(System.Data.Common.DbDataReader r, int at) => new(
        r.GetString(at), r.GetString(at + 1), new DateTimeOffset(r.GetInt64(at + 2), TimeSpan.Zero), r.GetInt16(at + 3) != 0, r.GetString(at + 4),
        r.IsDBNull(at + 5) ? null : r.GetString(at + 5), r.IsDBNull(at + 6) ? null : r.GetString(at + 6), new DateTimeOffset(r.GetInt64(at + 7), TimeSpan.Zero));
}
