using Ott.Grains.Detection;

namespace Ott.Tests.Engines.Detection;

public class FeatureVectorTests
{
    [Test]
    public void HandBuiltInput_GivesTheSpecFeaturesInOrder()
    {
        // 00:30 at +02:00 on Thursday 7 March 2024 is 22:30 UTC on Wednesday 6 March: h = 22.5,
        // angle = 2 pi 22.5 / 24 = -22.5 degrees, weekday Wednesday = 2.
        var inputs = new FeatureInputs(
            EventTimeUtc: new DateTimeOffset(2024, 3, 7, 0, 30, 0, TimeSpan.FromHours(2)),
            EventsLastHour: 19,
            DistinctIps24h: 3,
            DistinctRegions24h: 2,
            DistinctDevices24h: 1,
            ErrorsInLast50: 5,
            EventsInErrorWindow: 20,
            AuthFailures1h: 4,
            DataAccess1h: 7,
            RecordsAccessed: 99,
            SecondsSincePrevious: null,
            GeoSpeedKmh: 899,
            GdprArea: true,
            HasConsent: false);
        var features = new double[FeatureVector.Count];

        FeatureVector.Fill(features, inputs);

        Assert.Multiple(() =>
        {
            Assert.That(features[0], Is.EqualTo(-Math.Sqrt(2 - Math.Sqrt(2)) / 2).Within(1e-15), "sin(-22.5 deg)");
            Assert.That(features[1], Is.EqualTo(Math.Sqrt(2 + Math.Sqrt(2)) / 2).Within(1e-15), "cos(-22.5 deg)");
            Assert.That(features[2..], Is.EqualTo(new[]
            {
                2.0, Math.Log(20), 3, 2, 1, 0.25, 4, 7, 2 * Math.Log(10), 0, Math.Log(900), 1,
            }).Within(1e-15));
        });
    }

    [Test]
    public void MissingNegativeAndInfiniteValues_StayFinite()
    {
        var inputs = new FeatureInputs(
            new DateTimeOffset(2024, 3, 4, 6, 0, 0, TimeSpan.Zero), 0, 0, 0, 0, 3, 0, 0, 0,
            RecordsAccessed: null, SecondsSincePrevious: -30, GeoSpeedKmh: double.PositiveInfinity, GdprArea: true, HasConsent: true);
        var features = new double[FeatureVector.Count];

        FeatureVector.Fill(features, inputs);

        Assert.Multiple(() =>
        {
            Assert.That(features[0], Is.EqualTo(1.0), "06:00 is a quarter turn");
            Assert.That(features[2], Is.EqualTo(0.0), "Monday");
            Assert.That(features[7], Is.EqualTo(0.0), "empty error window");
            Assert.That(features[10..12], Is.EqualTo(new[] { 0.0, 0.0 }));
            Assert.That(features[12], Is.EqualTo(Math.Log(double.MaxValue)));
            Assert.That(features[13], Is.EqualTo(0.0));
        });
    }

    [Test]
    public void Names_AreTheFourteenSpecNamesInOrder() =>
        Assert.That(FeatureVector.Names, Is.EqualTo(new[]
        {
            "hour_sin", "hour_cos", "weekday", "log_events_1h", "distinct_ips_24h", "distinct_regions_24h",
            "distinct_devices_24h", "error_rate_50", "auth_failures_1h", "data_access_1h", "log_records_accessed",
            "log_seconds_since_previous", "log_geo_speed_kmh", "eu_without_consent",
        }));

    [Test]
    public void ShortDestination_IsRejected() =>
        Assert.That(() => FeatureVector.Fill(new double[13], default), Throws.ArgumentException);
}
