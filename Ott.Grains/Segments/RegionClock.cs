using System.Collections.Frozen;
using Ott.Grains.Geo;

namespace Ott.Grains.Segments;

/// <summary>
/// The local time of a region: an IANA zone per country (the most populous one for countries with several) and per
/// US state, from an embedded table built from tzdata's zone.tab. A region without a zone, or a machine without the
/// zone's rules, falls back to UTC and says so.
/// </summary>
public sealed class RegionClock
{
    private readonly FrozenDictionary<string, TimeZoneInfo> _zones;

    public RegionClock()
    {
        using var stream = typeof(RegionClock).Assembly.GetManifestResourceStream("Ott.Grains.Segments.Data.timezones.tsv")
            ?? throw new InvalidOperationException("the embedded time-zone table is missing");
        using var reader = new StreamReader(stream);
        var zones = new Dictionary<string, TimeZoneInfo>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
        {
            if (line.StartsWith('#') || line.Length == 0)
            {
                continue;
            }

            var parts = line.Split('\t');
            if (TimeZoneInfo.TryFindSystemTimeZoneById(parts[1], out var zone))
            {
                zones[parts[0]] = zone;
            }
        }

        _zones = zones.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>Zones the machine could resolve (0 means the machine has no time-zone data).</summary>
    public int KnownZones => _zones.Count;

    /// <summary>The zone of a region: the region itself, else its country, else UTC.</summary>
    public TimeZoneInfo ZoneOf(string region) =>
        _zones.GetValueOrDefault(region) ?? _zones.GetValueOrDefault(RegionCodes.CountryOf(region)) ?? TimeZoneInfo.Utc;

    /// <summary>The event's time in the region's zone.</summary>
    public DateTimeOffset LocalTime(string region, DateTimeOffset utc) => TimeZoneInfo.ConvertTime(utc, ZoneOf(region));
}
