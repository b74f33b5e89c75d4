using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Ott.Grains.Compliance;
using Ott.Grains.Detection;
using Ott.Grains.Geo;
using Ott.Grains.Interfaces;
using Ott.Grains.Network;
using Ott.Grains.Policies;
using Ott.Grains.Scoring;
using Ott.Grains.Segments;
using Ott.Grains.Users;
using Ott.Tests.Support;
using static Ott.Tests.Support.TestEvents;

namespace Ott.Tests.Engines.Policies;

/// <summary>The same events under two policies: the documented scores, levels, actions, rule ids (docs/policies.md, "Example").</summary>
public class PolicyDecisionTests
{
    private static readonly DateTimeOffset Noon = new(2026, 3, 10, 11, 0, 0, TimeSpan.Zero);   // 12:00 in Berlin: no night adjustment

    /// <summary>The stricter example of docs/policies.md: consent costs 7, exports that break consent are blocked, ring members reviewed.</summary>
    public const string Stricter = """
        {"description":"stricter consent",
         "scoring":{"eu_no_consent_points":7},
         "rules":[
           {"id":"block-consentless-export","when":{"event_types":["export","bulk_download"],"compliance_rules":["consent"]},"action":"block"},
           {"id":"review-ring-members","when":{"in_fraud_ring":true},"action":"review"}]}
        """;

    private static UserPipeline Pipeline()
    {
        var compliance = new ComplianceOptions();
        return new UserPipeline(
            new ComplianceStage(new ComplianceEngine(TestPolicies.Pack, compliance), compliance),
            new ThresholdInputsCache(null!, Options.Create(new ThresholdOptions()), NullLogger<ThresholdInputsCache>.Instance),
            new ModelCache(null!, Options.Create(new DetectionOptions()), NullLogger<ModelCache>.Instance),
            new GeoStage(Options.Create(new GeoIpOptions()), NullLogger<GeoStage>.Instance),
            new NetworkCache(null!, Options.Create(new RingGraphOptions()), NullLogger<NetworkCache>.Instance));
    }

    /// <summary>The stricter example with alerts from medium up (the candidate of the backtest and shadow tests).</summary>
    public static readonly string StricterFromMedium =
        Stricter.Replace("\"scoring\":", "\"alerts\":{\"min_level\":\"medium\"},\"scoring\":", StringComparison.Ordinal);

    public static Policy StricterPolicy()
    {
        var basis = JsonNode.Parse(PolicyJson.Write(TestPolicies.DefaultDocument()));
        var document = PolicyValidator.Read(Stricter, basis, TestPolicies.Pack, out var errors);
        Assert.That(errors, Is.Empty);
        return TestPolicies.Compile(document!, version: 2);
    }

    /// <summary>A play and then a consent-less advertising export in Germany, for one user, under <paramref name="policy"/>.</summary>
    private static List<Assessment> Run(Policy policy)
    {
        var pipeline = Pipeline();
        var state = new UserRollingState();
        var window = new RollingWindow(new RollingWindowOptions());
        var events = new[]
        {
            Event("policy-user", EventType.Play, Noon, region: "DE", hasConsent: true, eventId: "p-1", accountCreatedAt: Noon.AddDays(-400)),
            Event("policy-user", EventType.Export, Noon.AddMinutes(1), region: "DE", hasConsent: false, eventId: "p-2",
                accountCreatedAt: Noon.AddDays(-400), purpose: ProcessingPurpose.Advertising),
        };
        return [.. events.Select(e => pipeline.Assess(state, e, window, Noon.AddMinutes(2), policy).Assessment)];
    }

