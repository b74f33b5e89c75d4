using Ott.Grains.Geo;
using Ott.Grains.Interfaces;
using Ott.Grains.Simulation;

namespace Ott.Tests.Engines.Simulation;

public class ScenarioSignatureTests
{
    private const int EuWithoutConsent = 13;
    private const int LogSecondsSincePrevious = 11;

    private static readonly DateTimeOffset Start = new(2026, 3, 2, 0, 0, 0, TimeSpan.Zero);

    private static List<ReplayedEvent> Replay(string scenario, int users = 30, int seed = 17) =>
        SimulationReplay.Replay(ScenarioSimulator.Generate(new SimulationRequest(scenario, users, seed, Start))).ToList();

    private static List<IGrouping<string, ReplayedEvent>> AttackByUser(List<ReplayedEvent> replayed) =>
        replayed.Where(r => r.Simulated.Anomalous).GroupBy(r => r.Simulated.Event.UserId).ToList();

    private static IEnumerable<ReplayedEvent> Normal(List<ReplayedEvent> replayed) => replayed.Where(r => !r.Simulated.Anomalous);

    [Test]
    public void CredentialStuffing_EveryAttackerHitsItsBurstOfAuthFailuresFromManyIpsInAnHour()
    {
        var replayed = Replay(ScenarioSimulator.CredentialStuffing);
        var attackers = AttackByUser(replayed);

        Assert.Multiple(() =>
        {
            Assert.That(attackers, Has.Count.EqualTo(30));
            Assert.That(attackers.Select(u => u.Max(r => r.Observation.Features.AuthFailuresLastHour)), Has.All.InRange(8, 30));
            Assert.That(attackers.Select(u => u.Max(r => r.Observation.Features.AuthFailureIpsLastHour)), Has.All.GreaterThanOrEqualTo(8));
            Assert.That(attackers.Select(u => u.Max(r => r.Observation.Features.DistinctRegionsLastHour)), Has.All.GreaterThanOrEqualTo(3));
            Assert.That(attackers.Select(u => u.Last().Simulated.Event.Type), Has.All.EqualTo(EventType.Login));
            Assert.That(attackers.SelectMany(u => u).Select(r => r.Simulated.Event.Type),
                Has.All.AnyOf(EventType.LoginFailed, EventType.Login));
            Assert.That(Normal(replayed).Select(r => r.Observation.Features.AuthFailuresLastHour), Has.All.LessThanOrEqualTo(1));
        });
    }

    [Test]
    public void AccountSharing_EveryAccountIsUsedFromThreeOrFourCountriesAndDevicesWithinAnHour()
    {
        var replayed = Replay(ScenarioSimulator.AccountSharing);
        var sharers = AttackByUser(replayed);

        Assert.Multiple(() =>
        {
            Assert.That(sharers, Has.Count.EqualTo(30));
            Assert.That(sharers.Select(u => u.Max(r => r.Observation.Features.DistinctRegionsLastHour)), Has.All.InRange(3, 4));
            Assert.That(sharers.Select(u => u.Max(r => r.Observation.Features.DistinctDevicesLastHour)), Has.All.InRange(3, 4));
            Assert.That(sharers.Select(u => u.Select(r => r.Simulated.Event.Region).Distinct().Count()), Has.All.InRange(3, 4));
            Assert.That(Normal(replayed).Select(r => r.Observation.Features.DistinctRegionsLastHour), Has.All.EqualTo(1));
        });
    }

    [Test]
    public void BulkExfiltration_ThousandsOfRecordsLeaveInAnHourAtLocalNight()
    {
        var replayed = Replay(ScenarioSimulator.BulkExfiltration);
        var exfiltrators = AttackByUser(replayed);
        var attack = exfiltrators.SelectMany(u => u).Select(r => r.Simulated.Event).ToList();
        var localHours = attack.Select(e => e.Timestamp.ToOffset(ScenarioSimulator.UtcOffsetOf(e.Region)!.Value).Hour);

        Assert.Multiple(() =>
        {
            Assert.That(exfiltrators, Has.Count.EqualTo(30));
            Assert.That(attack.Select(e => e.Type), Has.All.AnyOf(EventType.Export, EventType.BulkDownload, EventType.Download));
            Assert.That(attack.Select(e => e.RecordsAccessed), Has.All.InRange(1_000L, 50_000L));
            Assert.That(localHours, Has.All.InRange(1, 3), "01:00-03:59 local");
            Assert.That(exfiltrators.Select(u => u.Max(r => r.Observation.Features.DataAccessLastHour)), Has.All.GreaterThanOrEqualTo(8));
            Assert.That(exfiltrators.Select(u => u.Max(r => r.Observation.Features.RecordsAccessedLastHour)), Has.All.GreaterThanOrEqualTo(8_000L));
            Assert.That(Normal(replayed).Select(r => r.Observation.Features.RecordsAccessedLastHour), Has.All.Zero);
        });
    }

