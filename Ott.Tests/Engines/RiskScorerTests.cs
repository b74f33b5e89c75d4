using Ott.Grains.Interfaces;
using Ott.Grains.Scoring;
using Ott.Grains.Users;
using static Ott.Tests.Support.TestEvents;

namespace Ott.Tests.Engines;

public class RiskScorerTests
{
    private RollingWindow _window = null!;
    private UserRollingState _state = null!;
    private RiskScorer _scorer = null!;
    private const string User = "user_score";

    [SetUp]
    public void Fresh()
    {
        _window = new RollingWindow(new RollingWindowOptions());
        _state = new UserRollingState();
        _scorer = new RiskScorer(new ScoringOptions());
    }

    private ScoreResult Score(OttEvent e, double threshold = 8.0) => _scorer.Score(e, _window.Observe(_state, e), threshold);

    private static Dictionary<string, double> Points(ScoreResult result) => result.Factors.ToDictionary(f => f.Code, f => f.Points);

    [Test]
    public void EuErrorWithoutConsent_IsHighWithBothFactors()
    {
        var result = Score(Event(User, EventType.Error, region: "DE", hasConsent: false));

        Assert.Multiple(() =>
        {
            Assert.That(Points(result), Is.EqualTo(new Dictionary<string, double>
            {
                [FactorCodes.AuthOrPlaybackError] = 3.0,
                [FactorCodes.EuNoConsent] = 5.0,
            }));
            Assert.That(result.Score, Is.EqualTo(8.0));
            Assert.That(result.Level, Is.EqualTo(RiskLevel.High));
            Assert.That(result.Action, Is.EqualTo(RiskAction.Review));
        });
    }

    [TestCase(EventType.Error)]
    [TestCase(EventType.LoginFailed)]
    [TestCase(EventType.TokenRefreshFailed)]
    [TestCase(EventType.PaymentFailed)]
    public void ErrorLikeTypes_AddThreePoints(EventType type) =>
        Assert.That(Points(Score(Event(User, type)))[FactorCodes.AuthOrPlaybackError], Is.EqualTo(3.0));

    [TestCase("DE", true)]
    [TestCase("EU", true)]
    [TestCase("NO", true)]
    [TestCase("GB", false)]
    [TestCase("US-CA", false)]
    public void EuNoConsent_FiresForTheGdprAreaOnly(string region, bool fires) =>
        Assert.That(Points(Score(Event(User, region: region, hasConsent: false))).ContainsKey(FactorCodes.EuNoConsent), Is.EqualTo(fires));

    [Test]
    public void EuWithConsent_HasNoConsentFactor() =>
        Assert.That(Score(Event(User, region: "FR", hasConsent: true)).Factors, Is.Empty);

    [Test]
    public void MultiRegion_FiresAtThreeCountriesInTheHour()
    {
        Score(Event(User, at: T0, region: "US"));
        var two = Score(Event(User, at: T0 + TimeSpan.FromMinutes(1), region: "CA"));
        var three = Score(Event(User, at: T0 + TimeSpan.FromMinutes(2), region: "JP"));

        Assert.Multiple(() =>
        {
            Assert.That(Points(two).ContainsKey(FactorCodes.MultiRegionAccess), Is.False);
            Assert.That(Points(three)[FactorCodes.MultiRegionAccess], Is.EqualTo(2.0));
        });
    }

    [Test]
    public void HighFrequency_FiresOnTheEleventhEventInTheHour()
    {
        ScoreResult? tenth = null;
        for (var i = 0; i < 10; i++)
        {
            tenth = Score(Event(User, at: T0 + TimeSpan.FromMinutes(i)));
        }

        var eleventh = Score(Event(User, at: T0 + TimeSpan.FromMinutes(10)));
        Assert.Multiple(() =>
        {
            Assert.That(Points(tenth!).ContainsKey(FactorCodes.HighFrequencyActivity), Is.False);
            Assert.That(Points(eleventh)[FactorCodes.HighFrequencyActivity], Is.EqualTo(1.0));
        });
    }

