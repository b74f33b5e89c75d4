using Ott.Grains.Logs;

namespace Ott.Tests.Support;

/// <summary>What every <see cref="IPiplPersonLog"/> must do, run against the in-memory log and both SQL engines.</summary>
public static class PiplPersonLogContract
{
    public static async Task KeepsEachRecordOncePerRoute_AndRoutesApartAsync(IPiplPersonLog log)
    {
        await log.AppendAsync("2026:CN-US", [new(1, false), new(ulong.MaxValue, false), new(1, true)]);
        await log.AppendAsync("2026:CN-US", [new(1, false), new(2, false)]);
        await log.AppendAsync("2026:CN-US", []);
        await log.AppendAsync("2026:CN-DE", [new(1, false)]);

        var us = await log.ReadAsync("2026:CN-US").ToListAsync();
        var de = await log.ReadAsync("2026:CN-DE").ToListAsync();
        var none = await log.ReadAsync("2025:CN-US").ToListAsync();

        Assert.Multiple(() =>
        {
            Assert.That(us, Is.EquivalentTo(new PiplPersonRecord[] { new(1, false), new(ulong.MaxValue, false), new(1, true), new(2, false) }),
                "a repeat is kept once; the whole 64-bit range round-trips");
            Assert.That(de, Is.EqualTo(new PiplPersonRecord[] { new(1, false) }));
            Assert.That(none, Is.Empty);
        });
    }
}
