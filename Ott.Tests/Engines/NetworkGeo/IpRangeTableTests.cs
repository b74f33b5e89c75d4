using System.Net;
using Ott.Grains.Geo;

namespace Ott.Tests.Engines.NetworkGeo;

public class IpRangeTableTests
{
    private static IpRangeTable? _builtIn;
    private static IReadOnlyList<IpRangeLoadReport> _builtInReports = [];

    private static IpRangeTable BuiltIn
    {
        get
        {
            if (_builtIn is null)
            {
                _builtIn = IpRangeTable.LoadBuiltIn(out var reports);
                _builtInReports = reports;
            }

            return _builtIn;
        }
    }

    private static IpRangeTable From(string label, string text)
    {
        var table = new IpRangeTable();
        table.Load(label, new StringReader(text));
        return table;
    }

    private static string[] Found(IpRangeTable table, string ip) => table.FindAll(IPAddress.Parse(ip)).ToArray();

    [Test]
    public void BuiltInLists_LoadCleanAndMerge()
    {
        _ = BuiltIn;
        Assert.Multiple(() =>
        {
            Assert.That(_builtInReports.Select(r => (r.Label, r.Entries, r.MalformedCount)), Is.EqualTo(new[]
            {
                ("vpn", 10862, 0),
                ("vpn", 498, 0),
                ("hosting", 42566, 0),
                ("hosting", 8752, 0),
            }));
            Assert.That(BuiltIn.Labels, Is.EqualTo(new[] { "vpn", "hosting" }));
            Assert.That(BuiltIn.RangeCount(IpRangeTable.VpnLabel), Is.EqualTo(6565 + 327));
            Assert.That(BuiltIn.RangeCount(IpRangeTable.HostingLabel), Is.EqualTo(29070 + 5271));
        });
    }

    // Entries picked from the lists: vpn-ipv4 "2.26.157.0/24", datacenter-ipv4 "1.12.0.0/14",
    // vpn-ipv6 "2001:550:1d05::/48", datacenter-ipv6 "2001:310::/32".
    [TestCase("2.26.157.0", new[] { "vpn", "hosting" })]
    [TestCase("2.26.157.200", new[] { "vpn", "hosting" })]
    [TestCase("2.26.158.0", new string[0])]
    [TestCase("1.11.255.255", new string[0])]
    [TestCase("1.12.0.0", new[] { "hosting" })]
    [TestCase("1.15.255.255", new[] { "hosting" })]
    [TestCase("1.16.0.0", new string[0])]
    [TestCase("::ffff:1.13.0.1", new[] { "hosting" })]
    [TestCase("2001:550:1d05::1", new[] { "vpn", "hosting" })]
    [TestCase("2001:550:1d05:ffff:ffff:ffff:ffff:ffff", new[] { "vpn", "hosting" })]
    [TestCase("2001:550:1d06::", new string[0])]
    [TestCase("2001:310::1", new[] { "hosting" })]
    [TestCase("2001:311::", new string[0])]
    [TestCase("192.0.2.1", new string[0])]
    [TestCase("10.0.0.1", new string[0])]
    public void BuiltInLists_AnswerFromTheRealRanges(string ip, string[] labels) =>
        Assert.That(Found(BuiltIn, ip), Is.EqualTo(labels));

    [Test]
    public void TryFind_ReturnsTheFirstListInLoadOrder()
    {
        var found = BuiltIn.TryFind(IPAddress.Parse("2.26.157.9"), out var label);
        var missing = BuiltIn.TryFind(IPAddress.Parse("192.0.2.1"), out var none);

        Assert.Multiple(() =>
        {
            Assert.That(found, Is.True);
            Assert.That(label, Is.EqualTo("vpn"));
            Assert.That(missing, Is.False);
            Assert.That(none, Is.Null);
            Assert.That(BuiltIn.Contains(IPAddress.Parse("1.12.0.1")), Is.True);
            Assert.That(BuiltIn.Contains(IPAddress.Parse("1.12.0.1"), IpRangeTable.VpnLabel), Is.False);
        });
    }

    [Test]
    public void OverlappingAndAdjacentRanges_MergeIntoOne()
    {
        var table = From("x", """
            10.0.0.0/25
            10.0.0.128/25
            10.0.0.64/26
            10.0.1.0/24
            10.0.3.0/24
            255.255.255.255
            255.255.255.254/31
            """);

        Assert.Multiple(() =>
        {
            Assert.That(table.RangeCount("x"), Is.EqualTo(3), "10.0.0.0-10.0.1.255, 10.0.3.0/24, 255.255.255.254/31");
            Assert.That(Found(table, "10.0.1.255"), Is.EqualTo(new[] { "x" }));
            Assert.That(Found(table, "10.0.2.0"), Is.Empty);
            Assert.That(Found(table, "10.0.3.77"), Is.EqualTo(new[] { "x" }));
            Assert.That(Found(table, "255.255.255.255"), Is.EqualTo(new[] { "x" }));
        });
    }

