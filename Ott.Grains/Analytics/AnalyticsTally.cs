using Ott.Grains.Interfaces;

namespace Ott.Grains.Analytics;

/// <summary>
/// The engine over <see cref="AnalyticsCounts"/>: counts an assessment, merges counts (a silo's flush into a day),
/// and turns the days of a window into the analytics views. Pure and deterministic.
/// </summary>
public static class AnalyticsTally
{
    /// <summary>Most days one analytics request may cover.</summary>
    public const int MaxDays = 366;

    /// <summary>The UTC day an assessment counts on: the day of its event.</summary>
    public static DateOnly DayOf(Assessment assessment) => DateOnly.FromDateTime(assessment.EventTime.UtcDateTime);

    public static string Key(DateOnly day) => day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The <paramref name="days"/> UTC days ending on the day of <paramref name="now"/>, oldest first.</summary>
    public static AnalyticsWindow Window(int days, DateTimeOffset now)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(days, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(days, MaxDays);
        var to = DateOnly.FromDateTime(now.UtcDateTime);
        return new AnalyticsWindow(days, to.AddDays(1 - days), to);
    }

    public static IEnumerable<DateOnly> Dates(AnalyticsWindow window) =>
        Enumerable.Range(0, window.Days).Select(window.From.AddDays);

    public static void Add(AnalyticsCounts counts, Assessment assessment)
    {
        counts.Assessments++;
        Increment(counts.ByLevel, assessment.RiskLevel, 1);
        Increment(counts.ByAction, assessment.Action, 1);
        var violated = assessment.Compliance?.Violations.Select(v => v.Regulation).Distinct(StringComparer.Ordinal).ToList() ?? [];
        if (violated.Count > 0)
        {
            counts.WithViolations++;
            foreach (var regulation in violated)
            {
                Increment(counts.ByRegulation, regulation, 1);
            }
        }

        foreach (var factor in assessment.Factors.DistinctBy(f => f.Code))
        {
            Increment(counts.FactorCounts, factor.Code, 1);
        }

        foreach (var factor in assessment.Factors)
        {
            counts.FactorPoints[factor.Code] = counts.FactorPoints.GetValueOrDefault(factor.Code) + factor.Points;
        }

        if (!counts.Regions.TryGetValue(assessment.Region, out var region))
        {
            counts.Regions[assessment.Region] = region = new RegionTotals();
        }

        region.Events++;
        region.HighOrCritical += assessment.RiskLevel >= RiskLevel.High ? 1 : 0;
        region.WithViolations += violated.Count > 0 ? 1 : 0;
        counts.Anomalies += assessment.Anomaly?.IsAnomaly == true ? 1 : 0;
    }

    public static void Merge(AnalyticsCounts into, AnalyticsCounts delta)
    {
        into.Assessments += delta.Assessments;
        into.WithViolations += delta.WithViolations;
        into.Anomalies += delta.Anomalies;
        foreach (var (level, n) in delta.ByLevel)
        {
            Increment(into.ByLevel, level, n);
        }

        foreach (var (action, n) in delta.ByAction)
        {
            Increment(into.ByAction, action, n);
        }

        foreach (var (regulation, n) in delta.ByRegulation)
        {
            Increment(into.ByRegulation, regulation, n);
        }

        foreach (var (code, n) in delta.FactorCounts)
        {
            Increment(into.FactorCounts, code, n);
        }

        foreach (var (code, points) in delta.FactorPoints)
        {
            into.FactorPoints[code] = into.FactorPoints.GetValueOrDefault(code) + points;
        }

        foreach (var (code, totals) in delta.Regions)
        {
            if (!into.Regions.TryGetValue(code, out var region))
            {
                into.Regions[code] = region = new RegionTotals();
            }

            region.Events += totals.Events;
            region.HighOrCritical += totals.HighOrCritical;
            region.WithViolations += totals.WithViolations;
        }
    }

