using Ott.Grains.Interfaces;

namespace Ott.Grains.Logs;

/// <summary>
/// The links of the device/IP/payment graph, append-only: the network grain appends the links new to the graph and
/// reads them all back when it activates. Appending costs the new links only, whatever the graph's size (the grain
/// state no longer carries the list; docs/decisions.md). Embedded: process memory; SQL profiles: a table.
/// </summary>
public interface INetworkLinkLog
{
    /// <summary>Appends the links in order; all of them or (on an exception) none.</summary>
    Task AppendAsync(IReadOnlyList<NetworkLink> links, CancellationToken cancellationToken = default);

    /// <summary>Every stored link, in the order appended.</summary>
    IAsyncEnumerable<NetworkLink> ReadAllAsync(CancellationToken cancellationToken = default);

    /// <summary>Removes every link of the user (erasure); returns how many there were.</summary>
    Task<int> RemoveUserAsync(string userId, CancellationToken cancellationToken = default);
}

/// <summary>The embedded link log: a list in process memory (as the embedded grain state and event log are).</summary>
public sealed class InMemoryNetworkLinkLog : INetworkLinkLog
{
    private readonly Lock _lock = new();
    private readonly List<NetworkLink> _links = [];

    public Task AppendAsync(IReadOnlyList<NetworkLink> links, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            _links.AddRange(links);
        }

        return Task.CompletedTask;
    }

    public IAsyncEnumerable<NetworkLink> ReadAllAsync(CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return _links.ToArray().ToAsyncEnumerable();
        }
    }

    public Task<int> RemoveUserAsync(string userId, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return Task.FromResult(_links.RemoveAll(l => string.Equals(l.UserId, userId, StringComparison.Ordinal)));
        }
    }
}