    [Test]
    public void HighFrequency_PerTypeOverride_CountsThatTypeOnly()
    {
        _scorer = new RiskScorer(new ScoringOptions { HighFrequencyMaxPerType = new() { ["seek"] = 12 } });
        for (var i = 0; i < 12; i++)
        {
            Score(Event(User, EventType.Seek, at: T0 + TimeSpan.FromSeconds(i)));
        }

        var twelfthPlusPlay = Score(Event(User, EventType.Play, at: T0 + TimeSpan.FromSeconds(20)));
        var thirteenthSeek = Score(Event(User, EventType.Seek, at: T0 + TimeSpan.FromSeconds(21)));

        Assert.Multiple(() =>
        {
            Assert.That(Points(twelfthPlusPlay)[FactorCodes.HighFrequencyActivity], Is.EqualTo(1.0), "play uses the default: 13 events > 10");
            Assert.That(Points(thirteenthSeek)[FactorCodes.HighFrequencyActivity], Is.EqualTo(1.0), "13 seeks > 12");
        });

        Fresh();
        _scorer = new RiskScorer(new ScoringOptions { HighFrequencyMaxPerType = new() { ["seek"] = 12 } });
        ScoreResult? last = null;
        for (var i = 0; i < 12; i++)
        {
            last = Score(Event(User, EventType.Seek, at: T0 + TimeSpan.FromSeconds(i)));
        }

        Assert.That(Points(last!).ContainsKey(FactorCodes.HighFrequencyActivity), Is.False, "12 seeks are within the seek limit");
    }

    [Test]
    public void CredentialStuffing_FiresAtFiveFailures()
    {
        ScoreResult? result = null;
        for (var i = 0; i < 5; i++)
        {
            result = Score(Event(User, EventType.LoginFailed, at: T0 + TimeSpan.FromMinutes(i)));
            Assert.That(Points(result).ContainsKey(FactorCodes.CredentialStuffing), Is.EqualTo(i == 4), $"failure {i + 1}");
        }

        var login = Score(Event(User, EventType.Login, at: T0 + TimeSpan.FromMinutes(6)));
        Assert.That(Points(login)[FactorCodes.CredentialStuffing], Is.EqualTo(3.0), "a login right after stuffing still carries the factor");
    }

    [Test]
    public void CredentialStuffing_FiresAtThreeIpsBeforeFiveFailures()
    {
        Score(Event(User, EventType.LoginFailed, at: T0, ip: "10.0.0.1"));
        var two = Score(Event(User, EventType.LoginFailed, at: T0 + TimeSpan.FromMinutes(1), ip: "10.0.0.2"));
        var three = Score(Event(User, EventType.TokenRefreshFailed, at: T0 + TimeSpan.FromMinutes(2), ip: "10.0.0.3"));

        Assert.Multiple(() =>
        {
            Assert.That(Points(two).ContainsKey(FactorCodes.CredentialStuffing), Is.False);
            Assert.That(Points(three)[FactorCodes.CredentialStuffing], Is.EqualTo(3.0));
        });
    }

    [Test]
    public void BulkDataAccess_FirstLargeExportWithoutHistory_Fires()
    {
        var small = Score(Event(User, EventType.Export, at: T0, records: 999));
        Assert.That(Points(small).ContainsKey(FactorCodes.BulkDataAccess), Is.False, "999 records < 1,000 floor");

        Fresh();
        var large = Score(Event(User, EventType.Export, at: T0, records: 1_000));
        Assert.That(Points(large)[FactorCodes.BulkDataAccess], Is.EqualTo(2.0));
    }

    [Test]
    public void BulkDataAccess_ComparesTheHourWithTheUsersNorm()
    {
        // Norm: 2 earlier exports of 150 records = 150 per access; 10x = 1,500 records in the hour.
        Score(Event(User, EventType.Export, at: T0, records: 150));
        Score(Event(User, EventType.Export, at: T0 + TimeSpan.FromHours(2), records: 150));

        var below = Score(Event(User, EventType.Download, at: T0 + TimeSpan.FromHours(5), records: 1_499));
        Assert.That(Points(below).ContainsKey(FactorCodes.BulkDataAccess), Is.False, "1,499 < 10 x 150");

        var above = Score(Event(User, EventType.Download, at: T0 + TimeSpan.FromHours(8), records: 1_600));
        Assert.That(Points(above).ContainsKey(FactorCodes.BulkDataAccess), Is.False, "norm is now (150+150+1,499)/3 = 599.67; 1,600 < 5,996.7");

        // The hour now holds 1,600 + 7,000 = 8,600 records; norm (150+150+1,499+1,600)/4 = 849.75; limit 8,497.5.
        var burst = Score(Event(User, EventType.BulkDownload, at: T0 + TimeSpan.FromHours(8) + TimeSpan.FromMinutes(1), records: 7_000));
        Assert.That(Points(burst)[FactorCodes.BulkDataAccess], Is.EqualTo(2.0));
    }

