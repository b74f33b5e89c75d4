using Ott.Grains.Compliance;
using Ott.Grains.Interfaces;
using Ott.Grains.Scoring;
using Ott.Grains.Users;
using static Ott.Tests.Support.TestEvents;

namespace Ott.Tests.Engines;

public class ComplianceStageTests
{
    private static readonly RegulationPack Pack = RegulationPackLoader.Load(null);
    private ComplianceStage _stage = null!;
    private RollingWindow _window = null!;
    private UserRollingState _state = null!;

    [SetUp]
    public void Fresh()
    {
        var options = new ComplianceOptions { BreachRecordsPerHour = 10_000, BreachAccessEventsPerHour = 50 };
        _stage = new ComplianceStage(new ComplianceEngine(Pack, options), options);
        _window = new RollingWindow(new RollingWindowOptions());
        _state = new UserRollingState();
    }

    private ComplianceOutcome Run(OttEvent e) => _stage.Run(_state, e, _window.Observe(_state, e).Features);

    [Test]
    public void DeletionRequest_OpensARequestWithEachLawsDeadline()
    {
        var outcome = Run(Event("u", EventType.DataDeletionRequest, T0, region: "DE", eventId: "dsr-de"));

        Assert.Multiple(() =>
        {
            Assert.That(outcome.OpenedRequest!.RequestId, Is.EqualTo("dsr-de"));
            Assert.That(outcome.OpenedRequest.Deadlines.Select(d => (d.Regulation, d.Due)), Is.EqualTo(new (string, DateTimeOffset?)[] { ("GDPR", T0.AddDays(30)) }));
            Assert.That(_state.OpenRequests, Has.Count.EqualTo(1));
        });
    }

    [Test]
    public void EventAfterTheDeadline_IsAViolationUntilTheRequestCompletes()
    {
        Run(Event("u", EventType.DataDeletionRequest, T0, region: "US-CA", eventId: "dsr-ca"));

        var before = Run(Event("u", at: T0.AddDays(45), region: "US-CA"));
        var after = Run(Event("u", at: T0.AddDays(45).AddMinutes(1), region: "US-CA"));
        ComplianceStage.Complete(_state, "dsr-ca");
        var completed = Run(Event("u", at: T0.AddDays(46), region: "US-CA"));

        Assert.Multiple(() =>
        {
            Assert.That(before.Verdict.IsCompliant, Is.True, "due exactly now is not yet overdue");
            Assert.That(after.Verdict.Violations.Select(v => (v.Regulation, v.Rule)), Is.EqualTo(new[] { ("CCPA", ComplianceRules.RequestOverdue) }));
            Assert.That(completed.Verdict.IsCompliant, Is.True);
            Assert.That(_state.Violations, Has.Count.EqualTo(1));
        });
    }

    [Test]
    public void DataAccessVolume_OpensOneIncidentPerCooldown()
    {
        var first = Run(Event("u", EventType.BulkDownload, T0, region: "DE", records: 9_999));
        var crossing = Run(Event("u", EventType.Export, T0.AddMinutes(5), region: "DE", records: 1));
        var again = Run(Event("u", EventType.Export, T0.AddMinutes(10), region: "DE", records: 50_000));
        var nextDay = Run(Event("u", EventType.Export, T0.AddHours(25), region: "DE", records: 20_000));

        Assert.Multiple(() =>
        {
            Assert.That(first.Incident, Is.Null, "9,999 < 10,000");
            Assert.That(crossing.Incident!.Reason, Does.Contain("10000 records"));
            Assert.That(crossing.Incident.Regions, Is.EqualTo(new[] { "DE" }));
            Assert.That(again.Incident, Is.Null, "cooldown of 24 h");
            Assert.That(nextDay.Incident, Is.Not.Null);
        });
    }

