using Ott.Grains.Aggregation;
using Ott.Grains.Interfaces;

namespace Ott.Grains.Network;

/// <summary>
/// Per silo, the links new to their user (rare: once per user and identifier) and the users to flag (once per user,
/// after a critical assessment) between two flushes; flushed as one <see cref="INetworkGrain.AddAsync"/> to the
/// network grain (key 0). A failed call keeps the links and flags for the next flush.
/// </summary>
public sealed class NetworkBatcher(IGrainFactory grains) : IAssessmentObserver, IAggregateBatcher
{
    private readonly Lock _lock = new();
    private List<NetworkLink> _links = [];
    private List<string> _flags = [];

    public void Observe(in AssessedEvent assessed)
    {
        var links = assessed.Result.NewLinks;
        var flag = assessed.Result.FlagInNetwork;
        if (links.Count == 0 && !flag)
        {
            return;
        }

        lock (_lock)
        {
            for (var i = 0; i < links.Count; i++)
            {
                _links.Add(links[i]);
            }

            if (flag)
            {
                _flags.Add(assessed.Event.UserId);
            }
        }
    }

    public async Task FlushAsync(FlushCalls calls, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        List<NetworkLink> links;
        List<string> flags;
        lock (_lock)
        {
            if (_links.Count == 0 && _flags.Count == 0)
            {
                return;
            }

            (links, _links, flags, _flags) = (_links, [], _flags, []);
        }

        await calls.RunAsync(() => grains.GetGrain<INetworkGrain>(0).AddAsync(links, flags), () => Restore(links, flags));
    }

    private void Restore(List<NetworkLink> links, List<string> flags)
    {
        lock (_lock)
        {
            _links.AddRange(links);
            _flags.AddRange(flags);
        }
    }
}