    [Test]
    public void EuTracking_GdprAreaEventsWithoutConsentForAdsOrPersonalisation_AtHighFrequency()
    {
        var replayed = Replay(ScenarioSimulator.EuTrackingWithoutConsent);
        var tracked = AttackByUser(replayed);
        var attack = tracked.SelectMany(u => u).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(tracked, Has.Count.EqualTo(30));
            Assert.That(attack.Select(r => r.Simulated.Event.Region).Distinct(), Is.SubsetOf(new[] { "DE", "FR", "IT", "ES" }));
            Assert.That(attack.Select(r => RegionCodes.IsGdprArea(r.Simulated.Event.Region) && !r.Simulated.Event.HasConsent), Has.All.True);
            Assert.That(attack.Select(r => r.Simulated.Event.Purpose), Has.All.AnyOf(ProcessingPurpose.Advertising, ProcessingPurpose.Personalisation));
            Assert.That(attack.Select(r => r.Features[EuWithoutConsent]), Has.All.EqualTo(1.0));
            Assert.That(Normal(replayed).Select(r => r.Features[EuWithoutConsent]), Has.All.EqualTo(0.0));
            Assert.That(tracked.Select(u => u.Max(r => r.Observation.Features.EventsLastHour)), Has.All.GreaterThanOrEqualTo(20));
        });
    }

    [Test]
    public void Normal_ShowsNoAttackSignature()
    {
        var replayed = Replay(ScenarioSimulator.Normal, users: 100);
        var rolling = replayed.Select(r => r.Observation.Features).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(rolling.Select(f => f.AuthFailuresLastHour), Has.All.LessThanOrEqualTo(1));
            Assert.That(rolling.Select(f => f.DistinctRegionsLast24Hours), Has.All.EqualTo(1));
            Assert.That(rolling.Select(f => f.RecordsAccessedLastHour), Has.All.Zero);
            Assert.That(rolling.Select(f => f.EventsLastHour), Has.All.LessThan(20));
            Assert.That(replayed.Select(r => r.Features[EuWithoutConsent]), Has.All.Zero);
        });
    }

    [Test]
    public void Replay_SecondsSincePrevious_IsTheGapToTheUsersPreviousEvent()
    {
        var replayed = Replay(ScenarioSimulator.Mixed, users: 50);
        var expected = replayed.GroupBy(r => r.Simulated.Event.UserId).SelectMany(user =>
        {
            var times = user.Select(r => r.Simulated.Event.Timestamp).ToList();
            return times.Select((t, i) => i == 0 || t == times[i - 1] ? 0.0 : Math.Log(1.0 + (t - times[i - 1]).TotalSeconds));
        });
        var actual = replayed.GroupBy(r => r.Simulated.Event.UserId).SelectMany(user => user.Select(r => r.Features[LogSecondsSincePrevious]));

        Assert.That(actual, Is.EqualTo(expected));
    }

    [Test]
    public void Features_AreTheReplayedVectorsWithTruthAndScenario_InInputOrder()
    {
        var events = ScenarioSimulator.Generate(new SimulationRequest(ScenarioSimulator.Mixed, 40, 9, Start)).ToList();

        var rows = SimulationReplay.Features(events);
        var replayed = SimulationReplay.Replay(events).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(rows, Has.Count.EqualTo(events.Count));
            Assert.That(rows.Select(r => r.Features), Is.EqualTo(replayed.Select(r => r.Features)));
            Assert.That(rows.Select(r => (r.Anomalous, r.Scenario)), Is.EqualTo(events.Select(e => (e.Anomalous, e.Scenario))));
            Assert.That(rows.Select(r => r.Features.Length), Has.All.EqualTo(14));
        });
    }
}
