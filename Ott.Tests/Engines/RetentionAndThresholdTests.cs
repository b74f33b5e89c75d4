using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Ott.Grains.Compliance;
using Ott.Grains.Interfaces;
using Ott.Grains.Logs;
using static Ott.Tests.Support.TestEvents;

namespace Ott.Tests.Engines;

public class RetentionAndThresholdTests
{
    private static Assessment At(string region, DateTimeOffset time, string id) => new()
    {
        EventId = id,
        UserId = "u-" + region,
        DeviceId = "d",
        ContentId = "c",
        EventType = EventType.Play,
        Region = region,
        EventTime = time,
        RiskScore = 0,
        RiskLevel = RiskLevel.Low,
        Threshold = 8,
        Factors = [],
        Action = RiskAction.Allow,
        ProcessedAt = time,
    };

    [Test]
    public async Task Retention_RemovesWhatIsOlderThanTheRegionsRetention_AndReportsIt()
    {
        var now = new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var time = new FakeTimeProvider(now);
        var store = new InMemoryEventStore(new EventLogOptions(), time);
        var options = new ComplianceOptions();
        var engine = new ComplianceEngine(RegulationPackLoader.Load(null), options);
        await store.AppendAsync(At("DE", now.AddDays(-1096), "de-old"));    // GDPR: 1,095 days
        await store.AppendAsync(At("DE", now.AddDays(-1094), "de-kept"));
        await store.AppendAsync(At("US-CA", now.AddDays(-731), "ca-old"));  // CCPA: 730 days
        await store.AppendAsync(At("JP", now.AddDays(-1000), "jp-kept"));   // 1,825 days
        using var meters = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var service = new RetentionService(store, engine, Options.Create(options), time,
            meters.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), NullLogger<RetentionService>.Instance);

        var removed = await service.RunOnceAsync();

        Assert.Multiple(async () =>
        {
            Assert.That(removed, Is.EquivalentTo(new Dictionary<string, long> { ["DE"] = 1, ["US-CA"] = 1 }));
            Assert.That(await store.GetAsync("de-old"), Is.Null);
            Assert.That(await store.GetAsync("ca-old"), Is.Null);
            Assert.That(await store.GetAsync("de-kept"), Is.Not.Null);
            Assert.That((await store.GetByUserAsync("u-JP", 10)).Select(a => a.EventId), Is.EqualTo(new[] { "jp-kept" }));
            Assert.That((await store.GetLatestAsync(10)).Select(a => a.EventId), Is.EqualTo(new[] { "jp-kept", "de-kept" }));
        });
    }

    [Test]
    public void PiplThresholds_CrossAt80And100PercentOnce()
    {
        var limits = new VolumeThresholds { Persons = 100, PersonsUpper = 1000, SensitivePersons = 10 };
        var known = new List<ThresholdCrossing>();

        var at79 = PiplThresholds.NewCrossings(PiplThresholds.Of(limits, 79, 7), known, T0).ToList();
        var at80 = PiplThresholds.NewCrossings(PiplThresholds.Of(limits, 80, 8), known, T0).ToList();
        known.AddRange(at80);
        var at80Again = PiplThresholds.NewCrossings(PiplThresholds.Of(limits, 81, 9), known, T0).ToList();
        var at100 = PiplThresholds.NewCrossings(PiplThresholds.Of(limits, 100, 10), known, T0).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(at79, Is.Empty);
            Assert.That(at80.Select(c => (c.Threshold, c.Percent)), Is.EqualTo(new[] { ("persons", 80), ("sensitive_persons", 80) }));
            Assert.That(at80Again, Is.Empty);
            Assert.That(at100.Select(c => (c.Threshold, c.Percent)), Is.EqualTo(new[] { ("persons", 100), ("sensitive_persons", 100) }));
        });
    }
}
