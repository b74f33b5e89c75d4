using System.Text.Json.Serialization;

namespace Ott.Grains.Interfaces;

/// <summary>
/// One per region code: counts of events by type and of assessments by level, per day. Fed about once a second
/// by each silo's region batcher, never once per event.
/// </summary>
[Alias("ott.region")]
public interface IRegionGrain : IGrainWithStringKey
{
    /// <summary>Adds the counts a silo accumulated since its last flush.</summary>
    [Alias("record")]
    Task RecordAsync(RegionDelta delta);

    /// <summary>The region's view, or null when no event was ever counted.</summary>
    [Alias("get")]
    Task<RegionView?> GetAsync();
}

/// <summary>Counts for one UTC day.</summary>
[GenerateSerializer, Immutable, Alias("ott.region-day")]
public sealed record RegionDayCounts(
    [property: Id(0)] DateOnly Date,
    [property: Id(1)] long Events,
    [property: Id(2)] long HighOrCritical,
    [property: Id(3)] long Violations);

/// <summary>What one silo counted for a region during one flush interval.</summary>
[GenerateSerializer, Immutable, Alias("ott.region-delta")]
public sealed record RegionDelta(
    [property: Id(0)] IReadOnlyDictionary<EventType, long> EventsByType,
    [property: Id(1)] IReadOnlyDictionary<RiskLevel, long> AssessmentsByLevel,
    [property: Id(2)] IReadOnlyList<RegionDayCounts> Days,
    [property: Id(3)] DateTimeOffset LastEventTime);

/// <summary>What analysts read at <c>GET /api/v1/regions/{code}</c>.</summary>
[GenerateSerializer, Immutable, Alias("ott.region-view")]
public sealed record RegionView
{
    [Id(0)] public required string Code { get; init; }
    [Id(1)] public required long TotalEvents { get; init; }
    [Id(2)] public required IReadOnlyDictionary<EventType, long> EventsByType { get; init; }
    [Id(3)] public required IReadOnlyDictionary<RiskLevel, long> AssessmentsByLevel { get; init; }

    /// <summary>Per-day counts, newest first (last 35 days kept).</summary>
    [Id(4)] public required IReadOnlyList<RegionDayCounts> Days { get; init; }

    /// <summary>Violations / events over the 7 days ending at the newest day, or null with no events.</summary>
    [Id(5), JsonPropertyName("violation_rate_7d")] public double? ViolationRate7Days { get; init; }

    [Id(6)] public required DateTimeOffset LastEventTime { get; init; }
}
