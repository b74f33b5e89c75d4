namespace Ott.Grains.Detection;

/// <summary>
/// What <see cref="FeatureVector.Fill"/> needs for one event, taken from the user's rolling state (docs/scoring.md,
/// "Rolling features" and "Anomaly ensemble"). Null optional values mean "unknown" and become 0.
/// </summary>
public readonly record struct FeatureInputs(
    DateTimeOffset EventTimeUtc,
    int EventsLastHour,
    int DistinctIps24h,
    int DistinctRegions24h,
    int DistinctDevices24h,
    int ErrorsInLast50,
    int EventsInErrorWindow,
    int AuthFailures1h,
    int DataAccess1h,
    long? RecordsAccessed,
    double? SecondsSincePrevious,
    double? GeoSpeedKmh,
    bool GdprArea,
    bool HasConsent);

/// <summary>
/// The 14 anomaly features of docs/scoring.md, in the order of <see cref="Names"/>. Hour is the UTC hour plus
/// minutes / 60 as the angle 2 pi h / 24 (sin, cos); weekday 0..6 with Monday = 0 (UTC); log_* are ln(1 + x) with
/// missing, negative or NaN x counted as 0 (and +infinity capped at the largest double); error rate is errors over
/// the error window (0 for an empty window); eu_without_consent is 1 for a GDPR-area event without consent.
/// </summary>
public static class FeatureVector
{
    public const int Count = 14;

    /// <summary>Feature names, index-aligned with the vector.</summary>
    public static readonly string[] Names =
    [
        "hour_sin",
        "hour_cos",
        "weekday",
        "log_events_1h",
        "distinct_ips_24h",
        "distinct_regions_24h",
        "distinct_devices_24h",
        "error_rate_50",
        "auth_failures_1h",
        "data_access_1h",
        "log_records_accessed",
        "log_seconds_since_previous",
        "log_geo_speed_kmh",
        "eu_without_consent",
    ];

    /// <summary>Writes the features of <paramref name="inputs"/> into the first <see cref="Count"/> slots.</summary>
    public static void Fill(Span<double> destination, in FeatureInputs inputs)
    {
        if (destination.Length < Count)
        {
            throw new ArgumentException($"Destination holds {destination.Length} values; {Count} needed.", nameof(destination));
        }

        var utc = inputs.EventTimeUtc.UtcDateTime;
        var angle = 2.0 * Math.PI * (utc.Hour + (utc.Minute / 60.0)) / 24.0;
        destination[0] = Math.Sin(angle);
        destination[1] = Math.Cos(angle);
        destination[2] = ((int)utc.DayOfWeek + 6) % 7;
        destination[3] = Log(inputs.EventsLastHour);
        destination[4] = inputs.DistinctIps24h;
        destination[5] = inputs.DistinctRegions24h;
        destination[6] = inputs.DistinctDevices24h;
        destination[7] = inputs.EventsInErrorWindow > 0 ? (double)inputs.ErrorsInLast50 / inputs.EventsInErrorWindow : 0.0;
        destination[8] = inputs.AuthFailures1h;
        destination[9] = inputs.DataAccess1h;
        destination[10] = Log(inputs.RecordsAccessed ?? 0);
        destination[11] = Log(inputs.SecondsSincePrevious ?? 0);
        destination[12] = Log(inputs.GeoSpeedKmh ?? 0);
        destination[13] = inputs.GdprArea && !inputs.HasConsent ? 1.0 : 0.0;
    }

    // Late events can give a negative gap, and a zero-time hop an infinite speed: keep every feature finite.
    private static double Log(double x) => x > 0 ? Math.Log(1.0 + Math.Min(x, double.MaxValue)) : 0.0;
}