    /// <summary>The days of a window summed into one set of counts.</summary>
    public static AnalyticsCounts Sum(IEnumerable<AnalyticsCounts> days)
    {
        var total = new AnalyticsCounts();
        foreach (var day in days)
        {
            Merge(total, day);
        }

        return total;
    }

    public static RiskDistribution RiskDistribution(AnalyticsWindow window, AnalyticsCounts total)
    {
        long Level(RiskLevel level) => total.ByLevel.GetValueOrDefault(level);
        double Share(RiskLevel level) => total.Assessments == 0 ? 0 : Math.Round((double)Level(level) / total.Assessments, 4);
        return new RiskDistribution(window.Days, window.From, window.To, total.Assessments,
            new LevelCounts(Level(RiskLevel.Low), Level(RiskLevel.Medium), Level(RiskLevel.High), Level(RiskLevel.Critical)),
            new LevelShares(Share(RiskLevel.Low), Share(RiskLevel.Medium), Share(RiskLevel.High), Share(RiskLevel.Critical)),
            total.ByAction.GetValueOrDefault(RiskAction.Allow), total.ByAction.GetValueOrDefault(RiskAction.Review),
            total.ByAction.GetValueOrDefault(RiskAction.Block), total.Anomalies);
    }

    /// <summary>Factors by count (ties by code), at most <paramref name="limit"/>.</summary>
    public static TopRiskFactors TopFactors(AnalyticsWindow window, AnalyticsCounts total, int limit) =>
        new(window.Days, window.From, window.To, total.Assessments, total.FactorCounts
            .OrderByDescending(f => f.Value).ThenBy(f => f.Key, StringComparer.Ordinal)
            .Take(limit)
            .Select(f => new FactorUse(f.Key, f.Value,
                total.Assessments == 0 ? 0 : Math.Round((double)f.Value / total.Assessments, 4),
                Math.Round(total.FactorPoints.GetValueOrDefault(f.Key) / f.Value, 2)))
            .ToList());

    /// <summary>Regions by events (ties by code).</summary>
    public static GeographicDistribution Geography(AnalyticsWindow window, AnalyticsCounts total) =>
        new(window.Days, window.From, window.To, total.Regions
            .OrderByDescending(r => r.Value.Events).ThenBy(r => r.Key, StringComparer.Ordinal)
            .Select(r => new RegionUse(r.Key, r.Value.Events, r.Value.HighOrCritical, r.Value.WithViolations,
                r.Value.Events == 0 ? 0 : Math.Round((double)r.Value.HighOrCritical / r.Value.Events, 4)))
            .ToList());

    /// <summary>One entry per day of the window, oldest first; <paramref name="days"/> holds the days that have counts.</summary>
    public static ViolationTrends Trends(AnalyticsWindow window, IReadOnlyDictionary<DateOnly, AnalyticsCounts> days) =>
        new(window.Days, window.From, window.To, Dates(window)
            .Select(date => days.TryGetValue(date, out var day)
                ? new ViolationDay(date, day.Assessments, day.WithViolations, Sorted(day.ByRegulation))
                : new ViolationDay(date, 0, 0, new Dictionary<string, long>()))
            .ToList());

    public static ComplianceSummaryView ComplianceSummary(AnalyticsWindow window, AnalyticsCounts total) =>
        new(window.Days, window.From, window.To, total.Assessments, total.WithViolations,
            total.Assessments == 0 ? null : Math.Round(1 - (double)total.WithViolations / total.Assessments, 4),
            Sorted(total.ByRegulation));

    private static SortedDictionary<string, long> Sorted(Dictionary<string, long> counts) => new(counts, StringComparer.Ordinal);

    private static void Increment<TKey>(Dictionary<TKey, long> counts, TKey key, long by)
        where TKey : notnull =>
        counts[key] = counts.GetValueOrDefault(key) + by;
}
