using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Ott.Grains.Geo;
using Ott.Grains.Interfaces;
using Ott.Grains.Simulation;

namespace Ott.Tests.Engines.Simulation;

public partial class ScenarioSimulatorTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 0, 0, 0, TimeSpan.Zero);

    private static readonly string[] NormalHomes = ["US", "US-CA", "DE", "FR", "GB", "JP", "KR", "BR", "IN"];

    private static readonly string[] Grantable = ["analytics", "personalisation", "advertising"];

    public static IEnumerable<string> EveryScenario => [.. ScenarioSimulator.Scenarios, ScenarioSimulator.Mixed];

    public static IEnumerable<string> Attacks => ScenarioSimulator.Scenarios.Skip(1);

    [GeneratedRegex("^[A-Za-z0-9._:@-]{1,128}$")]
    private static partial Regex Identifier();

    private static List<SimulatedEvent> Generate(string scenario, int users = 40, int seed = 11, string prefix = "sim") =>
        ScenarioSimulator.Generate(new SimulationRequest(scenario, users, seed, Start) { IdPrefix = prefix }).ToList();

    private static (string, DateTimeOffset, EventType, string, string, bool) Key(SimulatedEvent s) =>
        (s.Event.EventId, s.Event.Timestamp, s.Event.Type, s.Event.Region, s.Event.IpAddress, s.Anomalous);

    [Test]
    public void Scenarios_AreNormalAndTheFourAttacks() =>
        Assert.That(ScenarioSimulator.Scenarios, Is.EqualTo(new[]
        {
            "normal", "credential_stuffing", "account_sharing", "bulk_exfiltration", "eu_tracking_without_consent",
        }));

    [Test]
    public void SameRequestTwice_GivesIdenticalEvents()
    {
        var first = Generate(ScenarioSimulator.Mixed, users: 200, seed: 5);
        var second = Generate(ScenarioSimulator.Mixed, users: 200, seed: 5);

        Assert.That(second.Select(Key), Is.EqualTo(first.Select(Key)));
    }

    [Test]
    public void DifferentSeed_GivesDifferentEvents()
    {
        var first = Generate(ScenarioSimulator.Mixed, users: 200, seed: 5);
        var other = Generate(ScenarioSimulator.Mixed, users: 200, seed: 6);

        Assert.That(other.Select(Key), Is.Not.EqualTo(first.Select(Key)));
    }

    [Test]
    public void Mixed300Seed2026_HasThePinnedVolumes()
    {
        var events = Generate(ScenarioSimulator.Mixed, users: 300, seed: 2026);

        Assert.Multiple(() =>
        {
            Assert.That(events, Has.Count.EqualTo(12_599));
            Assert.That(events.Where(e => e.Anomalous).GroupBy(e => e.Scenario).ToDictionary(g => g.Key, g => g.Count()),
                Is.EqualTo(new Dictionary<string, int>
                {
                    ["credential_stuffing"] = 352,
                    ["account_sharing"] = 383,
                    ["bulk_exfiltration"] = 138,
                    ["eu_tracking_without_consent"] = 811,
                }));
        });
    }

    [TestCaseSource(nameof(EveryScenario))]
    public void EveryEvent_IsValidPerTheContract_AndTheStreamIsOrderedByTime(string scenario)
    {
        var events = Generate(scenario, users: 60, prefix: "run-7:eu.test@x");
        var end = Start + TimeSpan.FromDays(2) + TimeSpan.FromHours(1);
        var problems = new List<string>();
        foreach (var simulated in events)
        {
            var e = simulated.Event;
            var ids = new[] { e.EventId, e.UserId, e.DeviceId, e.ContentId };
            if (!ids.All(id => Identifier().IsMatch(id)))
            {
                problems.Add($"{e.EventId}: an id breaks the identifier rule");
            }

            if (RegionCodes.Normalize(e.Region, out _) != e.Region || e.IsEuClaim != RegionCodes.IsEuMember(e.Region))
            {
                problems.Add($"{e.EventId}: region {e.Region} is not canonical or is_eu {e.IsEuClaim} contradicts it");
            }

            if (!IPAddress.TryParse(e.IpAddress, out var ip) || ip.AddressFamily != AddressFamily.InterNetwork
                || ip.ToString() != e.IpAddress || ip.GetAddressBytes()[3] is 0 or 255)
            {
                problems.Add($"{e.EventId}: {e.IpAddress} is not a canonical IPv4 host address");
            }

            if (e.Timestamp.Offset != TimeSpan.Zero || e.Timestamp < Start || e.Timestamp >= end || e.ReceivedAt != e.Timestamp
                || e.Timestamp.UtcTicks % TimeSpan.TicksPerMillisecond != 0)
            {
                problems.Add($"{e.EventId}: time {e.Timestamp:O} (received {e.ReceivedAt:O}) is out of the period or not whole UTC milliseconds");
            }

            if ((e.RecordsAccessed is not null && !e.Type.IsDataAccess()) || (e.PaymentMethodId is not null) != (e.Type == EventType.Purchase)
                || (e.ConsentPurposes is { } granted && !granted.All(Grantable.Contains)) || e.AccountCreatedAt >= Start - TimeSpan.FromDays(30))
            {
                problems.Add($"{e.EventId}: optional fields do not fit the {e.Type.ToWireName()} event");
            }
        }

        Assert.Multiple(() =>
        {
            Assert.That(events, Is.Not.Empty);
            Assert.That(problems, Is.Empty);
            Assert.That(events.Select(e => e.Event.Timestamp), Is.Ordered);
            Assert.That(events.Select(e => e.Event.EventId), Is.Unique);
            Assert.That(events.Select(e => e.Event.EventId), Has.All.StartsWith("run-7:eu.test@x-u"));
        });
    }

    [Test]
    public void Mixed_SplitsTheAttackersEvenlyOverTheFourAttacks()
    {
        var events = Generate(ScenarioSimulator.Mixed, users: 300, seed: 3);
        var usersByScenario = events.GroupBy(e => e.Scenario).ToDictionary(g => g.Key, g => g.Select(e => e.Event.UserId).Distinct().Count());

        Assert.Multiple(() =>
        {
            Assert.That(usersByScenario, Has.Count.EqualTo(5));
            Assert.That(usersByScenario["credential_stuffing"], Is.EqualTo(8));
            Assert.That(usersByScenario["account_sharing"], Is.EqualTo(8));
            Assert.That(usersByScenario["bulk_exfiltration"], Is.EqualTo(7));
            Assert.That(usersByScenario["eu_tracking_without_consent"], Is.EqualTo(7));
            Assert.That(usersByScenario["normal"], Is.InRange(255, 270), "normal users with at least one session in two days");
            Assert.That(events.GroupBy(e => e.Event.UserId).Select(g => g.Select(e => e.Scenario).Distinct().Count()), Has.All.EqualTo(1));
        });
    }

    [Test]
    public void Normal_IsNeverAnomalous_AndKeepsItsHomeDevicesAndDaytimeHours()
    {
        var events = Generate(ScenarioSimulator.Normal, users: 80);
        var byUser = events.GroupBy(e => e.Event.UserId).ToList();
        var nightEvents = events.Count(e =>
        {
            var local = e.Event.Timestamp.ToOffset(ScenarioSimulator.UtcOffsetOf(e.Event.Region)!.Value).TimeOfDay;
            return local >= TimeSpan.FromMinutes(30) && local < TimeSpan.FromHours(7);
        });

        Assert.Multiple(() =>
        {
            Assert.That(events.Where(e => e.Anomalous), Is.Empty);
            Assert.That(events.Where(e => !e.Event.HasConsent), Is.Empty);
            Assert.That(events.Select(e => e.Event.Region).Distinct(), Is.SubsetOf(NormalHomes));
            Assert.That(byUser.Select(u => u.Select(e => e.Event.Region).Distinct().Count()), Has.All.EqualTo(1));
            Assert.That(byUser.Select(u => u.Select(e => e.Event.DeviceId).Distinct().Count()), Has.All.InRange(1, 2));
            Assert.That(byUser.Select(u => u.Select(e => e.Event.AccountCreatedAt).Distinct().Count()), Has.All.EqualTo(1));
            Assert.That(nightEvents, Is.Zero, "sessions start 07:00-23:30 local and last under an hour");
            Assert.That(events.Count(e => e.Event.Purpose == ProcessingPurpose.Personalisation && e.Event.ConsentPurposes!.Contains("personalisation")),
                Is.GreaterThan(events.Count / 10));
            Assert.That(events.Where(e => e.Event.Type == EventType.Purchase).Select(e => e.Event.Plan), Has.All.Not.Null);
        });
    }

    [TestCaseSource(nameof(Attacks))]
    public void Attacker_IsNormalFirst_ThenOnlyTheAttack(string scenario)
    {
        var users = Generate(scenario, users: 30).GroupBy(e => e.Event.UserId).ToList();
        var switches = users.Select(u => u.Zip(u.Skip(1)).Count(pair => pair.First.Anomalous != pair.Second.Anomalous)).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(users, Has.Count.EqualTo(30));
            Assert.That(users.Select(u => u.Last().Anomalous), Has.All.True);
            Assert.That(switches, Has.All.EqualTo(1), "labels go false+ then true+: normal activity, then the attack");
            Assert.That(users.SelectMany(u => u).Select(e => e.Scenario), Has.All.EqualTo(scenario));
        });
    }

    [Test]
    public void Generate_IsLazy_TheFirstEventsOfManyUsersComeWithoutTheRest()
    {
        var first = ScenarioSimulator.Generate(new SimulationRequest(ScenarioSimulator.Mixed, 20_000, 1, Start)).Take(1_000).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(first, Has.Count.EqualTo(1_000));
            Assert.That(first.Select(e => e.Event.Timestamp), Is.Ordered);
            Assert.That(first[^1].Event.Timestamp, Is.LessThan(Start + TimeSpan.FromHours(6)));
        });
    }

    [TestCase("mystery", 1, 2.0, 0.1, "sim", "Unknown scenario")]
    [TestCase("mixed", -1, 2.0, 0.1, "sim", "Users")]
    [TestCase("mixed", 1, 0.5, 0.1, "sim", "Span")]
    [TestCase("mixed", 1, 400.0, 0.1, "sim", "Span")]
    [TestCase("mixed", 1, 2.0, 1.5, "sim", "AttackShare")]
    [TestCase("mixed", 1, 2.0, 0.1, "", "IdPrefix")]
    [TestCase("mixed", 1, 2.0, 0.1, "run 1", "IdPrefix")]
    public void InvalidRequest_ThrowsAtOnce(string scenario, int users, double spanDays, double share, string prefix, string named)
    {
        var request = new SimulationRequest(scenario, users, 1, Start) { Span = TimeSpan.FromDays(spanDays), AttackShare = share, IdPrefix = prefix };

        Assert.That(() => ScenarioSimulator.Generate(request), Throws.ArgumentException.With.Message.StartsWith(named));
    }

    [Test]
    public void NonUtcStart_IsTakenAsTheSameInstant()
    {
        var local = Generate(ScenarioSimulator.Normal, users: 5).Select(Key);
        var shifted = ScenarioSimulator.Generate(new SimulationRequest(ScenarioSimulator.Normal, 5, 11, Start.ToOffset(TimeSpan.FromHours(2))))
            .Select(Key);

        Assert.That(shifted, Is.EqualTo(local));
    }
}
