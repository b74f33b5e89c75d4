using System.Globalization;

namespace Ott.Grains.Simulation;

/// <summary>A region the simulator places users, partners or attackers in.</summary>
/// <param name="Region">Normalised region code.</param>
/// <param name="UtcOffset">Fixed offset of local time (standard time, no daylight saving).</param>
/// <param name="FirstOctets">First octets of public IPv4 blocks used there (plausible, not a GeoIP truth).</param>
internal sealed record Place(string Region, TimeSpan UtcOffset, byte[] FirstOctets);

/// <summary>The fixed geography of the simulation: places, who lives where, where attacks come from.</summary>
internal static class SimulatedWorld
{
    public static readonly Place[] Places =
    [
        new("US", TimeSpan.FromHours(-5), [24, 50, 68, 73, 98, 174]),
        new("US-CA", TimeSpan.FromHours(-8), [67, 71, 76, 99, 108]),
        new("DE", TimeSpan.FromHours(1), [79, 84, 87, 91, 93]),
        new("FR", TimeSpan.FromHours(1), [82, 86, 88, 90, 109]),
        new("GB", TimeSpan.Zero, [51, 81, 86, 92, 94]),
        new("JP", TimeSpan.FromHours(9), [60, 106, 126, 133, 153]),
        new("KR", TimeSpan.FromHours(9), [58, 112, 175, 211, 218]),
        new("BR", TimeSpan.FromHours(-3), [177, 179, 186, 187, 189, 201]),
        new("IN", new TimeSpan(5, 30, 0), [49, 106, 117, 122, 182]),
        new("IT", TimeSpan.FromHours(1), [79, 87, 93, 151]),
        new("ES", TimeSpan.FromHours(1), [79, 83, 88, 90]),
        new("RU", TimeSpan.FromHours(3), [5, 46, 95, 176, 178]),
        new("CN", TimeSpan.FromHours(8), [36, 42, 112, 117, 183]),
        new("VN", TimeSpan.FromHours(7), [14, 113, 115, 171]),
        new("NL", TimeSpan.FromHours(1), [31, 37, 185, 188]),
        new("UA", TimeSpan.FromHours(2), [37, 46, 91, 176]),
        new("ID", TimeSpan.FromHours(7), [36, 103, 114, 180]),
        new("TR", TimeSpan.FromHours(3), [78, 85, 88, 176]),
        new("PL", TimeSpan.FromHours(1), [31, 46, 83, 89]),
        new("RO", TimeSpan.FromHours(2), [5, 79, 86, 188]),
        new("CA", TimeSpan.FromHours(-5), [24, 70, 142, 174]),
        new("MX", TimeSpan.FromHours(-6), [187, 189, 201]),
        new("AR", TimeSpan.FromHours(-3), [181, 186, 190]),
        new("AU", TimeSpan.FromHours(10), [1, 49, 101, 110]),
        new("PH", TimeSpan.FromHours(8), [49, 112, 120, 175]),
        new("SE", TimeSpan.FromHours(1), [78, 81, 83, 90]),
    ];

    /// <summary>Home places of normal users and their weights (percent).</summary>
    public static readonly (int Place, int Weight)[] Homes =
    [
        (IndexOf("US"), 24), (IndexOf("US-CA"), 8), (IndexOf("DE"), 10), (IndexOf("FR"), 8), (IndexOf("GB"), 10),
        (IndexOf("JP"), 10), (IndexOf("KR"), 6), (IndexOf("BR"), 12), (IndexOf("IN"), 12),
    ];

    /// <summary>Home places of the users whose events are tracked without consent.</summary>
    public static readonly int[] EuTrackingHomes = [IndexOf("DE"), IndexOf("FR"), IndexOf("IT"), IndexOf("ES")];

    /// <summary>Where credential-stuffing attempts come from.</summary>
    public static readonly int[] StuffingOrigins =
    [
        IndexOf("RU"), IndexOf("CN"), IndexOf("VN"), IndexOf("NL"), IndexOf("UA"), IndexOf("ID"),
        IndexOf("TR"), IndexOf("BR"), IndexOf("IN"), IndexOf("US"), IndexOf("PL"), IndexOf("RO"),
    ];

    /// <summary>Where the people an account is shared with live.</summary>
    public static readonly int[] SharingPartners =
    [
        IndexOf("US"), IndexOf("CA"), IndexOf("MX"), IndexOf("GB"), IndexOf("DE"), IndexOf("FR"), IndexOf("ES"),
        IndexOf("IT"), IndexOf("NL"), IndexOf("PL"), IndexOf("BR"), IndexOf("AR"), IndexOf("IN"), IndexOf("JP"),
        IndexOf("AU"), IndexOf("PH"), IndexOf("SE"),
    ];

    public static int IndexOf(string region) => Array.FindIndex(Places, p => p.Region == region);

    /// <summary>A public IPv4 address in one of the place's blocks (last octet 1..254).</summary>
    public static uint RandomIp(Random random, int place)
    {
        var octets = Places[place].FirstOctets;
        var first = (uint)octets[random.Next(octets.Length)];
        return (first << 24) | ((uint)random.Next(256) << 16) | ((uint)random.Next(256) << 8) | (uint)random.Next(1, 255);
    }

    /// <summary>Canonical dotted quad.</summary>
    public static string FormatIp(uint ip) => string.Create(
        CultureInfo.InvariantCulture, $"{ip >> 24}.{(ip >> 16) & 0xFF}.{(ip >> 8) & 0xFF}.{ip & 0xFF}");
}
