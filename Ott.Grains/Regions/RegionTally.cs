using Ott.Grains.Interfaces;

namespace Ott.Grains.Regions;

/// <summary>Persisted state of one region.</summary>
[GenerateSerializer, Alias("ott.region-state")]
public sealed class RegionState
{
    [Id(0)] public long TotalEvents { get; set; }
    [Id(1)] public Dictionary<EventType, long> EventsByType { get; set; } = [];
    [Id(2)] public Dictionary<RiskLevel, long> AssessmentsByLevel { get; set; } = [];
    [Id(3)] public List<RegionDayCounts> Days { get; set; } = [];
    [Id(4)] public DateTimeOffset? LastEventTime { get; set; }
}

/// <summary>The engine over <see cref="RegionState"/>: adds deltas, keeps the last <see cref="DaysKept"/> days.</summary>
public static class RegionTally
{
    public const int DaysKept = 35;

    public static void Add(RegionState state, RegionDelta delta)
    {
        foreach (var (type, count) in delta.EventsByType)
        {
            state.EventsByType[type] = state.EventsByType.GetValueOrDefault(type) + count;
            state.TotalEvents += count;
        }

        foreach (var (level, count) in delta.AssessmentsByLevel)
        {
            state.AssessmentsByLevel[level] = state.AssessmentsByLevel.GetValueOrDefault(level) + count;
        }

        foreach (var day in delta.Days)
        {
            var index = state.Days.FindIndex(d => d.Date == day.Date);
            if (index >= 0)
            {
                var known = state.Days[index];
                state.Days[index] = known with
                {
                    Events = known.Events + day.Events,
                    HighOrCritical = known.HighOrCritical + day.HighOrCritical,
                    Violations = known.Violations + day.Violations,
                };
            }
            else
            {
                var at = state.Days.FindIndex(d => d.Date > day.Date);
                state.Days.Insert(at < 0 ? state.Days.Count : at, day);
            }
        }

        if (state.LastEventTime is null || delta.LastEventTime > state.LastEventTime)
        {
            state.LastEventTime = delta.LastEventTime;
        }

        if (state.Days.Count > 0)
        {
            var newest = state.Days[^1].Date;
            state.Days.RemoveAll(d => d.Date <= newest.AddDays(-DaysKept));
        }
    }

    public static RegionView View(string code, RegionState state)
    {
        double? rate = null;
        if (state.Days.Count > 0)
        {
            var newest = state.Days[^1].Date;
            var week = state.Days.Where(d => d.Date > newest.AddDays(-7)).ToList();
            var events = week.Sum(d => d.Events);
            rate = events == 0 ? null : Math.Round((double)week.Sum(d => d.Violations) / events, 4);
        }

        return new RegionView
        {
            Code = code,
            TotalEvents = state.TotalEvents,
            EventsByType = new Dictionary<EventType, long>(state.EventsByType),
            AssessmentsByLevel = new Dictionary<RiskLevel, long>(state.AssessmentsByLevel),
            Days = state.Days.AsEnumerable().Reverse().ToList(),
            ViolationRate7Days = rate,
            LastEventTime = state.LastEventTime!.Value,
        };
    }
}
