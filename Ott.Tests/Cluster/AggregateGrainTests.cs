using Ott.Grains.Interfaces;
using Ott.Tests.Support;
using static Ott.Tests.Support.TestEvents;

namespace Ott.Tests.Cluster;

public class AggregateGrainTests
{
    private static IClusterClient Client => ClusterFixture.Cluster.Client;

    [Test]
    public async Task DeviceGrain_IsFedByTheSiloAggregators()
    {
        var device = NewId("tv");
        var users = new[] { NewId("user"), NewId("user") };
        var now = DateTimeOffset.UtcNow;
        var ingest = Client.GetGrain<IIngestGrain>(0);

        await ingest.IngestAsync([
            Event(users[0], at: now.AddMinutes(-3), device: device, ip: "10.1.0.1"),
            Event(users[0], at: now.AddMinutes(-2), device: device, ip: "10.1.0.1"),
            Event(users[1], at: now.AddMinutes(-1), device: device, ip: "10.1.0.2"),
        ]);

        var view = await Eventually.WaitAsync(() => Client.GetGrain<IDeviceGrain>(device).GetAsync(),
            v => v?.TotalEvents == 3, "the device to count 3 events");
        Assert.Multiple(() =>
        {
            Assert.That(view!.Users.Select(u => u.Id), Is.EquivalentTo(users));
            Assert.That(view.Ips.Select(i => i.Id), Is.EquivalentTo(new[] { "10.1.0.1", "10.1.0.2" }));
            Assert.That(view.IsShared, Is.True);
        });
    }

    [Test]
    public async Task RegionGrain_CountsByTypeAndLevel()
    {
        var region = "MT";
        var before = await Client.GetGrain<IRegionGrain>(region).GetAsync();
        var baseTotal = before?.TotalEvents ?? 0;
        var now = DateTimeOffset.UtcNow;

        await Client.GetGrain<IIngestGrain>(0).IngestAsync([
            Event(NewId("user"), EventType.Error, now, region: region, hasConsent: false),
            Event(NewId("user"), EventType.Play, now, region: region),
        ]);

        var view = await Eventually.WaitAsync(() => Client.GetGrain<IRegionGrain>(region).GetAsync(),
            v => v?.TotalEvents == baseTotal + 2, "Malta to count 2 more events");
        Assert.Multiple(() =>
        {
            Assert.That(view!.EventsByType[EventType.Error], Is.EqualTo((before?.EventsByType.GetValueOrDefault(EventType.Error) ?? 0) + 1));
            Assert.That(view.AssessmentsByLevel[RiskLevel.High], Is.EqualTo((before?.AssessmentsByLevel.GetValueOrDefault(RiskLevel.High) ?? 0) + 1));
        });
    }
}
