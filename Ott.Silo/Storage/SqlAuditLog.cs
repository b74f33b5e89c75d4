using Ott.Grains.Logs;

namespace Ott.Silo.Storage;

/// <summary>The audit trail in the database: insert and query only (no statement here updates or deletes a record).</summary>
public sealed class SqlAuditLog(SqlDatabase db) : IAuditLog
{
    public async ValueTask<AuditRecord> AppendAsync(AuditRecord record, CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "INSERT INTO ott_audit (time, actor, role, action, target_kind, target, result, client_ip, detail) " +
                              "VALUES (@t, @a, @r, @x, @k, @g, @s, @ip, @d) RETURNING id";
        SqlDatabase.Parameter(command, "@t", record.Time.UtcTicks);
        SqlDatabase.Parameter(command, "@a", record.Actor);
        SqlDatabase.Parameter(command, "@r", record.Role);
        SqlDatabase.Parameter(command, "@x", record.Action);
        SqlDatabase.Parameter(command, "@k", record.TargetKind);
        SqlDatabase.Parameter(command, "@g", record.Target);
        SqlDatabase.Parameter(command, "@s", record.Result);
        SqlDatabase.Parameter(command, "@ip", record.ClientIp);
        SqlDatabase.Parameter(command, "@d", record.Detail);
        var id = Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
        return record with { Id = id };
    }

    public async ValueTask<IReadOnlyList<AuditRecord>> QueryAsync(string? actor, string? target, DateTimeOffset? since, int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, time, actor, role, action, target_kind, target, result, client_ip, detail FROM ott_audit " +
                              "WHERE (@a IS NULL OR actor = @a) AND (@g IS NULL OR target = @g) AND (@t IS NULL OR time >= @t) " +
                              "ORDER BY id DESC LIMIT @limit";
        SqlDatabase.Parameter(command, "@a", actor);
        SqlDatabase.Parameter(command, "@g", target);
        SqlDatabase.Parameter(command, "@t", since?.UtcTicks);
        SqlDatabase.Parameter(command, "@limit", limit);
        if (db.Engine == SqlEngine.Postgres)
        {
            // Untyped NULL parameters need a type for PostgreSQL's "@x IS NULL".
            command.Parameters["@a"].DbType = System.Data.DbType.String;
            command.Parameters["@g"].DbType = System.Data.DbType.String;
            command.Parameters["@t"].DbType = System.Data.DbType.Int64;
        }

        var records = new List<AuditRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            records.Add(new AuditRecord
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
                Detail = await reader.IsDBNullAsync(9, cancellationToken) ? null : reader.GetString(9),
            });
        }

        return records;
    }
}
