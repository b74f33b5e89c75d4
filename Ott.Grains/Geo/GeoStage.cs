using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Ott.Grains.Interfaces;
using Ott.Grains.Scoring;
using Ott.Grains.Users;

namespace Ott.Grains.Geo;

/// <summary>The last event of a user whose IP had coordinates (for impossible travel).</summary>
[GenerateSerializer, Alias("ott.last-location")]
public sealed record LastLocation(
    [property: Id(0)] double Latitude,
    [property: Id(1)] double Longitude,
    [property: Id(2)] DateTimeOffset At,
    [property: Id(3)] string Country);

/// <summary>
/// The geo stage (docs/scoring.md, "Geo"): IP to country and location (MaxMind-format database from configuration),
/// anonymiser flags (Anonymous-IP database, the shipped VPN/datacenter ranges, an operator's Tor list), and impossible
/// travel from the user's last located event. Without a location database the location factors are unknown and
/// say so; they never read as clean. One per silo; thread-safe.
/// </summary>
public sealed partial class GeoStage : IDisposable
{
    private readonly GeoIpLookup _lookup;
    private readonly GeoIpOptions _options;

    public GeoStage(IOptions<GeoIpOptions> options, ILogger<GeoStage> logger)
    {
        _options = options.Value;
        IpRangeTable? ranges = null;
        if (_options.UseBuiltInRanges || _options.TorExitListPath is not null)
        {
            ranges = _options.UseBuiltInRanges ? IpRangeTable.LoadBuiltIn() : new IpRangeTable();
            if (_options.TorExitListPath is { } tor)
            {
                using var reader = File.OpenText(tor);
                var report = ranges.LoadTorExitList(reader);
                LogTorList(logger, report.Ranges, report.MalformedCount, tor);
            }
        }

        _lookup = new GeoIpLookup(_options, ranges);
    }

    /// <summary>
    /// Looks the event's IP up, updates the user's last location, and adds what it found that a policy scores to
    /// <paramref name="signals"/> (made only when there is one): the points come from the policy
    /// (<see cref="AddFactors"/>), so a shadow policy scores the same signals its own way.
    /// </summary>
    public (GeoVerdict Verdict, double? SpeedKmh) Evaluate(OttEvent e, UserRollingState state, ref List<GeoSignal>? signals)
    {
        var result = _lookup.Lookup(e.IpAddress);
        var status = result.Status switch
        {
            GeoLookupStatus.Found => "found",
            GeoLookupStatus.NotFound => "not_found",
            _ => "not_configured",
        };

        bool? mismatch = null;
        if (result.CountryIsoCode is { } ipCountry)
        {
            var claimed = RegionCodes.CountryOf(e.Region);
            mismatch = claimed == RegionCodes.EuUnknownMember ? !RegionCodes.IsEuMember(ipCountry) : claimed != ipCountry;
            if (mismatch == true)
            {
                (signals ??= new(2)).Add(new GeoSignal(FactorCodes.GeoipRegionMismatch, $"IP {e.IpAddress} is in {ipCountry}, the event claims {e.Region}"));
            }
        }

        var anonymizers = Anonymizers(result.Anonymizers);
        var vpnLike = result.IsVpn || result.IsPublicProxy || result.IsResidentialProxy;
        if (result.IsTor || result.IsHosting || vpnLike)
        {
            (signals ??= new(2)).Add(new GeoSignal(FactorCodes.Anonymiser, $"IP {e.IpAddress} is listed as {string.Join(", ", anonymizers)}",
                result.IsTor, result.IsHosting, vpnLike));
        }

        TravelCheck? travel = null;
        double? speed = null;
        if (result is { HasLocation: true, Latitude: { } lat, Longitude: { } lon })
        {
            if (state.LastLocation is { } last && e.Timestamp > last.At)
            {
                var distance = GeoMath.HaversineKm(last.Latitude, last.Longitude, lat, lon);
                var seconds = (e.Timestamp - last.At).TotalSeconds;
                speed = GeoMath.SpeedKmh(distance, seconds);
                var verdict = GeoMath.Classify(speed.Value, new TravelThresholds(_options.ImpossibleTravelKmh, _options.CriticalTravelKmh));
                var word = verdict switch
                {
                    TravelVerdict.Critical => "critical",
                    TravelVerdict.Impossible => "impossible",
                    _ => "plausible",
                };
                travel = new TravelCheck(Math.Round(distance, 1), Math.Round(seconds, 1), Math.Round(speed.Value, 1), word, last.Country);
                if (verdict is TravelVerdict.Impossible or TravelVerdict.Critical)
                {
                    (signals ??= new(2)).Add(new GeoSignal(FactorCodes.ImpossibleTravel,
                        $"{distance:0} km from {last.Country} in {seconds / 60:0.#} min = {speed:0} km/h ({word}, over {_options.ImpossibleTravelKmh:0} km/h)"));
                }
            }

            if (state.LastLocation is null || e.Timestamp >= state.LastLocation.At)
            {
                state.LastLocation = new LastLocation(lat, lon, e.Timestamp, result.CountryIsoCode ?? "??");
            }
        }

        var sources = new List<string>(2);
        if (result.AnonymizerSources.HasFlag(AnonymizerSources.AnonymousIpDatabase))
        {
            sources.Add("database");
        }

        if (result.AnonymizerSources.HasFlag(AnonymizerSources.RangeLists))
        {
            sources.Add("ranges");
        }

        return (new GeoVerdict
        {
            Status = status,
            Country = result.CountryIsoCode,
            Latitude = result.Latitude,
            Longitude = result.Longitude,
            RegionMismatch = mismatch,
            Anonymizers = anonymizers,
            AnonymizerSources = sources,
            Travel = travel,
        }, speed);
    }

