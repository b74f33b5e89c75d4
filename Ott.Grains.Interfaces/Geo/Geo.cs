namespace Ott.Grains.Interfaces;

/// <summary>The impossible-travel check against the user's last located event.</summary>
[GenerateSerializer, Immutable, Alias("ott.travel")]
public sealed record TravelCheck(
    [property: Id(0)] double DistanceKm,
    [property: Id(1)] double Seconds,
    [property: Id(2)] double SpeedKmh,
    [property: Id(3)] string Verdict,
    [property: Id(4)] string FromCountry);

/// <summary>
/// The assessment's <c>geo</c> section. <see cref="Status"/> says what is known: <c>found</c>, <c>not_found</c>
/// (the database has no entry), <c>not_configured</c> (no database): the last two are unknown, never "clean".
/// </summary>
[GenerateSerializer, Immutable, Alias("ott.geo-verdict")]
public sealed record GeoVerdict
{
    [Id(0)] public required string Status { get; init; }
    [Id(1)] public string? Country { get; init; }
    [Id(2)] public double? Latitude { get; init; }
    [Id(3)] public double? Longitude { get; init; }

    /// <summary>null when the IP's country is unknown.</summary>
    [Id(4)] public bool? RegionMismatch { get; init; }

    /// <summary>vpn, hosting, tor, public_proxy, residential_proxy (empty: not listed by the consulted sources).</summary>
    [Id(5)] public IReadOnlyList<string> Anonymizers { get; init; } = [];

    /// <summary>What was consulted for anonymisers: <c>database</c>, <c>ranges</c>, both, or none (unknown).</summary>
    [Id(6)] public IReadOnlyList<string> AnonymizerSources { get; init; } = [];

    /// <summary>null when there is no earlier located event or this one has no location.</summary>
    [Id(7)] public TravelCheck? Travel { get; init; }
}
