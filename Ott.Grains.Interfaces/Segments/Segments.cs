namespace Ott.Grains.Interfaces;

/// <summary>The six user segments (docs/alerts.md, "Segments"), in rule order.</summary>
public static class SegmentNames
{
    public const string Suspicious = "suspicious_user";
    public const string New = "new_user";
    public const string Power = "power_user";
    public const string Dormant = "dormant_user";
    public const string Inactive = "inactive_user";
    public const string Normal = "normal_user";

    public static readonly IReadOnlyList<string> All = [Suspicious, New, Power, Dormant, Inactive, Normal];
}

/// <summary>The inputs a segment was chosen from, shown with it in the risk profile.</summary>
[GenerateSerializer, Immutable, Alias("ott.segment-inputs")]
public sealed record SegmentInputs(
    [property: Id(0)] int Violations30d,
    [property: Id(1)] bool InFraudRing,
    [property: Id(2)] int CriticalAssessments7d,
    [property: Id(3)] double AccountAgeDays,
    [property: Id(4)] int Events30d,
    [property: Id(5)] double? DaysSincePreviousEvent);

/// <summary>A segment, why it was chosen, and the rule that chose it.</summary>
[GenerateSerializer, Immutable, Alias("ott.segment-decision")]
public sealed record SegmentDecision(
    [property: Id(0)] string Segment,
    [property: Id(1)] string Rule,
    [property: Id(2)] SegmentInputs Inputs);

/// <summary>How the threshold T of an assessment was made (docs/alerts.md, "Adaptive threshold").</summary>
[GenerateSerializer, Immutable, Alias("ott.threshold-parts")]
public sealed record ThresholdParts
{
    /// <summary>T of the segment from configuration.</summary>
    [Id(0)] public required double SegmentThreshold { get; init; }

    /// <summary>The learned base, when the segment has enough outcomes (else null).</summary>
    [Id(1)] public double? LearnedThreshold { get; init; }

    /// <summary>Stricter at night in the region's local time: 0.15 (00:00-05:59), 0.05 (22:00-23:59), else 0.</summary>
    [Id(2)] public required double TimeAdjustment { get; init; }

    /// <summary>Stricter where the region's 7-day violation rate is high: 0.1 (&gt; 10 %), 0.2 (&gt; 20 %), else 0.</summary>
    [Id(3)] public required double RegionAdjustment { get; init; }

    /// <summary>The region's 7-day violation rate used, when known.</summary>
    [Id(4)] public double? RegionViolationRate { get; init; }

    /// <summary>Local time of the event in the region's time zone.</summary>
    [Id(5)] public required DateTimeOffset LocalTime { get; init; }

    /// <summary>The IANA time zone used (UTC when the region's zone is unknown).</summary>
    [Id(6)] public required string TimeZone { get; init; }

    /// <summary>The threshold used: base x (1 - time - region), clamped to [4, 12].</summary>
    [Id(7)] public required double Value { get; init; }
}

/// <summary>Users per current segment, as counted by the silos.</summary>
[Alias("ott.segment-stats")]
public interface ISegmentStatsGrain : IGrainWithIntegerKey
{
    /// <summary>Adds one silo's segment moves since its last flush (+1 into a segment, -1 out of one).</summary>
    [Alias("record")]
    Task RecordAsync(IReadOnlyDictionary<string, long> deltas);

    [Alias("get")]
    Task<IReadOnlyDictionary<string, long>> GetAsync();
}

/// <summary>An analyst's or a simulation's verdict on an assessed event.</summary>
[GenerateSerializer, Immutable, Alias("ott.outcome")]
public sealed record Outcome(
    [property: Id(0)] string EventId,
    [property: Id(1)] string Segment,
    [property: Id(2)] double RiskScore,
    [property: Id(3)] bool ConfirmedViolation,
    [property: Id(4)] DateTimeOffset RecordedAt)
{
    /// <summary>Who said so: <c>analyst</c> or <c>simulation</c>.</summary>
    [Id(5)] public string Source { get; init; } = "analyst";
}

/// <summary>The learned threshold of a segment and what it was learned from.</summary>
[GenerateSerializer, Immutable, Alias("ott.learned-threshold")]
public sealed record LearnedThreshold(
    [property: Id(0)] string Segment,
    [property: Id(1)] int Outcomes,
    [property: Id(2)] double? Quantile,
    [property: Id(3)] double? Value,
    [property: Id(4)] DateTimeOffset? LearnedAt)
{
    /// <summary>The outcomes the segment learned from, by source (<c>analyst</c>, <c>simulation</c>).</summary>
    [Id(5)] public IReadOnlyDictionary<string, long>? Sources { get; init; }
}

/// <summary>
/// One per segment: keeps a bounded sample of assessment scores with known outcomes and, from 200 on, the learned
/// threshold (docs/alerts.md, "Adaptive threshold"). Called per outcome (analyst or simulation), never per event.
/// </summary>
[Alias("ott.segment-learning")]
public interface ISegmentLearningGrain : IGrainWithStringKey
{
    [Alias("add")]
    Task AddAsync(Outcome outcome);

    /// <summary>Adds many outcomes at once (simulation runs).</summary>
    [Alias("add-many")]
    Task AddManyAsync(IReadOnlyList<Outcome> outcomes);

    [Alias("get")]
    Task<LearnedThreshold> GetAsync();
}
