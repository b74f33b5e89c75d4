namespace Ott.Grains.Interfaces;

/// <summary>A person whose data left China on a route, by a stable hash of the user id.</summary>
[GenerateSerializer, Immutable, Alias("ott.pipl-person")]
public sealed record PiplPerson(
    [property: Id(0)] ulong PersonHash,
    [property: Id(1)] bool Sensitive);

/// <summary>A threshold crossed on a route.</summary>
[GenerateSerializer, Immutable, Alias("ott.pipl-crossing")]
public sealed record ThresholdCrossing(
    [property: Id(0)] string Threshold,
    [property: Id(1)] long Limit,
    [property: Id(2)] int Percent,
    [property: Id(3)] long Count,
    [property: Id(4)] DateTimeOffset At);

/// <summary>Distinct persons on one route in one calendar year, against the PIPL thresholds.</summary>
[GenerateSerializer, Immutable, Alias("ott.pipl-route")]
public sealed record PiplRouteView
{
    [Id(0)] public required int Year { get; init; }

    /// <summary><c>CN-US</c>: from China to the destination country.</summary>
    [Id(1)] public required string Route { get; init; }
    [Id(2)] public required long Persons { get; init; }
    [Id(3)] public required long SensitivePersons { get; init; }
    [Id(4)] public required IReadOnlyDictionary<string, long> Thresholds { get; init; }
    [Id(5)] public required IReadOnlyList<ThresholdCrossing> Crossings { get; init; }
}

/// <summary>
/// One per calendar year and route (key <c>2026:CN-US</c>). Fed about once a second by each silo's PIPL transfer
/// batcher with persons new to the route; a user grain reports a person once per year and route, so the rate is tiny.
/// </summary>
[Alias("ott.pipl-transfer")]
public interface IPiplTransferGrain : IGrainWithStringKey
{
    [Alias("record")]
    Task RecordAsync(IReadOnlyList<PiplPerson> persons);

    [Alias("get")]
    Task<PiplRouteView> GetAsync();
}

/// <summary>One per calendar year (key = the year): the routes that saw transfers.</summary>
[Alias("ott.pipl-index")]
public interface IPiplTransferIndexGrain : IGrainWithIntegerKey
{
    [Alias("add")]
    Task AddRouteAsync(string route);

    [Alias("routes")]
    Task<IReadOnlyList<string>> GetRoutesAsync();
}
