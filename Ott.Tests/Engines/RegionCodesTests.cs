using Ott.Grains.Geo;

namespace Ott.Tests.Engines;

public class RegionCodesTests
{
    [TestCase("DE", "DE")]
    [TestCase("de", "DE")]
    [TestCase("UK", "GB")]
    [TestCase("uk", "GB")]
    [TestCase("EU", "EU")]
    [TestCase("US-CA", "US-CA")]
    [TestCase("us-ny", "US-NY")]
    [TestCase("UK-ENG", "GB-ENG")]
    [TestCase("CA-ON", "CA-ON")]
    [TestCase("JP", "JP")]
    [TestCase("KR", "KR")]
    public void Normalize_AcceptsKnownCodes(string raw, string expected) =>
        Assert.That(RegionCodes.Normalize(raw, out _), Is.EqualTo(expected));

    [TestCase("XX")]
    [TestCase("USA")]
    [TestCase("")]
    [TestCase("U")]
    [TestCase("US-XX")]
    [TestCase("US-")]
    [TestCase("DE-TOOLONG")]
    [TestCase("EU-DE")]
    [TestCase("unknown")]
    public void Normalize_RejectsUnknownCodes_WithAReason(string raw)
    {
        Assert.Multiple(() =>
        {
            Assert.That(RegionCodes.Normalize(raw, out var error), Is.Null);
            Assert.That(error, Is.Not.Empty);
        });
    }

    [TestCase("DE", true, true)]
    [TestCase("EU", true, true)]
    [TestCase("NO", false, true)]
    [TestCase("IS", false, true)]
    [TestCase("GB", false, false)]
    [TestCase("CH", false, false)]
    [TestCase("US-CA", false, false)]
    public void Membership(string region, bool eu, bool gdpr)
    {
        Assert.Multiple(() =>
        {
            Assert.That(RegionCodes.IsEuMember(region), Is.EqualTo(eu));
            Assert.That(RegionCodes.IsGdprArea(region), Is.EqualTo(gdpr));
        });
    }

    [Test]
    public void EuMembers_AreTheTwentySeven() => Assert.That(RegionCodes.EuMembers, Has.Count.EqualTo(27));
}