    [Test]
    public void AShadowPolicy_IsRecordedBesideTheLiveDecision_AndChangesNothingElse()
    {
        var shadow = StricterPolicy();
        var pipeline = Pipeline();
        var (withShadow, without) = (new UserRollingState(), new UserRollingState());
        var (w1, w2) = (new RollingWindow(new RollingWindowOptions()), new RollingWindow(new RollingWindowOptions()));
        var e = Event("shadow-user", EventType.Export, Noon, region: "DE", hasConsent: false, eventId: "s-1",
            accountCreatedAt: Noon.AddDays(-400), purpose: ProcessingPurpose.Advertising);

        var shadowed = pipeline.Assess(withShadow, e, w1, Noon, TestPolicies.Default, shadow).Assessment;
        var plain = pipeline.Assess(without, e, w2, Noon, TestPolicies.Default).Assessment;

        Assert.Multiple(() =>
        {
            Assert.That(shadowed.Shadow, Is.EqualTo(new ShadowVerdict(2, 7.0, RiskLevel.Medium, 8.0, RiskAction.Block, "block-consentless-export",
                SegmentNames.Normal, null)), "medium does not alert under the stricter policy's alert level (high)");
            Assert.That(System.Text.Json.JsonSerializer.Serialize(shadowed with { Shadow = null }), Is.EqualTo(System.Text.Json.JsonSerializer.Serialize(plain)),
                "the live assessment is the same with or without a shadow");
            Assert.That(System.Text.Json.JsonSerializer.Serialize(withShadow), Is.EqualTo(System.Text.Json.JsonSerializer.Serialize(without)),
                "the user's state is the same with or without a shadow");
        });
    }

    private static Dictionary<string, double> Points(Assessment a) => a.Factors.ToDictionary(f => f.Code, f => f.Points);

    [Test]
    public void TheSameEvents_UnderTwoPolicies_GiveTheDocumentedAssessments()
    {
        var live = Run(TestPolicies.Default);
        var strict = Run(StricterPolicy());

        Assert.Multiple(() =>
        {
            // The play: nothing to score under either.
            Assert.That((live[0].RiskScore, live[0].Action, live[0].PolicyVersion, live[0].DecisionRule), Is.EqualTo((0.0, RiskAction.Allow, 1, (string?)null)));
            Assert.That((strict[0].RiskScore, strict[0].Action, strict[0].PolicyVersion, strict[0].DecisionRule), Is.EqualTo((0.0, RiskAction.Allow, 2, (string?)null)));

            // The export: eu_no_consent 5 under the live policy (the GDPR consent violation is scored by it), a
            // medium score against the normal segment's 8: allowed.
            Assert.That(Points(live[1]), Is.EqualTo(new Dictionary<string, double> { [FactorCodes.EuNoConsent] = 5.0 }));
            Assert.That((live[1].RiskScore, live[1].RiskLevel, live[1].Threshold, live[1].Action, live[1].DecisionRule),
                Is.EqualTo((5.0, RiskLevel.Medium, 8.0, RiskAction.Allow, (string?)null)));

            // Under the stricter one: 7 points, still medium, but the rule blocks it and says so.
            Assert.That(Points(strict[1]), Is.EqualTo(new Dictionary<string, double> { [FactorCodes.EuNoConsent] = 7.0 }));
            Assert.That((strict[1].RiskScore, strict[1].RiskLevel, strict[1].Threshold, strict[1].Action, strict[1].DecisionRule),
                Is.EqualTo((7.0, RiskLevel.Medium, 8.0, RiskAction.Block, "block-consentless-export")));
            Assert.That(strict[1].Compliance!.Violations.Select(v => (v.Regulation, v.Rule)), Does.Contain(("GDPR", ComplianceRules.Consent)));
        });
    }