    [Test]
    public void BulkDataAccess_TooManyAccessEventsInTheHour_Fires()
    {
        ScoreResult? result = null;
        for (var i = 0; i < 21; i++)
        {
            result = Score(Event(User, EventType.Access, at: T0 + TimeSpan.FromMinutes(i)));
            if (i < 20)
            {
                Assert.That(Points(result).ContainsKey(FactorCodes.BulkDataAccess), Is.False, $"access {i + 1}");
            }
        }

        Assert.That(Points(result!)[FactorCodes.BulkDataAccess], Is.EqualTo(2.0), "21 > 20 access events");
    }

    [TestCase(SubscriptionPlan.Basic, 1.0)]
    [TestCase(SubscriptionPlan.Trial, 1.0)]
    [TestCase(SubscriptionPlan.Premium, -1.0)]
    [TestCase(SubscriptionPlan.Vip, -1.0)]
    public void Plan_AddsItsPoints(SubscriptionPlan plan, double points) =>
        Assert.That(Points(Score(Event(User, EventType.Error, plan: plan)))[FactorCodes.Plan], Is.EqualTo(points));

    [Test]
    public void Plan_StandardOrMissing_AddsNothing()
    {
        Assert.That(Score(Event(User, plan: SubscriptionPlan.Standard)).Factors, Is.Empty);
        Assert.That(Score(Event(User, at: T0 + TimeSpan.FromSeconds(1))).Factors, Is.Empty, "a missing plan is unknown, not basic");
    }

    [Test]
    public void Score_IsFlooredAtZero()
    {
        var result = Score(Event(User, plan: SubscriptionPlan.Vip));
        Assert.Multiple(() =>
        {
            Assert.That(result.Score, Is.EqualTo(0.0));
            Assert.That(Points(result)[FactorCodes.Plan], Is.EqualTo(-1.0), "the factor is still listed");
        });
    }

    [TestCase(4.99, RiskLevel.Low)]
    [TestCase(5.0, RiskLevel.Medium)]
    [TestCase(7.99, RiskLevel.Medium)]
    [TestCase(8.0, RiskLevel.High)]
    [TestCase(10.99, RiskLevel.High)]
    [TestCase(11.0, RiskLevel.Critical)]
    public void Levels_FollowTheThresholdBands(double score, RiskLevel level) =>
        Assert.That(RiskScorer.Classify(score, 8.0, 3.0), Is.EqualTo(level));

    [TestCase(RiskLevel.Critical, RiskAction.Block)]
    [TestCase(RiskLevel.High, RiskAction.Review)]
    [TestCase(RiskLevel.Medium, RiskAction.Allow)]
    [TestCase(RiskLevel.Low, RiskAction.Allow)]
    public void Action_FollowsTheLevel(RiskLevel level, RiskAction action) =>
        Assert.That(RiskScorer.ActionFor(level), Is.EqualTo(action));

    [Test]
    public void Threshold_IsTheOneGiven()
    {
        var result = Score(Event(User, EventType.Error, region: "DE", hasConsent: false), threshold: 5.0);
        Assert.Multiple(() =>
        {
            Assert.That(result.Threshold, Is.EqualTo(5.0));
            Assert.That(result.Level, Is.EqualTo(RiskLevel.Critical), "8 >= 5 + 3");
            Assert.That(result.Action, Is.EqualTo(RiskAction.Block));
        });
    }

    [TestCase("GB", true, true)]
    [TestCase("GB", false, false)]
    [TestCase("DE", false, true)]
    [TestCase("DE", true, false)]
    [TestCase("NO", true, false)]
    [TestCase("NO", false, false)]
    public void RegionClaimMismatch_IsANoteWithoutPoints(string region, bool isEu, bool noted)
    {
        var result = Score(Event(User, region: region, isEu: isEu));
        Assert.Multiple(() =>
        {
            Assert.That(result.Notes.Any(n => n.Code == NoteCodes.RegionClaimMismatch), Is.EqualTo(noted));
            Assert.That(result.Score, Is.EqualTo(0.0));
        });
    }
}
