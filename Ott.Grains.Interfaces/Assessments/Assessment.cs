namespace Ott.Grains.Interfaces;

/// <summary>Risk level of an assessment relative to the threshold T (docs/api.md, "The assessment").</summary>
public enum RiskLevel : byte
{
    /// <summary>score &lt; T - 3</summary>
    Low = 1,

    /// <summary>T - 3 &lt;= score &lt; T</summary>
    Medium,

    /// <summary>T &lt;= score &lt; T + 3</summary>
    High,

    /// <summary>score &gt;= T + 3</summary>
    Critical,
}

/// <summary>What the platform should do with the event: a policy's decision rule, else by level (critical: block, high: review, else allow).</summary>
public enum RiskAction : byte
{
    Allow = 1,
    Review,
    Block,
}

/// <summary>One reason the score moved, with its points.</summary>
[GenerateSerializer, Immutable, Alias("ott.risk-factor")]
public sealed record RiskFactor(
    [property: Id(0)] string Code,
    [property: Id(1)] double Points,
    [property: Id(2)] string Detail);

/// <summary>A data-quality remark about the event that does not move the score (e.g. <c>region_claim_mismatch</c>).</summary>
[GenerateSerializer, Immutable, Alias("ott.data-quality-note")]
public sealed record DataQualityNote(
    [property: Id(0)] string Code,
    [property: Id(1)] string Detail);

/// <summary>
/// The explained verdict on one event. Sections that belong to stages not yet run for this event
/// (compliance, anomaly, violation prediction, network) are null and absent from the JSON, never invented.
/// </summary>
[GenerateSerializer, Immutable, Alias("ott.assessment")]
public sealed record Assessment
{
    [Id(0)] public required string EventId { get; init; }

    [Id(1)] public required string UserId { get; init; }

    [Id(2)] public required string DeviceId { get; init; }

    [Id(3)] public required EventType EventType { get; init; }

    [Id(4)] public required string Region { get; init; }

    /// <summary>The content the event concerned.</summary>
    [Id(14)] public required string ContentId { get; init; }

    /// <summary>The event's own time (UTC).</summary>
    [Id(5)] public required DateTimeOffset EventTime { get; init; }

    /// <summary>Sum of factor points, floored at 0, rounded to 2 decimals.</summary>
    [Id(6)] public required double RiskScore { get; init; }

    [Id(7)] public required RiskLevel RiskLevel { get; init; }

    /// <summary>The threshold T the level was computed against.</summary>
    [Id(8)] public required double Threshold { get; init; }

    /// <summary>The user's segment when segments are evaluated; null until then.</summary>
    [Id(9)] public string? Segment { get; init; }

    /// <summary>Every factor that moved the score, in the order they were applied.</summary>
    [Id(10)] public required IReadOnlyList<RiskFactor> Factors { get; init; }

    /// <summary>Data-quality remarks that did not move the score.</summary>
    [Id(11)] public IReadOnlyList<DataQualityNote> Notes { get; init; } = [];

    [Id(12)] public required RiskAction Action { get; init; }

    /// <summary>The compliance stage's verdict (stage 1).</summary>
    [Id(15)] public ComplianceVerdict? Compliance { get; init; }

    /// <summary>How the threshold was made (segment, learning, time of day, region).</summary>
    [Id(16)] public ThresholdParts? ThresholdParts { get; init; }

    /// <summary>The segment decision with its inputs.</summary>
    [Id(17)] public SegmentDecision? SegmentDecision { get; init; }

    /// <summary>The alert this assessment raised or repeated, if any.</summary>
    [Id(18)] public AssessmentAlert? Alert { get; init; }

    /// <summary>The anomaly stage's verdict (stage 2).</summary>
    [Id(19)] public AnomalyVerdict? Anomaly { get; init; }

    /// <summary>The violation prediction (stage 3).</summary>
    [Id(20)] public ViolationPrediction? Violation { get; init; }

    /// <summary>The 14 features the detectors saw, kept so an outcome can teach the models (not shown in JSON).</summary>
    [Id(21), System.Text.Json.Serialization.JsonIgnore] public double[]? FeatureVector { get; init; }

    /// <summary>The 6 baseline indicators of the violation prediction (not shown in JSON).</summary>
    [Id(22), System.Text.Json.Serialization.JsonIgnore] public double[]? BaselineVector { get; init; }

    /// <summary>The user's ring and network risk (from the silo's copy of the graph).</summary>
    [Id(23)] public NetworkVerdict? Network { get; init; }

    /// <summary>IP geolocation, anonymiser flags and impossible travel.</summary>
    [Id(24)] public GeoVerdict? Geo { get; init; }

    /// <summary>The policy version that judged the event (docs/policies.md); null on assessments made before policies.</summary>
    [Id(25)] public int? PolicyVersion { get; init; }

    /// <summary>The id of the decision rule that set <see cref="Action"/>; null when the level's action applies.</summary>
    [Id(26)] public string? DecisionRule { get; init; }

    /// <summary>What the shadow policy would have decided, when one runs (docs/policies.md, "Shadow").</summary>
    [Id(27)] public ShadowVerdict? Shadow { get; init; }

    /// <summary>When the assessment was made (UTC).</summary>
    [Id(13)] public required DateTimeOffset ProcessedAt { get; init; }
}
