using Ott.Grains.Aggregation;
using Ott.Grains.Interfaces;

namespace Ott.Grains.Compliance;

/// <summary>
/// Per silo, the persons new to a PIPL transfer route this year (rare: once per person, route and year) between two
/// flushes; flushed as one <see cref="IPiplTransferGrain.RecordAsync"/> per <c>year:route</c>. A failed call keeps the
/// route's persons for the next flush.
/// </summary>
public sealed class PiplTransferBatcher(IGrainFactory grains) : IAssessmentObserver, IAggregateBatcher
{
    private readonly Lock _lock = new();
    private Dictionary<string, List<PiplPerson>> _routes = new(StringComparer.Ordinal);

    public void Observe(in AssessedEvent assessed)
    {
        var transfers = assessed.Result.Compliance.PiplTransfers;
        if (transfers.Count == 0)
        {
            return;
        }

        lock (_lock)
        {
            for (var i = 0; i < transfers.Count; i++)
            {
                var transfer = transfers[i];
                var key = $"{transfer.Year}:{transfer.Route}";
                if (!_routes.TryGetValue(key, out var persons))
                {
                    _routes[key] = persons = [];
                }

                persons.Add(transfer.Person);
            }
        }
    }

    public async Task FlushAsync(FlushCalls calls, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Dictionary<string, List<PiplPerson>> routes;
        lock (_lock)
        {
            if (_routes.Count == 0)
            {
                return;
            }

            (routes, _routes) = (_routes, new(StringComparer.Ordinal));
        }

        var sent = new List<Task>(routes.Count);
        foreach (var (key, persons) in routes)
        {
            sent.Add(calls.RunAsync(() => grains.GetGrain<IPiplTransferGrain>(key).RecordAsync(persons), () => Restore(key, persons)));
        }

        await Task.WhenAll(sent);
    }

    private void Restore(string key, List<PiplPerson> persons)
    {
        lock (_lock)
        {
            if (!_routes.TryGetValue(key, out var current))
            {
                _routes[key] = current = [];
            }

            current.AddRange(persons);
        }
    }
}
