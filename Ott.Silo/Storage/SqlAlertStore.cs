using System.Text.Json;
using System.Text.Json.Serialization;
using Ott.Grains.Alerts;
using Ott.Grains.Interfaces;

namespace Ott.Silo.Storage;

/// <summary>
/// Alerts in the database: one row per alert (JSON payload), indexed by sequence and user. Changes (repeat counts,
/// acknowledgements, delivery states) read and rewrite the row in a transaction.
/// </summary>
public sealed class SqlAlertStore(SqlDatabase db) : IAlertStore
{
    private static readonly JsonSerializerOptions Json = new() { Converters = { new JsonStringEnumConverter() } };

    public async ValueTask<bool> AddAsync(Alert alert, CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "INSERT INTO ott_alerts (id, severity, user_id, raised_at, payload) VALUES (@i, @s, @u, @t, @p) ON CONFLICT (id) DO NOTHING";
        SqlDatabase.Parameter(command, "@i", alert.Id);
        SqlDatabase.Parameter(command, "@s", (short)alert.Severity);
        SqlDatabase.Parameter(command, "@u", alert.UserId);
        SqlDatabase.Parameter(command, "@t", alert.RaisedAt.UtcTicks);
        SqlDatabase.Parameter(command, "@p", JsonSerializer.Serialize(alert with { LastSeenAt = alert.RaisedAt }, Json));
        if (db.Engine == SqlEngine.Postgres)
        {
            command.Parameters["@u"].DbType = System.Data.DbType.String;
        }

        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async ValueTask RepeatAsync(string alertId, int count, DateTimeOffset lastSeenAt, CancellationToken cancellationToken = default) =>
        await UpdateAsync(alertId, a => a with { Count = Math.Max(a.Count, count), LastSeenAt = lastSeenAt > a.LastSeenAt ? lastSeenAt : a.LastSeenAt }, cancellationToken);

    public ValueTask<Alert?> AcknowledgeAsync(string alertId, string by, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        UpdateAsync(alertId, a => a.AcknowledgedAt is null ? a with { AcknowledgedAt = at, AcknowledgedBy = by } : a, cancellationToken);

    public async ValueTask SetDeliveryAsync(string alertId, string channel, string status, CancellationToken cancellationToken = default) =>
        await UpdateAsync(alertId, a => a with { Deliveries = new Dictionary<string, string>(a.Deliveries) { [channel] = status } }, cancellationToken);

    public async ValueTask<Alert?> GetAsync(string alertId, CancellationToken cancellationToken = default)
    {
        var found = await QueryAsync("SELECT seq, payload FROM ott_alerts WHERE id = @i", c => SqlDatabase.Parameter(c, "@i", alertId), cancellationToken);
        return found.Count > 0 ? found[0] : null;
    }

    public ValueTask<IReadOnlyList<Alert>> QueryAsync(RiskLevel? minSeverity, DateTimeOffset? since, string? userId, int limit, CancellationToken cancellationToken = default) =>
        QueryAsync("SELECT seq, payload FROM ott_alerts WHERE severity >= @s AND raised_at >= @t AND (@u IS NULL OR user_id = @u) ORDER BY seq DESC LIMIT @limit", c =>
        {
            SqlDatabase.Parameter(c, "@s", (short)(minSeverity ?? RiskLevel.Low));
            SqlDatabase.Parameter(c, "@t", since?.UtcTicks ?? 0L);
            SqlDatabase.Parameter(c, "@u", userId).DbType = System.Data.DbType.String;
            SqlDatabase.Parameter(c, "@limit", limit);
        }, cancellationToken);

    public ValueTask<IReadOnlyList<Alert>> AfterAsync(long sequence, int limit, CancellationToken cancellationToken = default) =>
        QueryAsync("SELECT seq, payload FROM ott_alerts WHERE seq > @q ORDER BY seq LIMIT @limit", c =>
        {
            SqlDatabase.Parameter(c, "@q", sequence);
            SqlDatabase.Parameter(c, "@limit", limit);
        }, cancellationToken);

    private async ValueTask<Alert?> UpdateAsync(string alertId, Func<Alert, Alert> change, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        Alert? alert;
        await using (var read = connection.CreateCommand())
        {
            read.Transaction = transaction;
            read.CommandText = $"SELECT seq, payload FROM ott_alerts WHERE id = @i {(db.Engine == SqlEngine.Postgres ? "FOR UPDATE" : "")}";
            SqlDatabase.Parameter(read, "@i", alertId);
            await using var reader = await read.ExecuteReaderAsync(cancellationToken);
            alert = await reader.ReadAsync(cancellationToken) ? Read(reader.GetInt64(0), reader.GetString(1)) : null;
        }

        if (alert is null)
        {
            return null;
        }

        var changed = change(alert);
        await using (var write = connection.CreateCommand())
        {
            write.Transaction = transaction;
            write.CommandText = "UPDATE ott_alerts SET payload = @p WHERE id = @i";
            SqlDatabase.Parameter(write, "@i", alertId);
            SqlDatabase.Parameter(write, "@p", JsonSerializer.Serialize(changed, Json));
            await write.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return changed;
    }

    private async ValueTask<IReadOnlyList<Alert>> QueryAsync(string sql, Action<System.Data.Common.DbCommand> bind, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        bind(command);
        var alerts = new List<Alert>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            alerts.Add(Read(reader.GetInt64(0), reader.GetString(1)));
        }

        return alerts;
    }

    private static Alert Read(long sequence, string payload) => JsonSerializer.Deserialize<Alert>(payload, Json)! with { Sequence = sequence };
}
