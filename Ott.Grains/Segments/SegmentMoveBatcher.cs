using Ott.Grains.Aggregation;
using Ott.Grains.Interfaces;

namespace Ott.Grains.Segments;

/// <summary>
/// Per silo, the net change of users per segment between two flushes (a user moving out of one segment and into
/// another; a new user only into one); flushed as one <see cref="ISegmentStatsGrain.RecordAsync"/> to the segment
/// stats grain (key 0). A failed call keeps the changes for the next flush.
/// </summary>
public sealed class SegmentMoveBatcher(IGrainFactory grains) : IAssessmentObserver, IAggregateBatcher
{
    private readonly Lock _lock = new();
    private Dictionary<string, long> _deltas = new(StringComparer.Ordinal);

    public void Observe(in AssessedEvent assessed)
    {
        var from = assessed.Result.SegmentBefore;
        var to = assessed.Result.SegmentAfter;
        if (from == to)
        {
            return;
        }

        lock (_lock)
        {
            if (from is not null)
            {
                _deltas[from] = _deltas.GetValueOrDefault(from) - 1;
            }

            _deltas[to] = _deltas.GetValueOrDefault(to) + 1;
        }
    }

    public async Task FlushAsync(FlushCalls calls, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Dictionary<string, long> deltas;
        lock (_lock)
        {
            if (_deltas.Count == 0)
            {
                return;
            }

            (deltas, _deltas) = (_deltas, new(StringComparer.Ordinal));
        }

        await calls.RunAsync(() => grains.GetGrain<ISegmentStatsGrain>(0).RecordAsync(deltas), () => Restore(deltas));
    }

    private void Restore(Dictionary<string, long> deltas)
    {
        lock (_lock)
        {
            foreach (var (segment, delta) in deltas)
            {
                _deltas[segment] = _deltas.GetValueOrDefault(segment) + delta;
            }
        }
    }
}
