using Ott.Grains.Geo;

namespace Ott.Tests.Engines.NetworkGeo;

public class GeoMathTests
{
    [Test]
    public void LondonToParis_IsAbout343Km() =>
        Assert.That(GeoMath.HaversineKm(51.5074, -0.1278, 48.8566, 2.3522), Is.EqualTo(343.5).Within(0.5));

    [Test]
    public void HaversineEdges_AreExact()
    {
        Assert.Multiple(() =>
        {
            Assert.That(GeoMath.HaversineKm(51.5142, -0.0931, 51.5142, -0.0931), Is.EqualTo(0.0));
            Assert.That(GeoMath.HaversineKm(0, 0, 0, 180), Is.EqualTo(Math.PI * 6371).Within(1e-6), "half the circumference");
            Assert.That(GeoMath.HaversineKm(90, 0, -90, 0), Is.EqualTo(Math.PI * 6371).Within(1e-6), "pole to pole");
            Assert.That(GeoMath.HaversineKm(0, 179.5, 0, -179.5), Is.EqualTo(Math.PI * 6371 / 180).Within(1e-6), "across the antimeridian");
            Assert.That(GeoMath.HaversineKm(48.8566, 2.3522, 51.5074, -0.1278), Is.EqualTo(GeoMath.HaversineKm(51.5074, -0.1278, 48.8566, 2.3522)));
        });
    }

    [TestCase(1000.0, 3600.0, 1000.0)]
    [TestCase(500.0, 1800.0, 1000.0)]
    [TestCase(0.0, 60.0, 0.0)]
    [TestCase(0.0, 0.0, 0.0)]
    [TestCase(0.0, -5.0, 0.0)]
    [TestCase(10.0, 0.0, double.PositiveInfinity)]
    [TestCase(10.0, -1.0, double.PositiveInfinity)]
    public void Speed_IsDistanceOverHours(double km, double seconds, double expected) =>
        Assert.That(GeoMath.SpeedKmh(km, seconds), Is.EqualTo(expected));

    [TestCase(0.0, TravelVerdict.Plausible)]
    [TestCase(999.9, TravelVerdict.Plausible)]
    [TestCase(1000.0, TravelVerdict.Plausible)]
    [TestCase(1000.1, TravelVerdict.Impossible)]
    [TestCase(5000.0, TravelVerdict.Impossible)]
    [TestCase(5000.1, TravelVerdict.Critical)]
    [TestCase(double.PositiveInfinity, TravelVerdict.Critical)]
    public void Classify_UsesExclusiveThresholds(double kmh, TravelVerdict expected) =>
        Assert.That(GeoMath.Classify(kmh), Is.EqualTo(expected));

    [Test]
    public void Classify_ThresholdsAreConfigurable()
    {
        var strict = new TravelThresholds(ImpossibleKmh: 300, CriticalKmh: 900);

        Assert.Multiple(() =>
        {
            Assert.That(GeoMath.Classify(300, strict), Is.EqualTo(TravelVerdict.Plausible));
            Assert.That(GeoMath.Classify(301, strict), Is.EqualTo(TravelVerdict.Impossible));
            Assert.That(GeoMath.Classify(901, strict), Is.EqualTo(TravelVerdict.Critical));
        });
    }

    [Test]
    public void Classify_RejectsNaNAndNegativeSpeeds()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => GeoMath.Classify(double.NaN), Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(() => GeoMath.Classify(-1), Throws.InstanceOf<ArgumentOutOfRangeException>());
        });
    }

    [Test]
    public void LondonToLinkoping_InOneHourIsImpossible_InTwoHoursPlausible()
    {
        var km = GeoMath.HaversineKm(51.5142, -0.0931, 58.4167, 15.6167);

        Assert.Multiple(() =>
        {
            Assert.That(km, Is.EqualTo(1257.73).Within(0.01));
            Assert.That(GeoMath.Classify(GeoMath.SpeedKmh(km, 3600)), Is.EqualTo(TravelVerdict.Impossible));
            Assert.That(GeoMath.Classify(GeoMath.SpeedKmh(km, 7200)), Is.EqualTo(TravelVerdict.Plausible));
            Assert.That(GeoMath.Classify(GeoMath.SpeedKmh(km, 0)), Is.EqualTo(TravelVerdict.Critical), "same timestamp, different place");
        });
    }
}
