using Ott.Grains.Network;

namespace Ott.Tests.Engines.NetworkGeo;

/// <summary>
/// Shape checks on a larger graph. Time per link and memory at one million users are measured by BenchmarkDotNet
/// (bench/Ott.Benchmarks, NetworkBenchmarks), not here: a timed unit test cannot fail honestly on a shared machine.
/// </summary>
public class RingGraphScaleTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);

    [Test]
    public void HundredThousandLinks_HouseholdsNatsSharedDevicesAndCards_GiveTheExpectedShape()
    {
        var graph = NetworkWorkload.Build(100_000 / 3, seed: 42);

        Assert.Multiple(() =>
        {
            Assert.That(graph.Stats.Edges, Is.EqualTo(99_999));
            Assert.That(graph.Stats.Hubs, Is.EqualTo(6), "the carrier-NAT IPs pass the hub cap of 50");
            Assert.That(graph.Stats.Users, Is.EqualTo(33_333));
        });
    }
}
