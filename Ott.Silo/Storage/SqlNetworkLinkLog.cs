using System.Runtime.CompilerServices;
using Ott.Grains.Interfaces;
using Ott.Grains.Logs;

namespace Ott.Silo.Storage;

/// <summary>
/// The graph's links in <c>ott_network_links</c>, in arrival order (<c>seq</c>). One transaction per append:
/// PostgreSQL gets one statement over arrays (<c>unnest</c>, four parameters whatever the count), SQLite one prepared
/// one-row INSERT per link (as the event store's group commits; docs/performance.md).
/// </summary>
public sealed class SqlNetworkLinkLog(SqlDatabase db) : INetworkLinkLog
{
    public async Task AppendAsync(IReadOnlyList<NetworkLink> links, CancellationToken cancellationToken = default)
    {
        if (links.Count == 0)
        {
            return;
        }

        await using var connection = await db.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        if (db.Engine == SqlEngine.Postgres)
        {
            command.CommandText = "INSERT INTO ott_network_links (user_id, kind, value, at) SELECT * FROM unnest(@u, @k, @v, @a)";
            SqlDatabase.Parameter(command, "@u", links.Select(l => l.UserId).ToArray());
            SqlDatabase.Parameter(command, "@k", links.Select(l => (short)l.Kind).ToArray());
            SqlDatabase.Parameter(command, "@v", links.Select(l => l.Value).ToArray());
            SqlDatabase.Parameter(command, "@a", links.Select(l => l.At.UtcTicks).ToArray());
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        else
        {
            command.CommandText = "INSERT INTO ott_network_links (user_id, kind, value, at) VALUES (@u, @k, @v, @a)";
            var user = SqlDatabase.Parameter(command, "@u", null);
            var kind = SqlDatabase.Parameter(command, "@k", null);
            var value = SqlDatabase.Parameter(command, "@v", null);
            var at = SqlDatabase.Parameter(command, "@a", null);
            foreach (var link in links)
            {
                user.Value = link.UserId;
                kind.Value = (short)link.Kind;
                value.Value = link.Value;
                at.Value = link.At.UtcTicks;
                await command.ExecuteNonQueryAsync(cancellationToken);
            }
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public async IAsyncEnumerable<NetworkLink> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT user_id, kind, value, at FROM ott_network_links ORDER BY seq";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return new NetworkLink(reader.GetString(0), (LinkKind)reader.GetInt16(1), reader.GetString(2),
                new DateTimeOffset(reader.GetInt64(3), TimeSpan.Zero));
        }
    }

    public async Task<int> RemoveUserAsync(string userId, CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM ott_network_links WHERE user_id = @u";
        SqlDatabase.Parameter(command, "@u", userId);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