    [Test]
    public void IPv6Ranges_UseFullWidthValues()
    {
        var table = From("v6", """
            2001:db8::/32
            2001:db9::/32
            4000::/2
            fe80::1
            ffff:ffff:ffff:ffff:ffff:ffff:ffff:fff0/124
            """);

        Assert.Multiple(() =>
        {
            Assert.That(table.RangeCount("v6"), Is.EqualTo(4), "2001:db8::/31, 4000::/2, fe80::1, the top /124");
            Assert.That(Found(table, "2001:db9:ffff::1"), Is.EqualTo(new[] { "v6" }));
            Assert.That(Found(table, "2001:dba::"), Is.Empty);
            Assert.That(Found(table, "3fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"), Is.Empty);
            Assert.That(Found(table, "7fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"), Is.EqualTo(new[] { "v6" }));
            Assert.That(Found(table, "8000::"), Is.Empty);
            Assert.That(Found(table, "fe80::1"), Is.EqualTo(new[] { "v6" }));
            Assert.That(Found(table, "fe80::2"), Is.Empty);
            Assert.That(Found(table, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"), Is.EqualTo(new[] { "v6" }));
            Assert.That(Found(table, "1.2.3.4"), Is.Empty, "IPv4 is looked up in the IPv4 ranges only");
        });
    }

    [Test]
    public void MalformedLines_AreCountedAndSampled_NotThrown()
    {
        var table = new IpRangeTable();
        var report = table.Load("ops", new StringReader("""
            # operator list
            10.0.0.0/8
            not-an-ip
            10.0.0.0/33
            300.1.1.1

            1.2.3
            010.1.1.1
            2001:db8::/129
            fe80::1%eth0
            192.168.0.0/16   # office
            1.2.3.4/-1
            """));

        Assert.Multiple(() =>
        {
            Assert.That(report.Label, Is.EqualTo("ops"));
            Assert.That(report.Entries, Is.EqualTo(2));
            Assert.That(report.Ranges, Is.EqualTo(2));
            Assert.That(report.MalformedCount, Is.EqualTo(8));
            Assert.That(report.FirstMalformed, Is.EqualTo(new[]
            {
                new MalformedLine(3, "not-an-ip"),
                new MalformedLine(4, "10.0.0.0/33"),
                new MalformedLine(5, "300.1.1.1"),
                new MalformedLine(7, "1.2.3"),
                new MalformedLine(8, "010.1.1.1"),
            }));
            Assert.That(Found(table, "192.168.4.4"), Is.EqualTo(new[] { "ops" }));
        });
    }

    [Test]
    public void CidrWithHostBits_CoversItsNetwork()
    {
        var table = From("x", "10.1.2.3/8\n::ffff:172.16.5.5/108");

        Assert.Multiple(() =>
        {
            Assert.That(Found(table, "10.255.255.255"), Is.EqualTo(new[] { "x" }));
            Assert.That(Found(table, "172.31.255.255"), Is.EqualTo(new[] { "x" }), "an IPv4-mapped network is an IPv4 /12");
            Assert.That(Found(table, "172.32.0.0"), Is.Empty);
        });
    }

    [Test]
    public void TorExitList_TakesPlainIpsAndCidrs_UnderTheTorLabel()
    {
        var table = new IpRangeTable();
        var report = table.LoadTorExitList(new StringReader("185.220.101.4\n185.220.102.0/24\n2a0b:f4c2::1\n"));

        Assert.Multiple(() =>
        {
            Assert.That(report.Label, Is.EqualTo(IpRangeTable.TorLabel));
            Assert.That(report.Entries, Is.EqualTo(3));
            Assert.That(Found(table, "185.220.101.4"), Is.EqualTo(new[] { "tor" }));
            Assert.That(Found(table, "185.220.101.5"), Is.Empty);
            Assert.That(Found(table, "185.220.102.99"), Is.EqualTo(new[] { "tor" }));
            Assert.That(Found(table, "2a0b:f4c2::1"), Is.EqualTo(new[] { "tor" }));
        });
    }

    [Test]
    public void LoadingALabelAgain_AddsToIt()
    {
        var table = From("x", "10.0.0.0/24");
        var report = table.Load("x", new StringReader("10.0.1.0/24\n2001:db8::/32"));

        Assert.Multiple(() =>
        {
            Assert.That(report.Ranges, Is.EqualTo(2), "10.0.0.0-10.0.1.255 and 2001:db8::/32");
            Assert.That(table.Labels, Is.EqualTo(new[] { "x" }));
            Assert.That(Found(table, "10.0.0.5"), Is.EqualTo(new[] { "x" }));
            Assert.That(Found(table, "10.0.1.5"), Is.EqualTo(new[] { "x" }));
        });
    }
}
