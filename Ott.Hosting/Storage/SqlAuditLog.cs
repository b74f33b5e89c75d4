using System.Data;
using System.Data.Common;
using Ott.Grains.Logs;

namespace Ott.Hosting.Storage;

/// <summary>The audit trail in the database: insert and query only (no statement here updates or deletes a record).</summary>
public sealed class SqlAuditLog(SqlDatabase db) : IAuditLog
{
    public async ValueTask<AuditRecord> AppendAsync(AuditRecord record, CancellationToken cancellationToken = default)
    {
        var id = await db.ScalarAsync(
            "INSERT INTO ott_audit (time, actor, role, action, target_kind, target, result, client_ip, detail) " +
            "VALUES (@t, @a, @r, @x, @k, @g, @s, @ip, @d) RETURNING id", cancellationToken,
            ("@t", record.Time.UtcTicks), ("@a", record.Actor), ("@r", record.Role), ("@x", record.Action), ("@k", record.TargetKind),
            ("@g", record.Target), ("@s", record.Result), ("@ip", record.ClientIp), new SqlArg("@d", record.Detail, DbType.String));
        return record with { Id = id };
    }

    public async ValueTask<IReadOnlyList<AuditRecord>> QueryAsync(string? actor, string? target, DateTimeOffset? since, int limit, CancellationToken cancellationToken = default) =>
        await db.QueryAsync(
            "SELECT id, time, actor, role, action, target_kind, target, result, client_ip, detail FROM ott_audit " +
            "WHERE (@a IS NULL OR actor = @a) AND (@g IS NULL OR target = @g) AND (@t IS NULL OR time >= @t) " +
            "ORDER BY id DESC LIMIT @limit", Read, cancellationToken,
            new SqlArg("@a", actor, DbType.String), new SqlArg("@g", target, DbType.String), new SqlArg("@t", since?.UtcTicks, DbType.Int64),
            ("@limit", limit));

    private static AuditRecord Read(DbDataReader reader) => new()
    {
        Id = reader.GetInt64(0),
        Time = new DateTimeOffset(reader.GetInt64(1), TimeSpan.Zero),
        Actor = reader.GetString(2),
        Role = reader.GetString(3),
        Action = reader.GetString(4),
        TargetKind = reader.GetString(5),
        Target = reader.GetString(6),
        Result = reader.GetInt32(7),
        ClientIp = reader.GetString(8),
        Detail = reader.IsDBNull(9) ? null : reader.GetString(9),
    };
}
