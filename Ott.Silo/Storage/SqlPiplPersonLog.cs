using System.Runtime.CompilerServices;
using Ott.Grains.Logs;

namespace Ott.Silo.Storage;

/// <summary>
/// The PIPL routes' persons in <c>ott_pipl_persons</c> (one row per route, person and sensitivity; a repeat is ignored).
/// One transaction per append: PostgreSQL one statement over arrays, SQLite one prepared one-row INSERT per record.
/// </summary>
public sealed class SqlPiplPersonLog(SqlDatabase db) : IPiplPersonLog
{
    public async Task AppendAsync(string routeKey, IReadOnlyList<PiplPersonRecord> records, CancellationToken cancellationToken = default)
    {
        if (records.Count == 0)
        {
            return;
        }

        await using var connection = await db.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        SqlDatabase.Parameter(command, "@r", routeKey);
        if (db.Engine == SqlEngine.Postgres)
        {
            command.CommandText = "INSERT INTO ott_pipl_persons (route_key, person, sensitive) SELECT @r, * FROM unnest(@p, @s) " +
                                  "ON CONFLICT DO NOTHING";
            SqlDatabase.Parameter(command, "@p", records.Select(r => unchecked((long)r.PersonHash)).ToArray());
            SqlDatabase.Parameter(command, "@s", records.Select(r => (short)(r.Sensitive ? 1 : 0)).ToArray());
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        else
        {
            command.CommandText = "INSERT INTO ott_pipl_persons (route_key, person, sensitive) VALUES (@r, @p, @s) ON CONFLICT DO NOTHING";
            var person = SqlDatabase.Parameter(command, "@p", null);
            var sensitive = SqlDatabase.Parameter(command, "@s", null);
            foreach (var record in records)
            {
                person.Value = unchecked((long)record.PersonHash);
                sensitive.Value = (short)(record.Sensitive ? 1 : 0);
                await command.ExecuteNonQueryAsync(cancellationToken);
            }
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public async IAsyncEnumerable<PiplPersonRecord> ReadAsync(string routeKey, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT person, sensitive FROM ott_pipl_persons WHERE route_key = @r";
        SqlDatabase.Parameter(command, "@r", routeKey);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return new PiplPersonRecord(unchecked((ulong)reader.GetInt64(0)), reader.GetInt16(1) != 0);
        }
    }
}
