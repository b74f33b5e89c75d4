namespace Ott.Grains.Geo;

/// <summary>How plausible a move between two located events is.</summary>
public enum TravelVerdict
{
    /// <summary>At or below the impossible-travel speed.</summary>
    Plausible,

    /// <summary>Faster than the impossible-travel speed (default 1,000 km/h).</summary>
    Impossible,

    /// <summary>Faster than the critical speed (default 5,000 km/h).</summary>
    Critical,
}

/// <summary>Speeds above which travel is impossible or critical (configuration section <c>Ott:Geo:Travel</c>).</summary>
/// <param name="ImpossibleKmh">Above this speed travel is impossible (default 1,000 km/h, faster than an airliner).</param>
/// <param name="CriticalKmh">Above this speed it is critical (default 5,000 km/h).</param>
public sealed record TravelThresholds(double ImpossibleKmh = 1000, double CriticalKmh = 5000)
{
    /// <summary>1,000 km/h and 5,000 km/h.</summary>
    public static TravelThresholds Default { get; } = new();
}

/// <summary>Great-circle distance, speed and the impossible-travel verdict of docs/scoring.md ("Geo").</summary>
public static class GeoMath
{
    /// <summary>Mean Earth radius used by the haversine formula.</summary>
    public const double EarthRadiusKm = 6371.0;

    /// <summary>Great-circle distance in km between two points in decimal degrees (haversine, R = 6371 km).</summary>
    public static double HaversineKm(double lat1, double lon1, double lat2, double lon2)
    {
        var dLat = ToRadians(lat2 - lat1);
        var dLon = ToRadians(lon2 - lon1);
        var sinLat = Math.Sin(dLat / 2);
        var sinLon = Math.Sin(dLon / 2);
        var a = (sinLat * sinLat) + (Math.Cos(ToRadians(lat1)) * Math.Cos(ToRadians(lat2)) * sinLon * sinLon);

        // Clamp: rounding can push a just above 1 for antipodal points.
        return 2 * EarthRadiusKm * Math.Asin(Math.Sqrt(Math.Min(1.0, a)));
    }

    /// <summary>
    /// Speed in km/h to cover <paramref name="distanceKm"/> in <paramref name="seconds"/>. With no time elapsed
    /// (seconds &lt;= 0, e.g. two events with the same timestamp) it is infinite for a positive distance and 0 for none.
    /// </summary>
    public static double SpeedKmh(double distanceKm, double seconds)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(distanceKm);
        if (seconds <= 0)
        {
            return distanceKm > 0 ? double.PositiveInfinity : 0;
        }

        return distanceKm / (seconds / 3600.0);
    }

    /// <summary>
    /// <see cref="TravelVerdict.Critical"/> above the critical speed, <see cref="TravelVerdict.Impossible"/> above the
    /// impossible speed, else <see cref="TravelVerdict.Plausible"/>. Thresholds are exclusive: exactly 1,000 km/h is plausible.
    /// </summary>
    public static TravelVerdict Classify(double speedKmh, TravelThresholds? thresholds = null)
    {
        if (double.IsNaN(speedKmh) || speedKmh < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(speedKmh), speedKmh, "Speed must be a non-negative number.");
        }

        thresholds ??= TravelThresholds.Default;
        if (speedKmh > thresholds.CriticalKmh)
        {
            return TravelVerdict.Critical;
        }

        return speedKmh > thresholds.ImpossibleKmh ? TravelVerdict.Impossible : TravelVerdict.Plausible;
    }

    private static double ToRadians(double degrees) => degrees * (Math.PI / 180.0);
}
