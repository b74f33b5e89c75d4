using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Ott.Grains.Compliance;
using Ott.Grains.Detection;
using Ott.Grains.Geo;
using Ott.Grains.Network;
using Ott.Grains.Interfaces;
using Ott.Grains.Segments;
using Ott.Grains.Users;
using Ott.Tests.Support;

namespace Ott.Tests.Engines;

public class UserPipelineTests
{
    private static UserPipeline Pipeline()
    {
        var compliance = new ComplianceOptions();
        var thresholds = new ThresholdOptions();
        return new UserPipeline(
            new ComplianceStage(new ComplianceEngine(RegulationPackLoader.Load(null), compliance), compliance),
            new ThresholdInputsCache(null!, Options.Create(thresholds), NullLogger<ThresholdInputsCache>.Instance),
            new ModelCache(null!, Options.Create(new DetectionOptions()), NullLogger<ModelCache>.Instance),
            new GeoStage(Options.Create(new GeoIpOptions()), NullLogger<GeoStage>.Instance),
            new NetworkCache(null!, Options.Create(new RingGraphOptions()), NullLogger<NetworkCache>.Instance));
    }

    private static OttEvent Risky(string user, DateTimeOffset at) => new()
    {
        EventId = $"{user}-{at:HHmm}",
        UserId = user,
        DeviceId = "tv",
        ContentId = "c",
        Type = EventType.Error,
        Timestamp = at,
        Region = "DE",
        IsEuClaim = true,
        HasConsent = false,
        IpAddress = "198.51.100.9",
        ReceivedAt = at,
    };

    [Test]
    public void NewUserAtNight_IsAlertedOnAnEventThatAPowerUserAtNoonIsNot()
    {
        var pipeline = Pipeline();
        var night = new DateTimeOffset(2026, 3, 10, 1, 30, 0, TimeSpan.Zero);   // 02:30 in Berlin
        var noon = new DateTimeOffset(2026, 3, 10, 11, 0, 0, TimeSpan.Zero);    // 12:00 in Berlin

        var newUser = new UserRollingState();
        var fresh = pipeline.Assess(newUser, Risky("newbie", night), new RollingWindow(new RollingWindowOptions()), night, TestPolicies.Default);

        // A power user: an account of 400 days, more than 500 clean events in the last 30 days.
        var power = new UserRollingState();
        var window = new RollingWindow(new RollingWindowOptions());
        for (var i = 0; i < 510; i++)
        {
            var at = noon.AddDays(-29).AddMinutes(i * 80);
            pipeline.Assess(power, new OttEvent
            {
                EventId = $"p{i}", UserId = "veteran", DeviceId = "tv", ContentId = "c", Type = EventType.Play, Timestamp = at,
                Region = "US", IsEuClaim = false, HasConsent = true, IpAddress = "198.51.100.10", ReceivedAt = at,
                AccountCreatedAt = noon.AddDays(-400),
            }, window, at, TestPolicies.Default);
        }

        var veteran = pipeline.Assess(power, Risky("veteran", noon), window, noon, TestPolicies.Default);

        Assert.Multiple(() =>
        {
            Assert.That(fresh.Assessment.RiskScore, Is.EqualTo(8.0));
            Assert.That(fresh.Assessment.Segment, Is.EqualTo(SegmentNames.New));
            Assert.That(fresh.Assessment.ThresholdParts!.TimeAdjustment, Is.EqualTo(0.15));
            Assert.That(fresh.Assessment.Threshold, Is.EqualTo(5.95), "7 x (1 - 0.15)");
            Assert.That(fresh.Assessment.RiskLevel, Is.EqualTo(RiskLevel.High));
            Assert.That(fresh.Alert.Raise, Is.True);

            Assert.That(veteran.Assessment.RiskScore, Is.EqualTo(8.0), "the same factors");
            Assert.That(veteran.Assessment.Segment, Is.EqualTo(SegmentNames.Power));
            Assert.That(veteran.Assessment.Threshold, Is.EqualTo(9.0));
            Assert.That(veteran.Assessment.RiskLevel, Is.EqualTo(RiskLevel.Medium));
            Assert.That(veteran.Alert.Raise, Is.False);
        });
    }

    [Test]
    public void ProfileState_KeepsTheSegmentDecisionWithItsInputs()
    {
        var state = new UserRollingState();
        var at = new DateTimeOffset(2026, 3, 10, 12, 0, 0, TimeSpan.Zero);
        var result = Pipeline().Assess(state, Risky("u", at), new RollingWindow(new RollingWindowOptions()), at, TestPolicies.Default);
        Assert.Multiple(() =>
        {
            Assert.That(state.Segment!.Segment, Is.EqualTo(SegmentNames.New));
            Assert.That(state.Segment.Inputs.Events30d, Is.EqualTo(1));
            Assert.That(result.SegmentBefore, Is.Null);
            Assert.That(result.SegmentAfter, Is.EqualTo(SegmentNames.New));
        });
    }
}
