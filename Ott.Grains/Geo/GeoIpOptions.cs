namespace Ott.Grains.Geo;

/// <summary>Paths of the MaxMind-format databases (configuration section <c>Ott:Geo</c>).</summary>
public sealed class GeoIpOptions
{
    public const string Section = "Ott:Geo";

    /// <summary>A GeoIP2/GeoLite2 City or Country database; null: location reports <see cref="GeoLookupStatus.NotConfigured"/>.</summary>
    public string? LocationDatabasePath { get; set; }

    /// <summary>A GeoIP2 Anonymous-IP (or Anonymous-Plus) database; optional.</summary>
    public string? AnonymousIpDatabasePath { get; set; }

    /// <summary>Consult the shipped VPN and datacenter ranges (MIT, Geo/Data/vpn-datacenter) for anonymiser flags.</summary>
    public bool UseBuiltInRanges { get; set; } = true;

    /// <summary>An operator-supplied list of Tor exit IPs or CIDRs, one per line; optional.</summary>
    public string? TorExitListPath { get; set; }

    /// <summary>Travel faster than this between two located events is impossible (km/h).</summary>
    [System.ComponentModel.DataAnnotations.Range(1.0, 1_000_000.0)]
    public double ImpossibleTravelKmh { get; set; } = 1_000;

    /// <summary>Travel faster than this is reported as critical (km/h).</summary>
    [System.ComponentModel.DataAnnotations.Range(1.0, 1_000_000.0)]
    public double CriticalTravelKmh { get; set; } = 5_000;
}
