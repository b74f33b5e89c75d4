using System.Net;
using MaxMind.Db;
using MaxMind.GeoIP2;
using MaxMind.GeoIP2.Responses;

namespace Ott.Grains.Geo;

/// <summary>Whether the location database knew the address.</summary>
public enum GeoLookupStatus
{
    /// <summary>The address is in the location database (country or coordinates may still be absent, e.g. anycast).</summary>
    Found,

    /// <summary>The database has no entry (private, reserved or unlisted address): location unknown, not "clean".</summary>
    NotFound,

    /// <summary>No location database is configured: location unknown.</summary>
    NotConfigured,

    /// <summary>The text is not an IP address.</summary>
    InvalidAddress,
}

/// <summary>Anonymiser kinds an address is listed as.</summary>
[Flags]
public enum AnonymizerFlags
{
    /// <summary>Not listed by any consulted source.</summary>
    None = 0,

    /// <summary>VPN provider network.</summary>
    Vpn = 1,

    /// <summary>Hosting / datacenter network.</summary>
    Hosting = 2,

    /// <summary>Tor exit node.</summary>
    Tor = 4,

    /// <summary>Public proxy.</summary>
    PublicProxy = 8,

    /// <summary>Residential proxy.</summary>
    ResidentialProxy = 16,
}

/// <summary>Which anonymiser sources were consulted for a lookup.</summary>
[Flags]
public enum AnonymizerSources
{
    /// <summary>None configured: anonymiser status unknown.</summary>
    None = 0,

    /// <summary>A MaxMind Anonymous-IP (or Anonymous-Plus) database.</summary>
    AnonymousIpDatabase = 1,

    /// <summary>The <see cref="IpRangeTable"/> lists (built-in VPN/hosting, operator Tor exits).</summary>
    RangeLists = 2,
}

/// <summary>The geo facts of one address.</summary>
/// <param name="Status">Whether the location database knew the address.</param>
/// <param name="CountryIsoCode">ISO 3166-1 alpha-2 country, null when absent.</param>
/// <param name="Latitude">Decimal degrees, null when absent (Country databases have none).</param>
/// <param name="Longitude">Decimal degrees, null when absent.</param>
/// <param name="Anonymizers">Anonymiser kinds from every consulted source.</param>
/// <param name="AnonymizerSources">The sources consulted; <see cref="Geo.AnonymizerSources.None"/> means unknown.</param>
public sealed record GeoIpResult(
    GeoLookupStatus Status,
    string? CountryIsoCode,
    double? Latitude,
    double? Longitude,
    AnonymizerFlags Anonymizers,
    AnonymizerSources AnonymizerSources)
{
    /// <summary>True when both coordinates are known (impossible travel needs them).</summary>
    public bool HasLocation => Latitude is not null && Longitude is not null;

    public bool IsVpn => Anonymizers.HasFlag(AnonymizerFlags.Vpn);

    public bool IsHosting => Anonymizers.HasFlag(AnonymizerFlags.Hosting);

    public bool IsTor => Anonymizers.HasFlag(AnonymizerFlags.Tor);

    public bool IsPublicProxy => Anonymizers.HasFlag(AnonymizerFlags.PublicProxy);

    public bool IsResidentialProxy => Anonymizers.HasFlag(AnonymizerFlags.ResidentialProxy);
}

/// <summary>
/// IP to country, coordinates and anonymiser flags (docs/scoring.md, "Geo") over MaxMind-format databases opened once
/// (in memory) and an optional <see cref="IpRangeTable"/>. Unknown or unconfigured never reads as clean: the result
/// says <see cref="GeoLookupStatus.NotFound"/> / <see cref="GeoLookupStatus.NotConfigured"/> and which anonymiser
/// sources were consulted. The range lists add to the Anonymous-IP database (labels <c>vpn</c>, <c>hosting</c>,
/// <c>tor</c>); they never clear a flag it set. Following MaxMind, an address the Anonymous-IP database does not list
/// and one it lists with every flag false both mean "not listed". Thread-safe: the MaxMind readers and the range
/// table are; no per-call state.
/// </summary>
public sealed class GeoIpLookup : IDisposable
{
    private readonly DatabaseReader? _location;
    private readonly bool _locationIsCity;
    private readonly DatabaseReader? _anonymous;
    private readonly bool _anonymousIsPlus;
    private readonly IpRangeTable? _ranges;

