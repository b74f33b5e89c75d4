using Ott.Grains.Aggregation;
using Ott.Grains.Interfaces;

namespace Ott.Grains.Regions;

/// <summary>
/// Per silo, each region's counts (by event type, by risk level, by day) between two flushes; flushed as one
/// <see cref="IRegionGrain.RecordAsync"/> per active region. A failed call keeps the region's counts for the next
/// flush.
/// </summary>
public sealed class RegionBatcher(IGrainFactory grains) : IAssessmentObserver, IAggregateBatcher
{
    private readonly Lock _lock = new();
    private Dictionary<string, RegionAccumulator> _regions = new(StringComparer.Ordinal);

    public void Observe(in AssessedEvent assessed)
    {
        var e = assessed.Event;
        lock (_lock)
        {
            if (!_regions.TryGetValue(e.Region, out var region))
            {
                _regions[e.Region] = region = new RegionAccumulator();
            }

            region.Add(e, assessed.Assessment);
        }
    }

    public async Task FlushAsync(FlushCalls calls, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Dictionary<string, RegionAccumulator> regions;
        lock (_lock)
        {
            if (_regions.Count == 0)
            {
                return;
            }

            (regions, _regions) = (_regions, new(StringComparer.Ordinal));
        }

        var sent = new List<Task>(regions.Count);
        foreach (var (code, accumulator) in regions)
        {
            var delta = accumulator.ToDelta();
            sent.Add(calls.RunAsync(() => grains.GetGrain<IRegionGrain>(code).RecordAsync(delta), () => Restore(code, accumulator)));
        }

        await Task.WhenAll(sent);
    }

    private void Restore(string code, RegionAccumulator accumulator)
    {
        lock (_lock)
        {
            if (_regions.TryGetValue(code, out var current))
            {
                current.Merge(accumulator);
            }
            else
            {
                _regions[code] = accumulator;
            }
        }
    }

    /// <summary>Counts for one region between two flushes.</summary>
    private sealed class RegionAccumulator
    {
        private readonly Dictionary<EventType, long> _byType = [];
        private readonly Dictionary<RiskLevel, long> _byLevel = [];
        private readonly Dictionary<DateOnly, (long Events, long High, long Violations)> _days = [];
        private DateTimeOffset _last = DateTimeOffset.MinValue;

        public void Add(OttEvent e, Assessment assessment)
        {
            _byType[e.Type] = _byType.GetValueOrDefault(e.Type) + 1;
            _byLevel[assessment.RiskLevel] = _byLevel.GetValueOrDefault(assessment.RiskLevel) + 1;
            var date = DateOnly.FromDateTime(e.Timestamp.UtcDateTime);
            var day = _days.GetValueOrDefault(date);
            var high = assessment.RiskLevel >= RiskLevel.High ? 1 : 0;
            var violations = assessment.Compliance?.Violations.Count ?? 0;
            _days[date] = (day.Events + 1, day.High + high, day.Violations + violations);
            if (e.Timestamp > _last)
            {
                _last = e.Timestamp;
            }
        }

        public void Merge(RegionAccumulator other)
        {
            foreach (var (type, count) in other._byType)
            {
                _byType[type] = _byType.GetValueOrDefault(type) + count;
            }

            foreach (var (level, count) in other._byLevel)
            {
                _byLevel[level] = _byLevel.GetValueOrDefault(level) + count;
            }

            foreach (var (date, counts) in other._days)
            {
                var day = _days.GetValueOrDefault(date);
                _days[date] = (day.Events + counts.Events, day.High + counts.High, day.Violations + counts.Violations);
            }

            if (other._last > _last)
            {
                _last = other._last;
            }
        }

        public RegionDelta ToDelta() => new(
            new Dictionary<EventType, long>(_byType),
            new Dictionary<RiskLevel, long>(_byLevel),
            _days.OrderBy(d => d.Key).Select(d => new RegionDayCounts(d.Key, d.Value.Events, d.Value.High, d.Value.Violations)).ToList(),
            _last);
    }
}
