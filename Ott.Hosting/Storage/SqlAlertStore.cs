using System.Data;
using System.Data.Common;
using System.Text.Json;
using System.Text.Json.Serialization;
using Ott.Grains.Alerts;
using Ott.Grains.Interfaces;

namespace Ott.Hosting.Storage;

/// <summary>
/// Alerts in the database: one row per alert (JSON payload), indexed by sequence and user. New alerts are
/// group-committed (<see cref="BatchWriter{TItem,TResult}"/>: the alerts user grains raise at the same moment land in
/// one transaction, not one connection and commit each); changes (repeat counts, acknowledgements, delivery states)
/// read and rewrite the row in a transaction.
/// </summary>
public sealed class SqlAlertStore : IAlertStore, IAsyncDisposable
{
    private const string Columns = "SELECT seq, payload FROM ott_alerts";
    private const int MaxAlertsPerCommit = 500;
    private static readonly JsonSerializerOptions Json = new() { Converters = { new JsonStringEnumConverter() } };
    private static readonly BulkInsert AlertInsert = new("ott_alerts", ["id", "severity", "user_id", "raised_at", "payload"], "ON CONFLICT (id) DO NOTHING", "id");

    private readonly SqlDatabase db;
    private readonly BatchWriter<Alert, bool> _added;

    public SqlAlertStore(SqlDatabase db)
    {
        this.db = db;
        _added = new BatchWriter<Alert, bool>(InsertAsync, MaxAlertsPerCommit);
    }

    public async ValueTask<bool> AddAsync(Alert alert, CancellationToken cancellationToken = default) => await _added.SubmitAsync(alert);

    public ValueTask DisposeAsync() => _added.DisposeAsync();

    /// <summary>Inserts the queued alerts in one transaction; true for each one stored now (false: its id existed).</summary>
    private async Task<bool[]> InsertAsync(IReadOnlyList<Alert> alerts, CancellationToken cancellationToken)
    {
        // The first of two alerts with one id in a batch is the one stored, as if they had come one after the other.
        var first = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < alerts.Count; i++)
        {
            first.TryAdd(alerts[i].Id, i);
        }

        var rows = first.Values.Select(i => alerts[i]).ToList();
        var inserted = await db.InTransactionAsync(async (connection, transaction) =>
            (await db.InsertManyAsync(connection, transaction, AlertInsert, rows,
                (a, row) => (row[0], row[1], row[2], row[3], row[4]) =
                    (a.Id, (short)a.Severity, a.UserId, a.RaisedAt.UtcTicks, db.JsonValue(a with { LastSeenAt = a.RaisedAt }, Json)),
                reader => reader.GetString(0), cancellationToken)).ToHashSet(StringComparer.Ordinal), cancellationToken);
        return alerts.Select((a, i) => first[a.Id] == i && inserted.Contains(a.Id)).ToArray();
    }

    public async ValueTask RepeatAsync(string alertId, int count, DateTimeOffset lastSeenAt, CancellationToken cancellationToken = default) =>
        await UpdateAsync(alertId, a => a with { Count = Math.Max(a.Count, count), LastSeenAt = lastSeenAt > a.LastSeenAt ? lastSeenAt : a.LastSeenAt }, cancellationToken);

    public ValueTask<Alert?> AcknowledgeAsync(string alertId, string by, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        UpdateAsync(alertId, a => a.AcknowledgedAt is null ? a with { AcknowledgedAt = at, AcknowledgedBy = by } : a, cancellationToken);

    public async ValueTask SetDeliveryAsync(string alertId, string channel, string status, CancellationToken cancellationToken = default) =>
        await UpdateAsync(alertId, a => a with { Deliveries = new Dictionary<string, string>(a.Deliveries) { [channel] = status } }, cancellationToken);

    public async ValueTask<Alert?> GetAsync(string alertId, CancellationToken cancellationToken = default) =>
        (await db.QueryAsync($"{Columns} WHERE id = @i", Read, cancellationToken, ("@i", alertId))).FirstOrDefault();

    public async ValueTask<IReadOnlyList<Alert>> QueryAsync(RiskLevel? minSeverity, DateTimeOffset? since, string? userId, int limit, CancellationToken cancellationToken = default) =>
        await db.QueryAsync($"{Columns} WHERE severity >= @s AND raised_at >= @t AND (@u IS NULL OR user_id = @u) ORDER BY seq DESC LIMIT @limit", Read,
            cancellationToken, ("@s", (short)(minSeverity ?? RiskLevel.Low)), ("@t", since?.UtcTicks ?? 0L), new SqlArg("@u", userId, DbType.String), ("@limit", limit));

    public async ValueTask<IReadOnlyList<Alert>> AfterAsync(long sequence, int limit, CancellationToken cancellationToken = default) =>
        await db.QueryAsync($"{Columns} WHERE seq > @q ORDER BY seq LIMIT @limit", Read, cancellationToken, ("@q", sequence), ("@limit", limit));

    private async ValueTask<Alert?> UpdateAsync(string alertId, Func<Alert, Alert> change, CancellationToken cancellationToken) =>
        await db.InTransactionAsync<Alert?>(async (connection, transaction) =>
        {
            await using var read = SqlDatabase.Command(connection, transaction, $"{Columns} WHERE id = @i {db.ForUpdate}", ("@i", alertId));
            if ((await SqlDatabase.ReadAllAsync(read, Read, cancellationToken)).FirstOrDefault() is not { } alert)
            {
                return null;
            }

            var changed = change(alert);
            await using var write = SqlDatabase.Command(connection, transaction, "UPDATE ott_alerts SET payload = @p WHERE id = @i",
                ("@i", alertId), ("@p", db.JsonValue(changed, Json)));
            await write.ExecuteNonQueryAsync(cancellationToken);
            return changed;
        }, cancellationToken);

    private static Alert Read(DbDataReader reader) => JsonSerializer.Deserialize<Alert>(reader.GetString(1), Json)! with { Sequence = reader.GetInt64(0) };
}