    [Test]
    public void ChinaTransfers_AreReportedOncePerYearAndRoute_SensitiveOnceMore()
    {
        var first = Run(Event("cn_user", at: T0, region: "CN") with { ProcessingRegion = "US" });
        var again = Run(Event("cn_user", at: T0.AddDays(1), region: "CN") with { ProcessingRegion = "US" });
        var sensitive = Run(Event("cn_user", at: T0.AddDays(2), region: "CN") with { ProcessingRegion = "US", UserAge = 12 });
        var otherRoute = Run(Event("cn_user", at: T0.AddDays(3), region: "CN") with { ProcessingRegion = "SG" });
        var nextYear = Run(Event("cn_user", at: T0.AddYears(1), region: "CN") with { ProcessingRegion = "US" });
        var domestic = Run(Event("cn_user", at: T0.AddYears(1), region: "CN") with { ProcessingRegion = "CN" });

        Assert.Multiple(() =>
        {
            Assert.That(first.PiplTransfers.Select(t => (t.Year, t.Route, t.Person.Sensitive)), Is.EqualTo(new[] { (2026, "CN-US", false) }));
            Assert.That(again.PiplTransfers, Is.Empty);
            Assert.That(sensitive.PiplTransfers.Select(t => t.Person.Sensitive), Is.EqualTo(new[] { true }));
            Assert.That(otherRoute.PiplTransfers.Select(t => t.Route), Is.EqualTo(new[] { "CN-SG" }));
            Assert.That(nextYear.PiplTransfers.Select(t => t.Year), Is.EqualTo(new[] { 2027 }));
            Assert.That(domestic.PiplTransfers, Is.Empty);
        });
    }

    [Test]
    public void Violations_FeedTheirFactors()
    {
        var scorer = new RiskScorer(new ScoringOptions());
        OttEvent child = Event("kid", at: T0, region: "US-TX", hasConsent: false) with { UserAge = 10 };
        var childScore = scorer.Score(child, _window.Observe(_state, child), 8, _stage.Engine.Judge(child));

        var transfer = Event("t", at: T0, region: "CN") with { ProcessingRegion = "US" };
        var transferScore = scorer.Score(transfer, _window.Observe(new UserRollingState(), transfer), 8, _stage.Engine.Judge(transfer));

        // A German purchase without consent: the GDPR consent violation is already scored by eu_no_consent.
        var purchase = Event("p", EventType.Purchase, T0, region: "DE", hasConsent: false);
        var purchaseScore = scorer.Score(purchase, _window.Observe(new UserRollingState(), purchase), 8, _stage.Engine.Judge(purchase));

        // A Chinese export without consent, processed abroad: PIPL consent (+2) and cross-border (+3).
        var export = Event("x", EventType.Export, T0, region: "CN", hasConsent: false) with { ProcessingRegion = "US" };
        var exportScore = scorer.Score(export, _window.Observe(new UserRollingState(), export), 8, _stage.Engine.Judge(export));

        // Four violations without a factor of their own are capped at +6.
        var many = Event("m", EventType.Share, T0, region: "US-CA", hasConsent: false) with { Purpose = ProcessingPurpose.Sale, UserAge = 12 };
        var manyVerdict = _stage.Engine.Judge(many,
            [new OverdueRequest("r1", "CCPA", "1798.130", T0.AddDays(-2)), new OverdueRequest("r2", "CCPA", "1798.130", T0.AddDays(-1))]);
        var manyScore = scorer.Score(many, _window.Observe(new UserRollingState(), many), 8, manyVerdict);

        Dictionary<string, double> Points(ScoreResult r) => r.Factors.ToDictionary(f => f.Code, f => f.Points);
        Assert.Multiple(() =>
        {
            Assert.That(Points(childScore), Is.EqualTo(new Dictionary<string, double> { [FactorCodes.ChildDataWithoutParentalConsent] = 6 }));
            Assert.That(Points(transferScore), Is.EqualTo(new Dictionary<string, double> { [FactorCodes.CrossBorderWithoutBasis] = 3 }));
            Assert.That(Points(purchaseScore), Is.EqualTo(new Dictionary<string, double> { [FactorCodes.EuNoConsent] = 5 }));
            Assert.That(Points(exportScore), Is.EqualTo(new Dictionary<string, double>
            {
                [FactorCodes.CrossBorderWithoutBasis] = 3, [FactorCodes.RegulationViolation] = 2,
            }));
            Assert.That(manyVerdict.Violations.Select(v => $"{v.Regulation}:{v.Rule}"), Is.EquivalentTo(new[]
            {
                "CCPA:opt_out", "CCPA:child_consent", "COPPA:child_consent", "VPPA:viewing_history", "CCPA:dsr_overdue", "CCPA:dsr_overdue",
            }));
            Assert.That(Points(manyScore)[FactorCodes.RegulationViolation], Is.EqualTo(6), "opt_out, viewing_history and two overdue requests: 8, capped at 6");
            Assert.That(Points(manyScore)[FactorCodes.ChildDataWithoutParentalConsent], Is.EqualTo(6));
        });
    }
}
