namespace Ott.Grains.Interfaces;

/// <summary>A raised alert: what, about whom, how severe, how often it repeated, and where it was delivered.</summary>
public sealed record Alert
{
    public long Sequence { get; init; }
    public required string Id { get; init; }

    /// <summary><c>assessment</c>, <c>incident</c>, <c>pipl_threshold</c>, <c>fraud_ring</c>.</summary>
    public required string Kind { get; init; }
    public required RiskLevel Severity { get; init; }
    public required string Title { get; init; }
    public required string Detail { get; init; }
    public string? UserId { get; init; }
    public string? EventId { get; init; }
    public string? Segment { get; init; }

    /// <summary>The factor the alert is deduplicated on (the assessment's largest factor).</summary>
    public string? TopFactor { get; init; }
    public double? RiskScore { get; init; }
    public required DateTimeOffset RaisedAt { get; init; }
    public DateTimeOffset LastSeenAt { get; init; }

    /// <summary>How many times the same (user, top factor) fired within the dedupe window, this one included.</summary>
    public int Count { get; init; } = 1;
    public IReadOnlyList<string> Channels { get; init; } = [];
    public DateTimeOffset? AcknowledgedAt { get; init; }
    public string? AcknowledgedBy { get; init; }

    /// <summary>Per channel: <c>pending</c>, <c>delivered</c>, <c>retrying</c>, <c>failed</c>, <c>not_configured</c>.</summary>
    public IReadOnlyDictionary<string, string> Deliveries { get; init; } = new Dictionary<string, string>();
}

/// <summary>The alert an assessment raised, as carried in the assessment.</summary>
[GenerateSerializer, Immutable, Alias("ott.assessment-alert")]
public sealed record AssessmentAlert(
    [property: Id(0)] string AlertId,
    [property: Id(1)] RiskLevel Severity,
    [property: Id(2)] bool Repeat,
    [property: Id(3)] int Count);
