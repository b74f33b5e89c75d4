using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Ott.Grains.Geo;
using Ott.Grains.Interfaces;
using Ott.Grains.Scoring;
using Ott.Grains.Users;
using static Ott.Tests.Support.TestEvents;

namespace Ott.Tests.Engines.NetworkGeo;

public class GeoStageTests
{
    private static string Db(string name) => Path.Combine(TestContext.CurrentContext.TestDirectory, "TestData", "geo", name);

    private static GeoStage Stage(bool databases = true) => new(Options.Create(databases
            ? new GeoIpOptions { LocationDatabasePath = Db("GeoIP2-City-Test.mmdb"), AnonymousIpDatabasePath = Db("GeoIP2-Anonymous-IP-Test.mmdb") }
            : new GeoIpOptions()),
        NullLogger<GeoStage>.Instance);

    private static (GeoVerdict Verdict, List<RiskFactor> Factors) Evaluate(GeoStage stage, OttEvent e, UserRollingState? state = null)
    {
        var factors = new List<RiskFactor>();
        List<GeoSignal>? signals = null;
        var (verdict, _) = stage.Evaluate(e, state ?? new UserRollingState(), ref signals);
        GeoStage.AddFactors(signals, new ScoringOptions(), factors);
        return (verdict, factors);
    }

    [Test]
    public void IpInAnotherCountry_IsARegionMismatch()
    {
        using var stage = Stage();
        var (london, factors) = Evaluate(stage, Event("g", region: "US", ip: "81.2.69.142"));
        var (match, none) = Evaluate(stage, Event("g", region: "UK", ip: "81.2.69.142") with { Region = "GB" });

        Assert.Multiple(() =>
        {
            Assert.That((london.Status, london.Country, london.RegionMismatch), Is.EqualTo(("found", "GB", (bool?)true)));
            Assert.That(factors.Single(f => f.Code == "geoip_region_mismatch").Points, Is.EqualTo(2.0));
            Assert.That(match.RegionMismatch, Is.False);
            Assert.That(none.Any(f => f.Code == "geoip_region_mismatch"), Is.False);
        });
    }

    [TestCase("65.4.3.2", "tor", 2.0)]
    [TestCase("71.160.223.5", "hosting", 2.0)]
    [TestCase("1.2.3.4", "vpn", 1.0)]
    public void AnonymiserFlags_FromTheAnonymousIpDatabase(string ip, string flag, double points)
    {
        using var stage = Stage();
        var (verdict, factors) = Evaluate(stage, Event("a", ip: ip));
        Assert.Multiple(() =>
        {
            Assert.That(verdict.Anonymizers, Does.Contain(flag));
            Assert.That(verdict.AnonymizerSources, Does.Contain("database"));
            Assert.That(factors.Single(f => f.Code == "anonymiser").Points, Is.EqualTo(points));
        });
    }

    [Test]
    public void LondonThenWashingtonInHalfAnHour_IsCriticalImpossibleTravel()
    {
        using var stage = Stage();
        var state = new UserRollingState();
        Evaluate(stage, Event("t", at: T0, region: "GB", ip: "81.2.69.142"), state);
        var (verdict, factors) = Evaluate(stage, Event("t", at: T0.AddMinutes(30), region: "US", ip: "216.160.83.56"), state);

        var expectedKm = GeoMath.HaversineKm(51.5142, -0.0931, 47.2513, -122.3149);
        Assert.Multiple(() =>
        {
            Assert.That(verdict.Travel!.DistanceKm, Is.EqualTo(Math.Round(expectedKm, 1)));
            Assert.That(verdict.Travel.SpeedKmh, Is.EqualTo(Math.Round(expectedKm * 2, 1)));
            Assert.That(verdict.Travel.Verdict, Is.EqualTo("critical"), "over 5,000 km/h");
            Assert.That(verdict.Travel.FromCountry, Is.EqualTo("GB"));
            Assert.That(factors.Single(f => f.Code == "impossible_travel").Points, Is.EqualTo(3.0));
            Assert.That(state.LastLocation!.Country, Is.EqualTo("US"));
        });
    }

    [Test]
    public void SameCityAnHourLater_IsPlausible()
    {
        using var stage = Stage();
        var state = new UserRollingState();
        Evaluate(stage, Event("p", at: T0, region: "GB", ip: "81.2.69.142"), state);
        var (verdict, factors) = Evaluate(stage, Event("p", at: T0.AddHours(1), region: "GB", ip: "81.2.69.160"), state);
        Assert.Multiple(() =>
        {
            Assert.That(verdict.Travel!.Verdict, Is.EqualTo("plausible"));
            Assert.That(factors.Select(f => f.Code), Does.Not.Contain("impossible_travel"), "81.2.69.0/24 is an anonymiser in the test data, nothing else");
        });
    }

    [Test]
    public void WithoutADatabase_LocationIsUnknown_NeverClean()
    {
        using var stage = Stage(databases: false);
        var (verdict, factors) = Evaluate(stage, Event("n", region: "US", ip: "81.2.69.142"));
        Assert.Multiple(() =>
        {
            Assert.That(verdict.Status, Is.EqualTo("not_configured"));
            Assert.That(verdict.RegionMismatch, Is.Null, "unknown, not false");
            Assert.That(verdict.Travel, Is.Null);
            Assert.That(verdict.AnonymizerSources, Is.EqualTo(new[] { "ranges" }), "the shipped VPN/datacenter ranges are still consulted");
            Assert.That(factors, Is.Empty);
        });
    }

    [Test]
    public void UnlistedAddress_IsNotFound()
    {
        using var stage = Stage();
        Assert.That(Evaluate(stage, Event("x", ip: "10.0.0.1")).Verdict.Status, Is.EqualTo("not_found"));
    }
}
