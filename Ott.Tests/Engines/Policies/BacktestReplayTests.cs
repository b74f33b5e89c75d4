using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Ott.Grains.Compliance;
using Ott.Grains.Detection;
using Ott.Grains.Geo;
using Ott.Grains.Interfaces;
using Ott.Grains.Logs;
using Ott.Grains.Network;
using Ott.Grains.Policies;
using Ott.Grains.Segments;
using Ott.Grains.Users;
using Ott.Tests.Support;
using static Ott.Tests.Support.TestEvents;

namespace Ott.Tests.Engines.Policies;

/// <summary>The backtest's arithmetic on a small history with exact counts (docs/policies.md, "Backtest").</summary>
public class BacktestReplayTests
{
    private static readonly DateTimeOffset Noon = new(2026, 3, 10, 11, 0, 0, TimeSpan.Zero);

    /// <summary>The stricter example, and alerts from medium up: every consent-less export is blocked and alerted.</summary>
    private static Policy Candidate()
    {
        var document = PolicyValidator.Read(PolicyDecisionTests.StricterFromMedium,
            JsonNode.Parse(PolicyJson.Write(TestPolicies.DefaultDocument())), TestPolicies.Pack, out var errors);
        Assert.That(errors, Is.Empty);
        return TestPolicies.Compile(document!, version: 2);
    }

    private static UserPipeline Pipeline()
    {
        var compliance = new ComplianceOptions();
        return new UserPipeline(
            new ComplianceStage(new ComplianceEngine(TestPolicies.Pack, compliance), compliance),
            new FrozenThresholdInputs(new Dictionary<string, double?>(), new Dictionary<string, double?>()),
            new ModelCache(null!, Options.Create(new DetectionOptions()), NullLogger<ModelCache>.Instance),
            new GeoStage(Options.Create(new GeoIpOptions()), NullLogger<GeoStage>.Instance),
            new NetworkCache(null!, Options.Create(new RingGraphOptions()), NullLogger<NetworkCache>.Instance));
    }

    private static RecordedOutcome Outcome(OttEvent e, bool confirmed, string source) =>
        new(e.EventId, e.UserId, e.Timestamp, confirmed, source, "tester", null, Noon);

    /// <summary>
    /// Two users, ordered as the history yields them: "bt-a" plays and exports without consent in Germany (an analyst
    /// confirmed the export), "bt-b" exports without consent in France twice (a simulation says the first was fine).
    /// </summary>
    private static List<HistoricalEvent> History()
    {
        var created = Noon.AddDays(-400);
        var aPlay = Event("bt-a", EventType.Play, Noon, region: "DE", eventId: "bt-a-1", accountCreatedAt: created);
        var aExport = Event("bt-a", EventType.Export, Noon.AddMinutes(1), region: "DE", hasConsent: false, eventId: "bt-a-2",
            accountCreatedAt: created, purpose: ProcessingPurpose.Advertising);
        var bExport1 = Event("bt-b", EventType.Export, Noon.AddMinutes(2), region: "FR", hasConsent: false, eventId: "bt-b-1",
            accountCreatedAt: created, purpose: ProcessingPurpose.Advertising);
        var bExport2 = Event("bt-b", EventType.Export, Noon.AddMinutes(3), region: "FR", hasConsent: false, eventId: "bt-b-2",
            accountCreatedAt: created, purpose: ProcessingPurpose.Advertising);
        return
        [
            new(aPlay, null),
            new(aExport, Outcome(aExport, confirmed: true, OutcomeSources.Analyst)),
            new(bExport1, Outcome(bExport1, confirmed: false, OutcomeSources.Simulation)),
            new(bExport2, null),
        ];
    }

    private static BacktestReport Run(IEnumerable<string> sources)
    {
        var replay = new BacktestReplay(Pipeline(), new RollingWindowOptions(), TestPolicies.Default, Candidate(), sources);
        foreach (var h in History())
        {
            replay.Add(in h);
        }

        return replay.Finish(2.0, new Dictionary<string, string> { ["note"] = "test" });
    }

