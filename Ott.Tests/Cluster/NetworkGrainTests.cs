using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Ott.Grains.Common;
using Ott.Grains.Interfaces;
using Ott.Grains.Logs;
using Ott.Grains.Network;
using Ott.Tests.Support;
using static Ott.Tests.Support.TestEvents;

namespace Ott.Tests.Cluster;

public class NetworkGrainTests
{
    private static IClusterClient Client => ClusterFixture.Cluster.Client;

    private static Task<IReadOnlyList<RingView>> RingsAsync() => Client.GetGrain<INetworkGrain>(0).GetRingsAsync(0, null);

    [Test]
    public async Task SixUsersSharingADeviceAndACard_FormAMixedRing_TheSeventhOnAnotherDeviceStaysOut()
    {
        var tag = NewId("ring");
        var users = Enumerable.Range(0, 6).Select(i => $"{tag}-u{i}").ToList();
        var now = DateTimeOffset.UtcNow;
        var events = users.Select((u, i) => Event(u, EventType.Purchase, now.AddSeconds(-60 + i), device: $"{tag}-tv", ip: $"198.51.100.{10 + i}")
            with { PaymentMethodId = $"{tag}-card" }).ToList();
        events.Add(Event($"{tag}-outsider", EventType.Purchase, now.AddSeconds(-30), device: $"{tag}-other-tv", ip: "198.51.100.99")
            with { PaymentMethodId = $"{tag}-other-card" });

        await Client.GetGrain<IIngestGrain>(0).IngestAsync(events);
        var ring = (await Eventually.WaitAsync(RingsAsync, r => r.Any(x => x.Members.Contains(users[0]) && x.Size == 6), "a ring with the six users"))
            .Single(x => x.Members.Contains(users[0]));

        Assert.Multiple(() =>
        {
            Assert.That(ring.Members, Is.EquivalentTo(users));
            Assert.That(ring.Kind, Is.EqualTo("mixed"));
            Assert.That(ring.SharedIdentifiers.Select(s => (s.Kind, s.Value, s.Users)), Is.EquivalentTo(new[]
            {
                (LinkKind.Device, $"{tag}-tv", 6), (LinkKind.Payment, $"{tag}-card", 6),
            }));
            Assert.That(ring.Risk, Is.GreaterThan(0));
        });

        // Once every silo holds the new snapshot, the next event of a member carries the ring factor.
        foreach (var silo in ClusterFixture.Cluster.Silos)
        {
            var cache = ClusterFixture.Cluster.GetSiloServiceProvider(silo.SiloAddress).GetRequiredService<NetworkCache>();
            await Eventually.WaitAsync(() => Task.FromResult(cache.Standing(users[0])?.RingId), id => id == ring.RingId, $"silo {silo.SiloAddress} to know the ring");
        }

        await Client.GetGrain<IIngestGrain>(0).IngestAsync([Event(users[0], at: now.AddSeconds(-5), device: $"{tag}-tv", ip: "198.51.100.10")]);
        var profile = await Eventually.WaitAsync(() => Client.GetGrain<IUserGrain>(users[0]).GetRiskProfileAsync(),
            p => p?.TotalEvents == 2, "the member's second event");

        Assert.Multiple(() =>
        {
            Assert.That(profile!.RecentAssessments[0].FactorCodes, Does.Contain("fraud_ring_member"));
            Assert.That(profile.Segment!.Segment, Is.EqualTo(SegmentNames.Suspicious), "a ring member is a suspicious user");
        });
    }

    [Test]
    public async Task APublicIpSharedBySixtyUsers_DoesNotGlueStrangersTogether()
    {
        var tag = NewId("wifi");
        var now = DateTimeOffset.UtcNow;
        var events = Enumerable.Range(0, 60).Select(i => Event($"{tag}-u{i}", at: now.AddSeconds(-120 + i), device: $"{tag}-d{i}", ip: "192.0.2.77")).ToList();

        await Client.GetGrain<IIngestGrain>(0).IngestAsync(events);
        var network = Client.GetGrain<INetworkGrain>(0);
        await Eventually.WaitAsync(async () => (await Task.WhenAll(events.Select(e => network.GetUserAsync(e.UserId)))).Count(v => v is not null),
            n => n == 60, "all 60 users in the graph");
        var user = await network.GetUserAsync($"{tag}-u59");
        var rings = await RingsAsync();

        Assert.Multiple(() =>
        {
            Assert.That(rings.Where(r => r.Members.Any(m => m.StartsWith(tag, StringComparison.Ordinal))), Is.Empty);
            Assert.That(user!.RingId, Is.Null);
            Assert.That(user.Neighbours, Is.Empty, "a hub links nobody");
        });
    }

