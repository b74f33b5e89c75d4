using System.Net;
using Ott.Grains.Geo;

namespace Ott.Tests.Engines.NetworkGeo;

/// <summary>Against MaxMind's fake test databases; expected answers from TestData/geo/README.md.</summary>
public class GeoIpLookupTests
{
    private GeoIpLookup _city = null!;
    private GeoIpLookup _country = null!;
    private GeoIpLookup _withLists = null!;

    private static string Db(string name) => Path.Combine(TestContext.CurrentContext.TestDirectory, "TestData", "geo", name);

    [OneTimeSetUp]
    public void Open()
    {
        _city = new GeoIpLookup(new GeoIpOptions
        {
            LocationDatabasePath = Db("GeoIP2-City-Test.mmdb"),
            AnonymousIpDatabasePath = Db("GeoIP2-Anonymous-IP-Test.mmdb"),
        });
        _country = new GeoIpLookup(new GeoIpOptions { LocationDatabasePath = Db("GeoLite2-Country-Test.mmdb") });

        var ranges = IpRangeTable.LoadBuiltIn();
        ranges.LoadTorExitList(new StringReader("81.2.69.160\n"));
        _withLists = new GeoIpLookup(
            new GeoIpOptions
            {
                LocationDatabasePath = Db("GeoIP2-City-Test.mmdb"),
                AnonymousIpDatabasePath = Db("GeoIP2-Anonymous-IP-Test.mmdb"),
            },
            ranges);
    }

    [OneTimeTearDown]
    public void Close()
    {
        _city.Dispose();
        _country.Dispose();
        _withLists.Dispose();
    }

