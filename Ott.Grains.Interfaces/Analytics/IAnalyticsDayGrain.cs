namespace Ott.Grains.Interfaces;

/// <summary>
/// One per UTC day (key <c>yyyy-MM-dd</c>): the day's assessment counts by level, action, factor, regulation and
/// region. Fed about once a second by each silo's analytics day batcher (never once per event); the analytics
/// endpoints read one grain per day of their window instead of scanning assessments.
/// </summary>
[Alias("ott.analytics-day")]
public interface IAnalyticsDayGrain : IGrainWithStringKey
{
    /// <summary>Adds the counts a silo accumulated for this day since its last flush.</summary>
    [Alias("record")]
    Task RecordAsync(AnalyticsCounts delta);

    /// <summary>The day's counts so far (empty when nothing was assessed that day).</summary>
    [Alias("get")]
    Task<AnalyticsCounts> GetAsync();
}

/// <summary>Counts of assessments (of one day, or of a silo's flush interval): mergeable.</summary>
[GenerateSerializer, Alias("ott.analytics-counts")]
public sealed class AnalyticsCounts
{
    [Id(0)] public long Assessments { get; set; }

    [Id(1)] public Dictionary<RiskLevel, long> ByLevel { get; set; } = [];

    [Id(2)] public Dictionary<RiskAction, long> ByAction { get; set; } = [];

    /// <summary>Assessments with at least one regulation violation.</summary>
    [Id(3)] public long WithViolations { get; set; }

    /// <summary>Per regulation: assessments with at least one violation of it.</summary>
    [Id(4)] public Dictionary<string, long> ByRegulation { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Per factor code: assessments it contributed to.</summary>
    [Id(5)] public Dictionary<string, long> FactorCounts { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Per factor code: points it added in all.</summary>
    [Id(6)] public Dictionary<string, double> FactorPoints { get; set; } = new(StringComparer.Ordinal);

    [Id(7)] public Dictionary<string, RegionTotals> Regions { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Assessments the anomaly ensemble called anomalous.</summary>
    [Id(8)] public long Anomalies { get; set; }
}

/// <summary>One region's part of <see cref="AnalyticsCounts"/>.</summary>
[GenerateSerializer, Alias("ott.analytics-region")]
public sealed class RegionTotals
{
    [Id(0)] public long Events { get; set; }

    [Id(1)] public long HighOrCritical { get; set; }

    [Id(2)] public long WithViolations { get; set; }
}