    /// <summary>
    /// The geo factors of <paramref name="signals"/> with the policy's points: region mismatch and impossible travel at
    /// their points, an anonymiser at the highest of its kinds' points (none when those are all 0).
    /// </summary>
    public static void AddFactors(List<GeoSignal>? signals, ScoringOptions scoring, List<RiskFactor> factors)
    {
        if (signals is null)
        {
            return;
        }

        foreach (var signal in signals)
        {
            var points = signal.Code switch
            {
                FactorCodes.GeoipRegionMismatch => scoring.GeoMismatchPoints,
                FactorCodes.ImpossibleTravel => scoring.ImpossibleTravelPoints,
                _ => Math.Max(signal.Tor ? scoring.TorPoints : 0, Math.Max(signal.Hosting ? scoring.HostingPoints : 0, signal.VpnLike ? scoring.VpnPoints : 0)),
            };
            if (points > 0 || signal.Code != FactorCodes.Anonymiser)
            {
                factors.Add(new RiskFactor(signal.Code, points, signal.Detail));
            }
        }
    }

    public void Dispose() => _lookup.Dispose();

    private static string[] Anonymizers(AnonymizerFlags flags) =>
    [
        .. flags.HasFlag(AnonymizerFlags.Vpn) ? ["vpn"] : Array.Empty<string>(),
        .. flags.HasFlag(AnonymizerFlags.Hosting) ? ["hosting"] : Array.Empty<string>(),
        .. flags.HasFlag(AnonymizerFlags.Tor) ? ["tor"] : Array.Empty<string>(),
        .. flags.HasFlag(AnonymizerFlags.PublicProxy) ? ["public_proxy"] : Array.Empty<string>(),
        .. flags.HasFlag(AnonymizerFlags.ResidentialProxy) ? ["residential_proxy"] : Array.Empty<string>(),
    ];

    [LoggerMessage(Level = LogLevel.Information, Message = "Loaded {Ranges} Tor exit ranges ({Malformed} malformed lines) from {Path}")]
    private static partial void LogTorList(ILogger logger, int ranges, int malformed, string path);
}

/// <summary>Something the geo stage found that a policy scores: its factor code, the explanation, and the anonymiser kinds.</summary>
public readonly record struct GeoSignal(string Code, string Detail, bool Tor = false, bool Hosting = false, bool VpnLike = false);
