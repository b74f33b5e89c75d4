using Ott.Grains.Interfaces;
using Ott.Grains.Logs;

namespace Ott.Tests.Support;

/// <summary>What every <see cref="INetworkLinkLog"/> must do, run against the in-memory log and both SQL engines.</summary>
public static class NetworkLinkLogContract
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    public static async Task AppendsInOrder_ReadsBack_AndErasesOneUserAsync(INetworkLinkLog log)
    {
        var first = new[]
        {
            new NetworkLink("u1", LinkKind.Device, "tv-1", T0),
            new NetworkLink("u2", LinkKind.Ip, "203.0.113.7", T0.AddSeconds(1)),
        };
        var second = new[]
        {
            new NetworkLink("u1", LinkKind.Payment, "card-9", T0.AddSeconds(2)),
            new NetworkLink("u3", LinkKind.Device, "tv-1", T0.AddTicks(30_000_001)),
        };

        await log.AppendAsync(first);
        await log.AppendAsync([]);
        await log.AppendAsync(second);
        var all = await log.ReadAllAsync().ToListAsync();
        var removed = await log.RemoveUserAsync("u1");
        var removedAgain = await log.RemoveUserAsync("u1");
        var left = await log.ReadAllAsync().ToListAsync();

        Assert.Multiple(() =>
        {
            Assert.That(all, Is.EqualTo(first.Concat(second)), "every field back, in the order appended (ticks exact)");
            Assert.That(removed, Is.EqualTo(2));
            Assert.That(removedAgain, Is.Zero);
            Assert.That(left, Is.EqualTo(new[] { first[1], second[1] }));
        });
    }
}
