using Ott.Grains.Aggregation;
using Ott.Grains.Interfaces;

namespace Ott.Grains.Analytics;

/// <summary>
/// Per silo, the analytics counts of each UTC day (<see cref="AnalyticsTally"/>) between two flushes; flushed as one
/// <see cref="IAnalyticsDayGrain.RecordAsync"/> per day seen. A failed call keeps the day's counts for the next flush.
/// </summary>
public sealed class AnalyticsDayBatcher(IGrainFactory grains) : IAssessmentObserver, IAggregateBatcher
{
    private readonly Lock _lock = new();
    private Dictionary<DateOnly, AnalyticsCounts> _days = [];

    public void Observe(in AssessedEvent assessed)
    {
        var assessment = assessed.Assessment;
        var day = AnalyticsTally.DayOf(assessment);
        lock (_lock)
        {
            if (!_days.TryGetValue(day, out var counts))
            {
                _days[day] = counts = new AnalyticsCounts();
            }

            AnalyticsTally.Add(counts, assessment);
        }
    }

    public async Task FlushAsync(FlushCalls calls, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Dictionary<DateOnly, AnalyticsCounts> days;
        lock (_lock)
        {
            if (_days.Count == 0)
            {
                return;
            }

            (days, _days) = (_days, []);
        }

        var sent = new List<Task>(days.Count);
        foreach (var (day, counts) in days)
        {
            sent.Add(calls.RunAsync(() => grains.GetGrain<IAnalyticsDayGrain>(AnalyticsTally.Key(day)).RecordAsync(counts),
                () => Restore(day, counts)));
        }

        await Task.WhenAll(sent);
    }

    private void Restore(DateOnly day, AnalyticsCounts counts)
    {
        lock (_lock)
        {
            if (!_days.TryGetValue(day, out var current))
            {
                _days[day] = current = new AnalyticsCounts();
            }

            AnalyticsTally.Merge(current, counts);
        }
    }
}