    private static Assessment Assessed(Action<AssessmentBuilder> change)
    {
        var b = new AssessmentBuilder();
        change(b);
        return new Assessment
        {
            EventId = "e", UserId = "u", DeviceId = "d", ContentId = "c", EventType = b.Type, Region = b.Region, EventTime = Noon,
            RiskScore = b.Score, RiskLevel = b.Level, Threshold = 8, Segment = b.Segment, Factors = [.. b.Factors.Select(f => new RiskFactor(f, 1, ""))],
            Action = RiskScorer.ActionFor(b.Level), ProcessedAt = Noon,
            Compliance = new ComplianceVerdict
            {
                IsCompliant = b.Violations.Count == 0, ApplicableRegulations = [], PackVersion = "t",
                Violations = [.. b.Violations.Select(v => new Violation(v.Regulation, "art", v.Rule, "why"))],
            },
            Network = new NetworkVerdict(b.Ring, b.Ring is null ? null : 0.8, 1),
            Anomaly = new AnomalyVerdict { Model = "m", IsAnomaly = b.Anomaly },
        };
    }

    private sealed class AssessmentBuilder
    {
        public EventType Type { get; set; } = EventType.Play;
        public string Region { get; set; } = "DE";
        public double Score { get; set; } = 1;
        public RiskLevel Level { get; set; } = RiskLevel.Low;
        public string Segment { get; set; } = SegmentNames.Normal;
        public List<string> Factors { get; } = [];
        public List<(string Regulation, string Rule)> Violations { get; } = [];
        public string? Ring { get; set; }
        public bool Anomaly { get; set; }
    }

    private static (RiskAction, string?) Decide(string when, Action<AssessmentBuilder> change)
    {
        var document = PolicyValidator.Read($$"""{"rules":[{"id":"only","when":{{when}},"action":"block"}]}""",
            JsonNode.Parse(PolicyJson.Write(TestPolicies.DefaultDocument())), TestPolicies.Pack, out var errors);
        Assert.That(errors, Is.Empty);
        return TestPolicies.Compile(document!).Decide(Assessed(change));
    }

    private static readonly (RiskAction, string?) Blocked = (RiskAction.Block, "only");
    private static readonly (RiskAction, string?) ByLevel = (RiskAction.Allow, null);

