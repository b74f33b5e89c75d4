using System.Data;
using System.Data.Common;
using System.Text.Json;
using System.Text.Json.Serialization;
using Ott.Grains.Alerts;
using Ott.Grains.Interfaces;

namespace Ott.Hosting.Storage;

/// <summary>
/// Alerts in the database: one row per alert (JSON payload), indexed by sequence and user. Changes (repeat counts,
/// acknowledgements, delivery states) read and rewrite the row in a transaction.
/// </summary>
public sealed class SqlAlertStore(SqlDatabase db) : IAlertStore
{
    private const string Columns = "SELECT seq, payload FROM ott_alerts";
    private static readonly JsonSerializerOptions Json = new() { Converters = { new JsonStringEnumConverter() } };

    public async ValueTask<bool> AddAsync(Alert alert, CancellationToken cancellationToken = default) =>
        await db.ExecuteAsync("INSERT INTO ott_alerts (id, severity, user_id, raised_at, payload) VALUES (@i, @s, @u, @t, @p) ON CONFLICT (id) DO NOTHING",
            cancellationToken, ("@i", alert.Id), ("@s", (short)alert.Severity), new SqlArg("@u", alert.UserId, DbType.String),
            ("@t", alert.RaisedAt.UtcTicks), ("@p", db.JsonValue(alert with { LastSeenAt = alert.RaisedAt }, Json))) == 1;

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