    [TestCase("81.2.69.142", "GB", 51.5142, -0.0931)]
    [TestCase("216.160.83.56", "US", 47.2513, -122.3149)]
    [TestCase("89.160.20.112", "SE", 58.4167, 15.6167)]
    [TestCase("214.0.1.1", "AU", -37.8159, 144.9669)]
    [TestCase("2001:218::1", "JP", 35.68536, 139.75309)]
    [TestCase("::ffff:81.2.69.142", "GB", 51.5142, -0.0931)]
    public void CityDatabase_GivesCountryAndLocation(string ip, string country, double latitude, double longitude)
    {
        var result = _city.Lookup(ip);

        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(GeoLookupStatus.Found));
            Assert.That(result.CountryIsoCode, Is.EqualTo(country));
            Assert.That(result.Latitude, Is.EqualTo(latitude));
            Assert.That(result.Longitude, Is.EqualTo(longitude));
            Assert.That(result.HasLocation, Is.True);
        });
    }

    [Test]
    public void AnycastNetwork_IsFoundWithoutCountryOrLocation() =>
        Assert.That(
            _city.Lookup("214.1.1.1"),
            Is.EqualTo(new GeoIpResult(GeoLookupStatus.Found, null, null, null, AnonymizerFlags.None, AnonymizerSources.AnonymousIpDatabase)));

    [TestCase("10.0.0.1")]
    [TestCase("127.0.0.1")]
    [TestCase("192.0.2.1")]
    public void ReservedAddress_IsNotFound_NeverClean(string ip)
    {
        var result = _city.Lookup(ip);

        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(GeoLookupStatus.NotFound));
            Assert.That(result.CountryIsoCode, Is.Null);
            Assert.That(result.HasLocation, Is.False);
        });
    }

    [TestCase("217.65.48.1", "GI")]
    [TestCase("111.235.160.1", "CN")]
    [TestCase("2001:480::1", "US")]
    public void CountryDatabase_GivesCountryWithoutLocation(string ip, string country) =>
        Assert.That(
            _country.Lookup(ip),
            Is.EqualTo(new GeoIpResult(GeoLookupStatus.Found, country, null, null, AnonymizerFlags.None, AnonymizerSources.None)));

    [Test]
    public void CountryDatabase_UnlistedAddress_IsNotFound() =>
        Assert.That(_country.Lookup("8.8.8.8").Status, Is.EqualTo(GeoLookupStatus.NotFound));

    [TestCase("1.2.3.4", AnonymizerFlags.Vpn)]
    [TestCase("1.124.213.1", AnonymizerFlags.Vpn | AnonymizerFlags.Tor)]
    [TestCase("81.2.69.0", AnonymizerFlags.Vpn | AnonymizerFlags.Hosting | AnonymizerFlags.Tor | AnonymizerFlags.PublicProxy | AnonymizerFlags.ResidentialProxy)]
    [TestCase("71.160.223.5", AnonymizerFlags.Hosting)]
    [TestCase("186.30.236.9", AnonymizerFlags.PublicProxy)]
    [TestCase("65.4.3.2", AnonymizerFlags.Tor)]
    [TestCase("6.1.0.4", AnonymizerFlags.ResidentialProxy)]
    [TestCase("abcd:1000::1", AnonymizerFlags.PublicProxy)]
    [TestCase("8.8.8.8", AnonymizerFlags.None)]
    [TestCase("10.0.0.1", AnonymizerFlags.None)]
    public void AnonymousIpDatabase_GivesTheListedFlags(string ip, AnonymizerFlags expected)
    {
        var result = _city.Lookup(ip);

        Assert.Multiple(() =>
        {
            Assert.That(result.Anonymizers, Is.EqualTo(expected));
            Assert.That(result.AnonymizerSources, Is.EqualTo(AnonymizerSources.AnonymousIpDatabase));
        });
    }

    [Test]
    public void AnonymousIpFlags_ReadAsProperties()
    {
        var result = _city.Lookup(IPAddress.Parse("1.124.213.1"));

        Assert.Multiple(() =>
        {
            Assert.That(result.IsVpn, Is.True);
            Assert.That(result.IsTor, Is.True);
            Assert.That(result.IsHosting, Is.False);
            Assert.That(result.IsPublicProxy, Is.False);
            Assert.That(result.IsResidentialProxy, Is.False);
        });
    }

    [Test]
    public void RangeLists_AddToTheDatabaseFlags()
    {
        var fromLists = _withLists.Lookup("2.26.157.200");
        var tor = _withLists.Lookup("81.2.69.160");
        var databaseOnly = _withLists.Lookup("186.30.236.9");

        Assert.Multiple(() =>
        {
            Assert.That(fromLists.Anonymizers, Is.EqualTo(AnonymizerFlags.Vpn | AnonymizerFlags.Hosting), "vpn-ipv4 and datacenter-ipv4 list 2.26.157.0/24");
            Assert.That(fromLists.AnonymizerSources, Is.EqualTo(AnonymizerSources.AnonymousIpDatabase | AnonymizerSources.RangeLists));
            Assert.That(fromLists.Status, Is.EqualTo(GeoLookupStatus.NotFound));
            Assert.That(tor.Anonymizers, Is.EqualTo(AnonymizerFlags.Vpn | AnonymizerFlags.Hosting | AnonymizerFlags.Tor | AnonymizerFlags.PublicProxy | AnonymizerFlags.ResidentialProxy));
            Assert.That(tor.CountryIsoCode, Is.EqualTo("GB"));
            Assert.That(databaseOnly.Anonymizers, Is.EqualTo(AnonymizerFlags.PublicProxy));
        });
    }

    [Test]
    public void NothingConfigured_ReportsUnknown()
    {
        using var none = new GeoIpLookup(new GeoIpOptions());

        Assert.Multiple(() =>
        {
            Assert.That(none.Lookup("81.2.69.142"), Is.EqualTo(new GeoIpResult(GeoLookupStatus.NotConfigured, null, null, null, AnonymizerFlags.None, AnonymizerSources.None)));
            Assert.That(none.LocationDatabaseType, Is.Null);
        });
    }

    [Test]
    public void MalformedAddressText_IsInvalid() =>
        Assert.That(_city.Lookup("999.1.1.1").Status, Is.EqualTo(GeoLookupStatus.InvalidAddress));

    [Test]
    public void WrongDatabaseType_FailsAtConstruction()
    {
        Assert.Multiple(() =>
        {
            Assert.That(
                () => new GeoIpLookup(new GeoIpOptions { AnonymousIpDatabasePath = Db("GeoIP2-City-Test.mmdb") }),
                Throws.ArgumentException.With.Message.Contains("GeoIP2-City"));
            Assert.That(
                () => new GeoIpLookup(new GeoIpOptions { LocationDatabasePath = Db("GeoIP2-Anonymous-IP-Test.mmdb") }),
                Throws.ArgumentException.With.Message.Contains("GeoIP2-Anonymous-IP"));
            Assert.That(_city.LocationDatabaseType, Is.EqualTo("GeoIP2-City"));
        });
    }

    [Test]
    public void MiltonThenLondonAnHourLater_IsCriticalTravel()
    {
        var milton = _city.Lookup("216.160.83.56");
        var london = _city.Lookup("81.2.69.142");

        var km = GeoMath.HaversineKm(milton.Latitude!.Value, milton.Longitude!.Value, london.Latitude!.Value, london.Longitude!.Value);
        Assert.Multiple(() =>
        {
            Assert.That(km, Is.EqualTo(7732.33).Within(0.01));
            Assert.That(GeoMath.Classify(GeoMath.SpeedKmh(km, 3600)), Is.EqualTo(TravelVerdict.Critical));
        });
    }
}
