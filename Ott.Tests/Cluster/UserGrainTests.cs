using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Ott.Grains.Common;
using Ott.Grains.Interfaces;
using Ott.Grains.Logs;
using Ott.Grains.Users;
using Ott.Tests.Support;
using static Ott.Tests.Support.TestEvents;

namespace Ott.Tests.Cluster;

public class UserGrainTests
{
    private static IClusterClient Client => ClusterFixture.Cluster.Client;

    private static Task PublishAsync(params OttEvent[] events)
    {
        var provider = Client.GetStreamProvider(EventStreams.Provider);
        return Task.WhenAll(events.GroupBy(e => e.UserId).Select(g =>
            provider.GetStream<OttEvent>(StreamId.Create(EventStreams.Namespace, g.Key)).OnNextBatchAsync(g.ToList())));
    }

    private static Task<UserRiskProfile?> ProfileAsync(string user) => Client.GetGrain<IUserGrain>(user).GetRiskProfileAsync();

    private static Task<UserRiskProfile?> WaitForEventsAsync(string user, long count) =>
        Eventually.WaitAsync(() => ProfileAsync(user), p => p?.TotalEvents == count, $"user {user} to have {count} events");

    [Test]
    public async Task StreamDelivery_ReachesTheUserGrain_WhichAssessesEachEvent()
    {
        var user = NewId("user");
        var now = DateTimeOffset.UtcNow;
        await PublishAsync(
            Event(user, EventType.Error, now.AddMinutes(-2), region: "DE", hasConsent: false),
            Event(user, EventType.Play, now.AddMinutes(-1), region: "DE"));

        var profile = await WaitForEventsAsync(user, 2);

        Assert.Multiple(() =>
        {
            Assert.That(profile!.RecentAssessments.Select(a => a.RiskScore), Is.EqualTo(new[] { 0.0, 8.0 }), "newest first");
            Assert.That(profile.RecentAssessments[1].FactorCodes, Is.EqualTo(new[] { "auth_or_playback_error", "eu_no_consent" }));
            Assert.That(profile.Features.EventsLastHour, Is.EqualTo(2));
            Assert.That(profile.LastRegion, Is.EqualTo("DE"));
        });
    }

    [Test]
    public async Task Redelivery_OfAnAssessedEvent_IsNotCountedTwice()
    {
        var user = NewId("user");
        var e = Event(user, at: DateTimeOffset.UtcNow);
        await PublishAsync(e);
        await WaitForEventsAsync(user, 1);

        await PublishAsync(e, Event(user, at: DateTimeOffset.UtcNow));

        var profile = await WaitForEventsAsync(user, 2);
        Assert.That(profile!.RecentAssessments, Has.Count.EqualTo(2));
    }

    [Test]
    public async Task State_SurvivesForcedDeactivation()
    {
        var user = NewId("user");
        var start = DateTimeOffset.UtcNow.AddMinutes(-30);
        await PublishAsync(Enumerable.Range(0, 3).Select(i => Event(user, at: start.AddMinutes(i), ip: $"10.9.0.{i}")).ToArray());
        await WaitForEventsAsync(user, 3);
        Assert.That((await StoredAsync(user)).RecordExists, Is.False, "3 events are under the write-behind budget: nothing written yet");

        await Client.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);

        var stored = await StoredAsync(user);
        Assert.That(stored.State!.TotalEvents, Is.EqualTo(3), "deactivation wrote the state");

        var restored = await ProfileAsync(user);
        Assert.Multiple(() =>
        {
            Assert.That(restored!.TotalEvents, Is.EqualTo(3), "written on deactivation (the write-behind budget is 1,000 here)");
            Assert.That(restored.Features.DistinctIpsLastHour, Is.EqualTo(3));
            Assert.That(restored.RecentAssessments, Has.Count.EqualTo(3));
        });

        await PublishAsync(Event(user, at: start.AddMinutes(5), ip: "10.9.0.0"));
        var after = await WaitForEventsAsync(user, 4);
        Assert.That(after!.Features.EventsLastHour, Is.EqualTo(4));
    }

    private static async Task<GrainState<UserRollingState>> StoredAsync(string user)
    {
        var storage = ClusterFixture.Cluster.GetSiloServiceProvider().GetRequiredKeyedService<IGrainStorage>(StorageNames.Grains);
        var state = new GrainState<UserRollingState>(new UserRollingState());
        await storage.ReadStateAsync("user", GrainId.Create("user", user), state);
        return state;
    }

    [Test]
    public async Task UnknownUser_HasNoProfile() => Assert.That(await ProfileAsync(NewId("nobody")), Is.Null);

    [Test]
    public async Task TwoSilos_ShareTheUsers_AndEverySiloAssesses()
    {
        Assert.That(ClusterFixture.Cluster.Silos, Has.Count.EqualTo(2));
        var users = Enumerable.Range(0, 40).Select(_ => NewId("user")).ToList();
        var now = DateTimeOffset.UtcNow;

        await PublishAsync(users.SelectMany(u => new[] { Event(u, at: now.AddSeconds(-2)), Event(u, at: now.AddSeconds(-1)) }).ToArray());

        foreach (var user in users)
        {
            await WaitForEventsAsync(user, 2);
        }

        var perSilo = new List<long>();
        foreach (var silo in ClusterFixture.Cluster.Silos)
        {
            var log = ClusterFixture.Cluster.GetSiloServiceProvider(silo.SiloAddress).GetRequiredService<IAssessmentLog>();
            var mine = 0L;
            foreach (var user in users)
            {
                mine += (await log.GetByUserAsync(user, 10)).Count;
            }

            perSilo.Add(mine);
        }

        Assert.Multiple(() =>
        {
            Assert.That(perSilo.Sum(), Is.EqualTo(80), "every event assessed exactly once across the cluster");
            Assert.That(perSilo, Has.All.GreaterThan(0), "user grains were placed on both silos");
        });
    }

    [Test]
    public async Task IngestGrain_DedupesAndPublishes()
    {
        var user = NewId("user");
        var e = Event(user, at: DateTimeOffset.UtcNow);
        var ingest = Client.GetGrain<IIngestGrain>(0);

        var first = await ingest.IngestAsync([e, e]);
        await WaitForEventsAsync(user, 1);

        Assert.That(first, Is.EqualTo(new[] { IngestStatus.Queued, IngestStatus.Duplicate }));
    }
}
