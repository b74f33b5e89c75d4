using Ott.Grains.Policies;
using Ott.Grains.Alerts;
using Ott.Grains.Interfaces;
using Ott.Grains.Segments;
using static Ott.Tests.Support.TestEvents;

namespace Ott.Tests.Engines;

public class SegmentAndThresholdTests
{
    private static readonly SegmentClassifier Classifier = new(new SegmentOptions());
    private static readonly RegionClock Clock = new();
    private static readonly AdaptiveThreshold Threshold = new(new ThresholdOptions(), Clock);

    private static string Segment(int violations = 0, bool ring = false, int critical = 0, double age = 400, int events = 100, double? gap = 1) =>
        Classifier.Classify(new SegmentInputs(violations, ring, critical, age, events, gap)).Segment;

    [TestCase(5, SegmentNames.Normal)]
    [TestCase(6, SegmentNames.Suspicious)]
    public void Suspicious_AboveFiveViolations(int violations, string segment) => Assert.That(Segment(violations: violations), Is.EqualTo(segment));

    [Test]
    public void Suspicious_InARing_OrThreeCriticalsInAWeek()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Segment(ring: true), Is.EqualTo(SegmentNames.Suspicious));
            Assert.That(Segment(critical: 2), Is.EqualTo(SegmentNames.Normal));
            Assert.That(Segment(critical: 3), Is.EqualTo(SegmentNames.Suspicious));
        });
    }

    [TestCase(29.99, 49, SegmentNames.New)]
    [TestCase(30, 49, SegmentNames.Normal)]
    [TestCase(29.99, 50, SegmentNames.Normal)]
    public void New_YoungAccountWithFewEvents(double age, int events, string segment) =>
        Assert.That(Segment(age: age, events: events), Is.EqualTo(segment));

    [TestCase(501, 180.01, 0, SegmentNames.Power)]
    [TestCase(500, 181, 0, SegmentNames.Normal)]
    [TestCase(501, 180, 0, SegmentNames.Normal)]
    [TestCase(501, 181, 1, SegmentNames.Normal)]
    public void Power_ManyEventsOldAccountNoViolations(int events, double age, int violations, string segment) =>
        Assert.That(Segment(events: events, age: age, violations: violations), Is.EqualTo(segment));

    [TestCase(90, SegmentNames.Dormant)]
    [TestCase(89.99, SegmentNames.Inactive)]
    [TestCase(30, SegmentNames.Inactive)]
    [TestCase(29.99, SegmentNames.Normal)]
    [TestCase(null, SegmentNames.Normal)]
    public void DormantAndInactive_FollowTheGapBeforeTheEvent(double? gap, string segment) =>
        Assert.That(Segment(gap: gap, events: 1), Is.EqualTo(segment));

    [Test]
    public void Decision_NamesTheRuleAndKeepsTheInputs()
    {
        var decision = Classifier.Classify(new SegmentInputs(7, false, 0, 10, 3, null));
        Assert.Multiple(() =>
        {
            Assert.That(decision.Rule, Is.EqualTo("violations_30d 7 > 5"));
            Assert.That(decision.Inputs.Violations30d, Is.EqualTo(7));
        });
    }

    [Test]
    public void RegionClock_KnowsTheZones()
    {
        Assert.That(Clock.KnownZones, Is.GreaterThan(200), "tzdata is installed");
        Assert.Multiple(() =>
        {
            Assert.That(Clock.ZoneOf("DE").Id, Is.EqualTo("Europe/Berlin"));
            Assert.That(Clock.ZoneOf("US-CA").Id, Is.EqualTo("America/Los_Angeles"));
            Assert.That(Clock.ZoneOf("US").Id, Is.EqualTo("America/New_York"));
            Assert.That(Clock.ZoneOf("EU"), Is.EqualTo(TimeZoneInfo.Utc));
        });
    }

    // 2026-01-16 is winter: Berlin is UTC+1, Los Angeles UTC-8, Tokyo UTC+9.
    [TestCase("DE", 22, 59, 0.05, Description = "23:59 Berlin")]
    [TestCase("DE", 23, 0, 0.15, Description = "00:00 Berlin")]
    [TestCase("DE", 4, 59, 0.15, Description = "05:59 Berlin")]
    [TestCase("DE", 5, 0, 0.0, Description = "06:00 Berlin")]
    [TestCase("DE", 20, 59, 0.0, Description = "21:59 Berlin")]
    [TestCase("DE", 21, 0, 0.05, Description = "22:00 Berlin")]
    [TestCase("US-CA", 12, 0, 0.15, Description = "04:00 in Los Angeles")]
    [TestCase("JP", 12, 0, 0.0, Description = "21:00 Tokyo")]
    [TestCase("JP", 13, 0, 0.05, Description = "22:00 Tokyo")]
    public void TimeAdjustment_FollowsTheRegionsLocalTime(string region, int hourUtc, int minute, double expected)
    {
        var parts = Threshold.Compute(8, null, region, new DateTimeOffset(2026, 1, 16, hourUtc, minute, 0, TimeSpan.Zero), null);
        Assert.That(parts.TimeAdjustment, Is.EqualTo(expected), $"local {parts.LocalTime:HH:mm} in {parts.TimeZone}");
    }

    [TestCase(null, 0.0)]
    [TestCase(0.10, 0.0)]
    [TestCase(0.1001, 0.10)]
    [TestCase(0.20, 0.10)]
    [TestCase(0.2001, 0.20)]
    public void RegionAdjustment_FollowsTheSevenDayViolationRate(double? rate, double expected) =>
        Assert.That(Threshold.Compute(8, null, "US", new DateTimeOffset(2026, 1, 16, 18, 0, 0, TimeSpan.Zero), rate).RegionAdjustment, Is.EqualTo(expected));

    [Test]
    public void Threshold_IsBaseTimesOneMinusParts_Clamped()
    {
        var night = new DateTimeOffset(2026, 1, 16, 2, 0, 0, TimeSpan.Zero); // 03:00 Berlin
        Assert.Multiple(() =>
        {
            Assert.That(Threshold.Compute(7, null, "DE", night, 0.25).Value, Is.EqualTo(4.55), "7 x (1 - 0.15 - 0.2)");
            Assert.That(Threshold.Compute(6, null, "DE", night, 0.25).Value, Is.EqualTo(4.0), "6 x 0.65 = 3.9, clamped to 4");
            Assert.That(Threshold.Compute(9, 10.5, "US", new DateTimeOffset(2026, 1, 16, 18, 0, 0, TimeSpan.Zero), null).Value,
                Is.EqualTo(10.5), "the learned base replaces the segment's");
        });
    }

    [Test]
    public void Learning_NeedsTwoHundredOutcomes_BlendsHalfway_AndStaysWithinTwentyFivePercent()
    {
        var o = new ThresholdOptions();
        var few = Enumerable.Range(0, 199).Select(i => (double)i).ToList();
        // 200 scores 0.05, 0.10, ..., 10.0: 5 % (10 scores) are >= 9.55, so the quantile is 9.55.
        var scores = Enumerable.Range(1, 200).Select(i => i * 0.05).ToList();
        var low = Enumerable.Repeat(1.0, 300).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(AdaptiveThreshold.Learn(few, 8, o), Is.EqualTo(((double?)null, (double?)null)));
            var (quantile, value) = AdaptiveThreshold.Learn(scores, 8, o);
            Assert.That(quantile, Is.EqualTo(9.55).Within(1e-9));
            Assert.That(value, Is.EqualTo(8.775).Within(1e-9), "8 + (9.55 - 8) / 2");
            Assert.That(AdaptiveThreshold.Learn(low, 8, o).Value, Is.EqualTo(6.0), "8 + (1 - 8) / 2 = 4.5, bounded to 8 x 0.75");
        });
    }

    private static Assessment Scored(string eventId, DateTimeOffset at, RiskLevel level, params (string Code, double Points)[] factors) => new()
    {
        EventId = eventId,
        UserId = "u",
        DeviceId = "d",
        ContentId = "c",
        EventType = EventType.Error,
        Region = "DE",
        EventTime = at,
        RiskScore = factors.Sum(f => f.Points),
        RiskLevel = level,
        Threshold = 8,
        Factors = factors.Select(f => new RiskFactor(f.Code, f.Points, "")).ToList(),
        Action = RiskAction.Review,
        ProcessedAt = at,
    };

    [Test]
    public void Alerts_HighOrAbove_DedupedPerTopFactorForTenMinutes()
    {
        var marks = new List<AlertMark>();
        var window = new AlertRules { DedupeWindow = TimeSpan.FromMinutes(10) };
        var medium = AlertPolicy.Decide(Scored("m", T0, RiskLevel.Medium, ("eu_no_consent", 5)), 1.0, marks, window);
        var first = AlertPolicy.Decide(Scored("a", T0, RiskLevel.High, ("auth_or_playback_error", 3), ("eu_no_consent", 5)), 1.0, marks, window);
        var repeat = AlertPolicy.Decide(Scored("b", T0.AddMinutes(9), RiskLevel.High, ("eu_no_consent", 5)), 1.0, marks, window);
        var otherFactor = AlertPolicy.Decide(Scored("c", T0.AddMinutes(9), RiskLevel.High, ("credential_stuffing", 6)), 1.0, marks, window);
        var afterWindow = AlertPolicy.Decide(Scored("d", T0.AddMinutes(10), RiskLevel.Critical, ("eu_no_consent", 5)), 1.0, marks, window);

        Assert.Multiple(() =>
        {
            Assert.That(medium.Raise, Is.False);
            Assert.That((first.Raise, first.Repeat, first.AlertId, first.TopFactor), Is.EqualTo((true, false, "alert-a", "eu_no_consent")));
            Assert.That((repeat.Repeat, repeat.AlertId, repeat.Count), Is.EqualTo((true, "alert-a", 2)));
            Assert.That((otherFactor.Repeat, otherFactor.AlertId), Is.EqualTo((false, "alert-c")));
            Assert.That((afterWindow.Repeat, afterWindow.AlertId, afterWindow.Severity), Is.EqualTo((false, "alert-d", RiskLevel.Critical)));
        });
    }

    [TestCase(1.5, RiskLevel.High, RiskLevel.Critical)]
    [TestCase(1.2, RiskLevel.High, RiskLevel.High)]
    [TestCase(1.5, RiskLevel.Critical, RiskLevel.Critical)]
    public void Severity_IsRaisedOneStepForSegmentsWithMultiplierOneAndAHalf(double multiplier, RiskLevel level, RiskLevel severity) =>
        Assert.That(AlertPolicy.Decide(Scored("x", T0, level, ("f", 9)), multiplier, [], new AlertRules()).Severity, Is.EqualTo(severity));
}