    [Test]
    public void TheReport_CountsEveryDifference_Exactly()
    {
        var r = Run(OutcomeSources.All);

        Assert.Multiple(() =>
        {
            Assert.That((r.Events, r.Users, r.EventsPerSecond), Is.EqualTo((4L, 2L, 2.0)));
            // The play is low under both; the three exports are medium under both (5 and 7 against T 8).
            Assert.That(r.Levels["low"]["low"], Is.EqualTo(1));
            Assert.That(r.Levels["medium"]["medium"], Is.EqualTo(3));
            Assert.That(r.Levels.Sum(row => row.Value.Values.Sum()), Is.EqualTo(4));
            // The stricter rule blocks the three exports.
            Assert.That((r.Actions["allow"]["allow"], r.Actions["allow"]["block"], r.Actions["allow"]["review"]), Is.EqualTo((1L, 3L, 0L)));
            // Alerts from medium up: one new alert per user (bt-b's second export repeats the first within the dedupe window).
            Assert.That((r.Alerts.Live, r.Alerts.Candidate, r.Alerts.Added.Total, r.Alerts.Removed.Total), Is.EqualTo((0L, 2L, 2L, 0L)));
            Assert.That(r.Alerts.Added.BySeverity, Is.EqualTo(new Dictionary<string, long> { ["medium"] = 2 }));
            Assert.That(r.Alerts.Added.BySegment, Is.EqualTo(new Dictionary<string, long> { ["normal_user"] = 2 }));
            Assert.That(r.Alerts.Added.ByRegion, Is.EqualTo(new Dictionary<string, long> { ["DE"] = 1, ["FR"] = 1 }));
            Assert.That(r.Factors.Select(f => (f.Code, f.Live, f.Candidate, f.Delta, f.LiveEvents, f.CandidateEvents)), Is.EqualTo(new[]
            {
                ("eu_no_consent", 15.0, 21.0, 6.0, 3L, 3L),
            }));
            // bt-b changed on two events, bt-a on one: bt-b first.
            Assert.That(r.ChangedUsers.Select(u => (u.UserId, u.Events, u.ActionChanges, u.LevelChanges, u.ScoreDelta)), Is.EqualTo(new[]
            {
                ("bt-b", 2L, 2L, 0L, 4.0),
                ("bt-a", 2L, 1L, 0L, 2.0),
            }));
            Assert.That((r.ChangedUsers[1].Live.Action, r.ChangedUsers[1].Candidate.Action, r.ChangedUsers[1].Candidate.DecisionRule),
                Is.EqualTo((RiskAction.Allow, RiskAction.Block, "block-consentless-export")));
            // Outcomes: bt-a-2 confirmed (analyst), bt-b-1 not a violation (simulation). Live alerted neither; the candidate both.
            Assert.That((r.Outcomes.Labelled, r.Outcomes.BySource["analyst"], r.Outcomes.BySource["simulation"]), Is.EqualTo((2L, 1L, 1L)));
            Assert.That(r.Outcomes.Live, Is.EqualTo(new AlertQuality(0, 0, 1, 1, null, 0.0, null)));
            Assert.That(r.Outcomes.Candidate, Is.EqualTo(new AlertQuality(1, 1, 0, 0, 0.5, 1.0, 0.6667)));
        });
    }

    [Test]
    public void LimitedToAnalystOutcomes_OnlyTheAnalystsVerdictCounts()
    {
        var r = Run([OutcomeSources.Analyst]);

        Assert.Multiple(() =>
        {
            Assert.That(r.Outcomes.Sources, Is.EqualTo(new[] { "analyst" }));
            Assert.That((r.Outcomes.Labelled, r.Outcomes.BySource.Count), Is.EqualTo((1L, 1)));
            Assert.That(r.Outcomes.Candidate, Is.EqualTo(new AlertQuality(1, 0, 0, 0, 1.0, 1.0, 1.0)));
        });
    }

    /// <summary>A backtest crosses grain calls and grain storage (separate API processes, SQL state): Orleans must carry it whole.</summary>
    [Test]
    public void TheReport_AndTheViewAroundIt_RoundTripThroughTheOrleansSerializer()
    {
        var serializer = new Microsoft.Extensions.DependencyInjection.ServiceCollection().AddSerializer()
            .BuildServiceProvider().GetRequiredService<Orleans.Serialization.Serializer>();
        var view = new BacktestView
        {
            Id = "bt-1",
            Request = new BacktestRequest(2, Noon, Noon.AddHours(1), new[] { "bt-a" }, OutcomeSources.All.ToArray(), "analyst"),
            Live = 1,
            Status = BacktestStatus.Completed,
            StartedAt = Noon,
            Report = Run(OutcomeSources.All),
        };

        var copy = serializer.Deserialize<BacktestView>(serializer.SerializeToArray(view));

        Assert.That(JsonSerializer.Serialize(copy), Is.EqualTo(JsonSerializer.Serialize(view)));
    }

    [Test]
    public void TheSamePeriodAndPolicies_GiveTheSameReport()
    {
        var first = JsonSerializer.Serialize(Run(OutcomeSources.All));
        var second = JsonSerializer.Serialize(Run(OutcomeSources.All));

        Assert.That(second, Is.EqualTo(first));
    }
}