    [Test]
    public void EachConditionKind_MatchesWhatItNames_AndNothingElse()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Decide("""{"event_types":["export"]}""", b => b.Type = EventType.Export), Is.EqualTo(Blocked));
            Assert.That(Decide("""{"event_types":["export"]}""", b => b.Type = EventType.Play), Is.EqualTo(ByLevel));
            Assert.That(Decide("""{"factors":["impossible_travel","anonymiser"]}""", b => b.Factors.Add("anonymiser")), Is.EqualTo(Blocked));
            Assert.That(Decide("""{"factors":["anonymiser"]}""", b => b.Factors.Add("plan")), Is.EqualTo(ByLevel));
            Assert.That(Decide("""{"compliance_rules":["cross_border"]}""", b => b.Violations.Add(("PIPL", "cross_border"))), Is.EqualTo(Blocked));
            Assert.That(Decide("""{"compliance_rules":["cross_border"]}""", b => b.Violations.Add(("PIPL", "consent"))), Is.EqualTo(ByLevel));
            Assert.That(Decide("""{"regulations":["PIPL"]}""", b => b.Violations.Add(("PIPL", "consent"))), Is.EqualTo(Blocked));
            Assert.That(Decide("""{"regulations":["PIPL"]}""", b => b.Violations.Add(("GDPR", "consent"))), Is.EqualTo(ByLevel));
            Assert.That(Decide("""{"levels":["low"]}""", b => b.Level = RiskLevel.Low), Is.EqualTo(Blocked));
            Assert.That(Decide("""{"levels":["medium"]}""", b => b.Level = RiskLevel.Low), Is.EqualTo(ByLevel));
            Assert.That(Decide("""{"min_level":"medium"}""", b => { b.Level = RiskLevel.High; }), Is.EqualTo(Blocked));
            Assert.That(Decide("""{"min_level":"medium"}""", b => b.Level = RiskLevel.Low), Is.EqualTo(ByLevel));
            Assert.That(Decide("""{"segments":["new_user"]}""", b => b.Segment = SegmentNames.New), Is.EqualTo(Blocked));
            Assert.That(Decide("""{"segments":["new_user"]}""", b => b.Segment = SegmentNames.Power), Is.EqualTo(ByLevel));
            Assert.That(Decide("""{"regions":["US-CA"]}""", b => b.Region = "US-CA"), Is.EqualTo(Blocked));
            Assert.That(Decide("""{"regions":["US-CA"]}""", b => b.Region = "US"), Is.EqualTo(ByLevel));
            Assert.That(Decide("""{"in_fraud_ring":true}""", b => b.Ring = "ring-1"), Is.EqualTo(Blocked));
            Assert.That(Decide("""{"in_fraud_ring":true}""", b => b.Ring = null), Is.EqualTo(ByLevel));
            Assert.That(Decide("""{"in_fraud_ring":false}""", b => b.Ring = null), Is.EqualTo(Blocked));
            Assert.That(Decide("""{"anomaly":true}""", b => b.Anomaly = true), Is.EqualTo(Blocked));
            Assert.That(Decide("""{"anomaly":true}""", b => b.Anomaly = false), Is.EqualTo(ByLevel));
            Assert.That(Decide("""{"min_score":4,"max_score":6}""", b => b.Score = 4), Is.EqualTo(Blocked));
            Assert.That(Decide("""{"min_score":4,"max_score":6}""", b => b.Score = 6.01), Is.EqualTo(ByLevel));
            // All conditions must hold.
            Assert.That(Decide("""{"event_types":["export"],"regions":["DE"]}""", b => { b.Type = EventType.Export; b.Region = "FR"; }), Is.EqualTo(ByLevel));
        });
    }

    [Test]
    public void TheFirstMatchingRuleWins_AndARuleMayAlsoAllow()
    {
        var document = PolicyValidator.Read("""
            {"rules":[{"id":"trusted-region","when":{"regions":["IS"]},"action":"allow"},
                      {"id":"critical-export","when":{"event_types":["export"],"min_level":"critical"},"action":"block"},
                      {"id":"any-export","when":{"event_types":["export"]},"action":"review"}]}
            """, JsonNode.Parse(PolicyJson.Write(TestPolicies.DefaultDocument())), TestPolicies.Pack, out _)!;
        var policy = TestPolicies.Compile(document);

        Assert.Multiple(() =>
        {
            Assert.That(policy.Decide(Assessed(b => { b.Type = EventType.Export; b.Level = RiskLevel.Critical; b.Region = "IS"; })),
                Is.EqualTo((RiskAction.Allow, "trusted-region")));
            Assert.That(policy.Decide(Assessed(b => { b.Type = EventType.Export; b.Level = RiskLevel.Critical; })),
                Is.EqualTo((RiskAction.Block, "critical-export")));
            Assert.That(policy.Decide(Assessed(b => { b.Type = EventType.Export; b.Level = RiskLevel.Low; })),
                Is.EqualTo((RiskAction.Review, "any-export")));
            Assert.That(policy.Decide(Assessed(b => { b.Type = EventType.Play; b.Level = RiskLevel.Critical; })),
                Is.EqualTo((RiskAction.Block, (string?)null)));
        });
    }

    [Test]
    public void TheAlertRule_ComesFromThePolicy()
    {
        var marks = new List<Ott.Grains.Alerts.AlertMark>();
        var medium = Assessed(b => { b.Level = RiskLevel.Medium; b.Factors.Add("plan"); });

        Assert.Multiple(() =>
        {
            Assert.That(Ott.Grains.Alerts.AlertPolicy.Decide(medium, 1.0, marks, new AlertRules()).Raise, Is.False);
            var raised = Ott.Grains.Alerts.AlertPolicy.Decide(medium, 1.2, marks, new AlertRules { MinLevel = RiskLevel.Medium, SeverityStepMultiplier = 1.2 });
            Assert.That((raised.Raise, raised.Severity), Is.EqualTo((true, RiskLevel.High)));
        });
    }
}