    /// <summary>Opens the configured databases. A path to a file of the wrong type fails here, not per lookup.</summary>
    /// <param name="options">Database paths; both optional.</param>
    /// <param name="ranges">Range lists to consult (e.g. <see cref="IpRangeTable.LoadBuiltIn()"/>), or null.</param>
    public GeoIpLookup(GeoIpOptions options, IpRangeTable? ranges = null)
    {
        _ranges = ranges;
        try
        {
            if (!string.IsNullOrWhiteSpace(options.LocationDatabasePath))
            {
                _location = new DatabaseReader(options.LocationDatabasePath, FileAccessMode.Memory);
                var type = _location.Metadata.DatabaseType;
                _locationIsCity = type.Contains("City", StringComparison.Ordinal) || type.Contains("Enterprise", StringComparison.Ordinal);
                if (!_locationIsCity && !type.Contains("Country", StringComparison.Ordinal))
                {
                    throw new ArgumentException($"'{options.LocationDatabasePath}' is a {type} database, not a City or Country one.", nameof(options));
                }
            }

            if (!string.IsNullOrWhiteSpace(options.AnonymousIpDatabasePath))
            {
                _anonymous = new DatabaseReader(options.AnonymousIpDatabasePath, FileAccessMode.Memory);
                var type = _anonymous.Metadata.DatabaseType;
                _anonymousIsPlus = type.Contains("Anonymous-Plus", StringComparison.Ordinal);
                if (!_anonymousIsPlus && !type.Contains("Anonymous-IP", StringComparison.Ordinal))
                {
                    throw new ArgumentException($"'{options.AnonymousIpDatabasePath}' is a {type} database, not an Anonymous-IP one.", nameof(options));
                }
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>Database type of the location database (e.g. <c>GeoIP2-City</c>), or null when none is configured.</summary>
    public string? LocationDatabaseType => _location?.Metadata.DatabaseType;

    /// <summary>Looks up an address given as text; a malformed one gives <see cref="GeoLookupStatus.InvalidAddress"/>.</summary>
    public GeoIpResult Lookup(string address) =>
        IPAddress.TryParse(address, out var ip)
            ? Lookup(ip)
            : new GeoIpResult(GeoLookupStatus.InvalidAddress, null, null, null, AnonymizerFlags.None, AnonymizerSources.None);

    /// <summary>Looks up an address.</summary>
    public GeoIpResult Lookup(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        var status = GeoLookupStatus.NotConfigured;
        string? country = null;
        double? latitude = null, longitude = null;
        if (_location is not null)
        {
            status = GeoLookupStatus.NotFound;
            if (_locationIsCity)
            {
                if (_location.TryCity(address, out var city) && city is not null)
                {
                    status = GeoLookupStatus.Found;
                    country = city.Country.IsoCode;
                    latitude = city.Location.Latitude;
                    longitude = city.Location.Longitude;
                }
            }
            else if (_location.TryCountry(address, out var found) && found is not null)
            {
                status = GeoLookupStatus.Found;
                country = found.Country.IsoCode;
            }
        }

        var flags = AnonymizerFlags.None;
        var sources = AnonymizerSources.None;
        if (_anonymous is not null)
        {
            sources |= AnonymizerSources.AnonymousIpDatabase;
            flags |= FromDatabase(address);
        }

        if (_ranges is not null)
        {
            sources |= AnonymizerSources.RangeLists;
            flags |= FromRanges(address);
        }

        return new GeoIpResult(status, country, latitude, longitude, flags, sources);
    }

    /// <summary>Closes the databases.</summary>
    public void Dispose()
    {
        _location?.Dispose();
        _anonymous?.Dispose();
    }

    private AnonymizerFlags FromDatabase(IPAddress address)
    {
        AnonymousIPResponse? response;
        if (_anonymousIsPlus)
        {
            _anonymous!.TryAnonymousPlus(address, out var plus);
            response = plus;
        }
        else
        {
            _anonymous!.TryAnonymousIP(address, out response);
        }

        if (response is null)
        {
            return AnonymizerFlags.None;
        }

        var flags = AnonymizerFlags.None;
        if (response.IsAnonymousVpn)
        {
            flags |= AnonymizerFlags.Vpn;
        }

        if (response.IsHostingProvider)
        {
            flags |= AnonymizerFlags.Hosting;
        }

        if (response.IsTorExitNode)
        {
            flags |= AnonymizerFlags.Tor;
        }

        if (response.IsPublicProxy)
        {
            flags |= AnonymizerFlags.PublicProxy;
        }

        if (response.IsResidentialProxy)
        {
            flags |= AnonymizerFlags.ResidentialProxy;
        }

        return flags;
    }

    private AnonymizerFlags FromRanges(IPAddress address)
    {
        var flags = AnonymizerFlags.None;
        if (_ranges!.Contains(address, IpRangeTable.VpnLabel))
        {
            flags |= AnonymizerFlags.Vpn;
        }

        if (_ranges.Contains(address, IpRangeTable.HostingLabel))
        {
            flags |= AnonymizerFlags.Hosting;
        }

        if (_ranges.Contains(address, IpRangeTable.TorLabel))
        {
            flags |= AnonymizerFlags.Tor;
        }

        return flags;
    }
}