    [Test]
    public async Task TheGraph_SurvivesDeactivation_FromTheLinkLog_AndTheStateCarriesNoLinks()
    {
        var tag = NewId("kept");
        var now = DateTimeOffset.UtcNow;
        var users = Enumerable.Range(0, 5).Select(i => $"{tag}-u{i}").ToList();
        await Client.GetGrain<IIngestGrain>(0).IngestAsync(
            users.Select((u, i) => Event(u, EventType.Purchase, now.AddSeconds(-60 + i), device: $"{tag}-tv", ip: $"198.51.100.{20 + i}")).ToList());
        var before = (await Eventually.WaitAsync(RingsAsync, r => r.Any(x => x.Members.Contains(users[0])), "the ring of five"))
            .Single(x => x.Members.Contains(users[0]));

        await Client.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);

        var services = ClusterFixture.Cluster.GetSiloServiceProvider();
        var stored = new GrainState<NetworkState>(new NetworkState());
        await services.GetRequiredKeyedService<IGrainStorage>(StorageNames.Grains)
            .ReadStateAsync("network", Client.GetGrain<INetworkGrain>(0).GetGrainId(), stored);
        var logged = await services.GetRequiredService<INetworkLinkLog>().ReadAllAsync()
            .Where(l => l.UserId.StartsWith(tag, StringComparison.Ordinal)).ToListAsync();
        var after = (await RingsAsync()).Single(x => x.Members.Contains(users[0]));

        Assert.Multiple(() =>
        {
            Assert.That(stored.RecordExists, Is.True, "deactivation wrote the state");
            Assert.That(stored.State!.Links, Is.Empty, "links live in the log, not in the state");
            Assert.That(logged.Select(l => (l.UserId, l.Kind, l.Value)), Is.SupersetOf(users.Select(u => (u, LinkKind.Device, $"{tag}-tv"))));
            Assert.That(after.RingId, Is.EqualTo(before.RingId), "rebuilt from the log with the same id");
            Assert.That(after.Members, Is.EquivalentTo(users));
        });
    }

    [Test]
    public async Task StateWrittenBeforeTheLinkLog_HasItsLinksMovedToTheLog()
    {
        await using var cluster = await ClusterFixture.StartClusterAsync(ClusterFixture.Settings);
        var network = cluster.Client.GetGrain<INetworkGrain>(0);
        var storage = cluster.GetSiloServiceProvider().GetRequiredKeyedService<IGrainStorage>(StorageNames.Grains);
        var at = new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
        var users = Enumerable.Range(0, 5).Select(i => $"legacy-u{i}").ToList();
        var legacy = new NetworkState
        {
            Links = users.Select((u, i) => new StoredLink { UserId = u, Kind = LinkKind.Payment, Value = "card-1", AtTicks = at.AddMinutes(i).UtcTicks }).ToList(),
            Version = 7,
        };
        await storage.WriteStateAsync("network", network.GetGrainId(), new GrainState<NetworkState>(legacy));
        // The silos' network caches may have activated the grain before the write: the next activation reads it.
        await cluster.Client.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);

        var ring = (await network.GetRingsAsync(0, null)).Single();
        await cluster.Client.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        var stored = new GrainState<NetworkState>(new NetworkState());
        await storage.ReadStateAsync("network", network.GetGrainId(), stored);
        var logged = await cluster.GetSiloServiceProvider().GetRequiredService<INetworkLinkLog>().ReadAllAsync().ToListAsync();

        Assert.Multiple(() =>
        {
            Assert.That(ring.Members, Is.EquivalentTo(users));
            Assert.That(stored.State!.Links, Is.Empty, "moved out of the state");
            Assert.That(stored.State.Version, Is.EqualTo(7), "kept (the rebuild only restores the rings the version counted)");
            Assert.That(logged, Is.EqualTo(users.Select((u, i) => new NetworkLink(u, LinkKind.Payment, "card-1", at.AddMinutes(i)))));
        });
    }
}
