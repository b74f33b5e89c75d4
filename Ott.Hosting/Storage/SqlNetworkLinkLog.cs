using Ott.Grains.Interfaces;
using Ott.Grains.Logs;

namespace Ott.Hosting.Storage;

/// <summary>The graph's links in <c>ott_network_links</c>, in arrival order (<c>seq</c>); one transaction per append.</summary>
public sealed class SqlNetworkLinkLog(SqlDatabase db) : INetworkLinkLog
{
    private static readonly BulkInsert Insert = new("ott_network_links", ["user_id", "kind", "value", "at"]);

    public async Task AppendAsync(IReadOnlyList<NetworkLink> links, CancellationToken cancellationToken = default)
    {
        if (links.Count == 0)
        {
            return;
        }

        await db.InTransactionAsync((connection, transaction) => db.InsertManyAsync<NetworkLink, int>(connection, transaction, Insert, links,
            (link, row) => (row[0], row[1], row[2], row[3]) = (link.UserId, (short)link.Kind, link.Value, link.At.UtcTicks),
            read: null, cancellationToken), cancellationToken);
    }

    public IAsyncEnumerable<NetworkLink> ReadAllAsync(CancellationToken cancellationToken = default) =>
        db.StreamAsync("SELECT user_id, kind, value, at FROM ott_network_links ORDER BY seq",
            reader => new NetworkLink(reader.GetString(0), (LinkKind)reader.GetInt16(1), reader.GetString(2), new DateTimeOffset(reader.GetInt64(3), TimeSpan.Zero)),
            cancellationToken);

    public Task<int> RemoveUserAsync(string userId, CancellationToken cancellationToken = default) =>
        db.ExecuteAsync("DELETE FROM ott_network_links WHERE user_id = @u", cancellationToken, ("@u", userId));
}
