using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Ott.Grains.Aggregation;
using Ott.Grains.Analytics;
using Ott.Grains.Compliance;
using Ott.Grains.Detection;
using Ott.Grains.Devices;
using Ott.Grains.Interfaces;
using Ott.Grains.Network;
using Ott.Grains.Regions;
using Ott.Grains.Segments;
using Ott.Grains.Users;
using Ott.Tests.Support;
using static Ott.Tests.Support.TestEvents;

namespace Ott.Tests.Engines;

public class AggregateBatcherTests
{
    private static readonly ComplianceVerdict Compliant = new()
    {
        IsCompliant = true,
        ApplicableRegulations = [],
        Violations = [],
        PackVersion = "t",
    };

    private CapturingGrainFactory _grains = null!;

    [SetUp]
    public void NewFactory() => _grains = new CapturingGrainFactory();

    private static AssessedEvent Assessed(
        OttEvent e,
        RiskLevel level = RiskLevel.Low,
        string[]? violated = null,
        double[]? features = null,
        IReadOnlyList<PiplTransfer>? pipl = null,
        IReadOnlyList<NetworkLink>? links = null,
        bool flag = false,
        string? segmentBefore = SegmentNames.Normal,
        string segmentAfter = SegmentNames.Normal)
    {
        var verdict = violated is null
            ? Compliant
            : Compliant with { IsCompliant = false, Violations = violated.Select(r => new Violation(r, "a", "consent", "x")).ToList() };
        var assessment = AssessmentOf(e, level) with { Compliance = verdict, FeatureVector = features };
        var result = new PipelineResult(assessment, TestPolicies.Default, new ComplianceOutcome(verdict, null, null, pipl ?? []), default,
            segmentBefore, segmentAfter, links ?? [], flag);
        return new AssessedEvent(e, result);
    }

    private static void ObserveAll(IAssessmentObserver observer, params AssessedEvent[] events)
    {
        foreach (var assessed in events)
        {
            observer.Observe(in assessed);
        }
    }

    private static async Task FlushAsync(IAggregateBatcher batcher)
    {
        using var calls = new FlushCalls(4, NullLogger.Instance);
        await batcher.FlushAsync(calls, CancellationToken.None);
    }

    [Test]
    public async Task Devices_FlushOneCallPerDevice_WithUsagePerUserAndIp()
    {
        var devices = new DeviceBatcher(_grains);
        ObserveAll(devices,
            Assessed(Event("u1", at: T0, device: "tv-a", ip: "10.0.0.1")),
            Assessed(Event("u2", at: T0.AddMinutes(1), device: "tv-a", ip: "10.0.0.2")),
            Assessed(Event("u1", at: T0.AddMinutes(2), device: "tv-a", ip: "10.0.0.1")),
            Assessed(Event("u1", at: T0.AddMinutes(5), device: "tv-b", ip: "10.0.0.1")));

        await FlushAsync(devices);

        var calls = _grains.Calls.ToDictionary(c => c.Key);
        Assert.Multiple(() =>
        {
            Assert.That(calls.Keys, Is.EquivalentTo(new[] { "tv-a", "tv-b" }));
            Assert.That(calls.Values.Select(c => (c.Grain, c.Method)).Distinct(), Is.EqualTo(new[] { (typeof(IDeviceGrain), nameof(IDeviceGrain.RecordAsync)) }));
            Assert.That(calls["tv-a"].Argument<IReadOnlyList<DeviceUsage>>(0), Is.EquivalentTo(new[]
            {
                new DeviceUsage("u1", "10.0.0.1", 2, T0, T0.AddMinutes(2)),
                new DeviceUsage("u2", "10.0.0.2", 1, T0.AddMinutes(1), T0.AddMinutes(1)),
            }));
            Assert.That(calls["tv-b"].Argument<IReadOnlyList<DeviceUsage>>(0),
                Is.EqualTo(new[] { new DeviceUsage("u1", "10.0.0.1", 1, T0.AddMinutes(5), T0.AddMinutes(5)) }));
        });

        _grains.Clear();
        await FlushAsync(devices);
        Assert.That(_grains.Calls, Is.Empty, "nothing observed since the last flush");
    }

    [Test]
    public async Task Devices_FailedFlush_IsMergedIntoTheNext()
    {
        var devices = new DeviceBatcher(_grains);
        ObserveAll(devices,
            Assessed(Event("u1", at: T0, device: "tv-a", ip: "10.0.0.1")),
            Assessed(Event("u1", at: T0.AddMinutes(1), device: "tv-a", ip: "10.0.0.1")));
        _grains.FailEveryCall();
        await FlushAsync(devices);
        Assert.That(_grains.Calls, Has.Count.EqualTo(1));

        _grains.Clear();
        _grains.AnswerEveryCall();
        ObserveAll(devices,
            Assessed(Event("u1", at: T0.AddMinutes(-1), device: "tv-a", ip: "10.0.0.1")),
            Assessed(Event("u2", at: T0.AddMinutes(3), device: "tv-a", ip: "10.0.0.2")));
        await FlushAsync(devices);

        Assert.Multiple(() =>
        {
            Assert.That(_grains.Calls.Select(c => c.Key), Is.EqualTo(new[] { "tv-a" }));
            Assert.That(_grains.Calls[0].Argument<IReadOnlyList<DeviceUsage>>(0), Is.EquivalentTo(new[]
            {
                new DeviceUsage("u1", "10.0.0.1", 3, T0.AddMinutes(-1), T0.AddMinutes(1)),
                new DeviceUsage("u2", "10.0.0.2", 1, T0.AddMinutes(3), T0.AddMinutes(3)),
            }));
        });
    }

    [Test]
    public async Task Regions_FlushOneDeltaPerRegion_ByTypeLevelAndDay()
    {
        var regions = new RegionBatcher(_grains);
        ObserveAll(regions,
            Assessed(Event(type: EventType.Play, at: T0, region: "DE")),
            Assessed(Event(type: EventType.Error, at: T0.AddHours(1), region: "DE"), RiskLevel.High, violated: ["GDPR", "ePrivacy"]),
            Assessed(Event(type: EventType.Play, at: T0.AddDays(1), region: "DE"), RiskLevel.Critical),
            Assessed(Event(type: EventType.Play, at: T0, region: "US")));

        await FlushAsync(regions);

        var calls = _grains.Calls.ToDictionary(c => c.Key, c => c.Argument<RegionDelta>(0));
        var day = DateOnly.FromDateTime(T0.UtcDateTime);
        Assert.Multiple(() =>
        {
            Assert.That(calls.Keys, Is.EquivalentTo(new[] { "DE", "US" }));
            Assert.That(_grains.Calls.Select(c => c.Grain).Distinct(), Is.EqualTo(new[] { typeof(IRegionGrain) }));
            var de = calls["DE"];
            Assert.That(de.EventsByType, Is.EquivalentTo(new Dictionary<EventType, long> { [EventType.Play] = 2, [EventType.Error] = 1 }));
            Assert.That(de.AssessmentsByLevel, Is.EquivalentTo(new Dictionary<RiskLevel, long> { [RiskLevel.Low] = 1, [RiskLevel.High] = 1, [RiskLevel.Critical] = 1 }));
            Assert.That(de.Days, Is.EqualTo(new[] { new RegionDayCounts(day, 2, 1, 2), new RegionDayCounts(day.AddDays(1), 1, 1, 0) }));
            Assert.That(de.LastEventTime, Is.EqualTo(T0.AddDays(1)));
            var us = calls["US"];
            Assert.That(us.EventsByType, Is.EquivalentTo(new Dictionary<EventType, long> { [EventType.Play] = 1 }));
            Assert.That(us.Days, Is.EqualTo(new[] { new RegionDayCounts(day, 1, 0, 0) }));
        });
    }

    [Test]
    public async Task Regions_FailedFlush_IsMergedIntoTheNext()
    {
        var regions = new RegionBatcher(_grains);
        ObserveAll(regions, Assessed(Event(type: EventType.Error, at: T0.AddHours(2), region: "DE"), RiskLevel.High, violated: ["GDPR"]));
        _grains.FailEveryCall();
        await FlushAsync(regions);

        _grains.Clear();
        _grains.AnswerEveryCall();
        ObserveAll(regions, Assessed(Event(type: EventType.Play, at: T0, region: "DE")));
        await FlushAsync(regions);

        var day = DateOnly.FromDateTime(T0.UtcDateTime);
        Assert.That(_grains.Calls, Has.Count.EqualTo(1));
        var delta = _grains.Calls[0].Argument<RegionDelta>(0);
        Assert.Multiple(() =>
        {
            Assert.That(delta.EventsByType, Is.EquivalentTo(new Dictionary<EventType, long> { [EventType.Play] = 1, [EventType.Error] = 1 }));
            Assert.That(delta.AssessmentsByLevel, Is.EquivalentTo(new Dictionary<RiskLevel, long> { [RiskLevel.Low] = 1, [RiskLevel.High] = 1 }));
            Assert.That(delta.Days, Is.EqualTo(new[] { new RegionDayCounts(day, 2, 1, 1) }));
            Assert.That(delta.LastEventTime, Is.EqualTo(T0.AddHours(2)), "the latest event of both flushes");
        });
    }

    [Test]
    public async Task AnalyticsDays_FlushOneCallPerDay_KeyedByDate()
    {
        var analytics = new AnalyticsDayBatcher(_grains);
        ObserveAll(analytics,
            Assessed(Event(at: T0, region: "DE"), RiskLevel.High, violated: ["GDPR"]),
            Assessed(Event(at: T0.AddHours(1), region: "DE")),
            Assessed(Event(at: T0.AddDays(1), region: "US"), RiskLevel.Medium));

        await FlushAsync(analytics);

        var calls = _grains.Calls.ToDictionary(c => c.Key, c => c.Argument<AnalyticsCounts>(0));
        Assert.Multiple(() =>
        {
            Assert.That(calls.Keys, Is.EquivalentTo(new[] { "2026-01-16", "2026-01-17" }));
            Assert.That(_grains.Calls.Select(c => c.Grain).Distinct(), Is.EqualTo(new[] { typeof(IAnalyticsDayGrain) }));
            Assert.That(calls["2026-01-16"].Assessments, Is.EqualTo(2));
            Assert.That(calls["2026-01-16"].WithViolations, Is.EqualTo(1));
            Assert.That(calls["2026-01-16"].ByLevel, Is.EquivalentTo(new Dictionary<RiskLevel, long> { [RiskLevel.High] = 1, [RiskLevel.Low] = 1 }));
            Assert.That(calls["2026-01-16"].ByRegulation, Is.EquivalentTo(new Dictionary<string, long> { ["GDPR"] = 1 }));
            Assert.That(calls["2026-01-17"].Assessments, Is.EqualTo(1));
            Assert.That(calls["2026-01-17"].ByLevel, Is.EquivalentTo(new Dictionary<RiskLevel, long> { [RiskLevel.Medium] = 1 }));
        });
    }

    [Test]
    public async Task AnalyticsDays_FailedFlush_IsMergedIntoTheNext()
    {
        var analytics = new AnalyticsDayBatcher(_grains);
        ObserveAll(analytics,
            Assessed(Event(at: T0), RiskLevel.High, violated: ["GDPR"]),
            Assessed(Event(at: T0)));
        _grains.FailEveryCall();
        await FlushAsync(analytics);

        _grains.Clear();
        _grains.AnswerEveryCall();
        ObserveAll(analytics, Assessed(Event(at: T0.AddHours(3)), RiskLevel.High));
        await FlushAsync(analytics);

        Assert.That(_grains.Calls.Select(c => c.Key), Is.EqualTo(new[] { "2026-01-16" }));
        var counts = _grains.Calls[0].Argument<AnalyticsCounts>(0);
        Assert.Multiple(() =>
        {
            Assert.That(counts.Assessments, Is.EqualTo(3));
            Assert.That(counts.WithViolations, Is.EqualTo(1));
            Assert.That(counts.ByLevel, Is.EquivalentTo(new Dictionary<RiskLevel, long> { [RiskLevel.High] = 2, [RiskLevel.Low] = 1 }));
        });
    }

    [Test]
    public async Task PiplTransfers_FlushOneCallPerYearAndRoute()
    {
        var pipl = new PiplTransferBatcher(_grains);
        PiplPerson a = new(1, false), b = new(2, true), c = new(3, false);
        ObserveAll(pipl,
            Assessed(Event(), pipl: [new PiplTransfer(2026, "CN-US", a), new PiplTransfer(2026, "CN-US", b)]),
            Assessed(Event()),
            Assessed(Event(), pipl: [new PiplTransfer(2025, "CN-DE", c)]));

        await FlushAsync(pipl);

        var calls = _grains.Calls.ToDictionary(x => x.Key, x => x.Argument<IReadOnlyList<PiplPerson>>(0));
        Assert.Multiple(() =>
        {
            Assert.That(_grains.Calls.Select(x => (x.Grain, x.Method)).Distinct(),
                Is.EqualTo(new[] { (typeof(IPiplTransferGrain), nameof(IPiplTransferGrain.RecordAsync)) }));
            Assert.That(calls.Keys, Is.EquivalentTo(new[] { "2026:CN-US", "2025:CN-DE" }));
            Assert.That(calls["2026:CN-US"], Is.EqualTo(new[] { a, b }));
            Assert.That(calls["2025:CN-DE"], Is.EqualTo(new[] { c }));
        });
    }

    [Test]
    public async Task PiplTransfers_FailedFlush_IsSentWithTheNext()
    {
        var pipl = new PiplTransferBatcher(_grains);
        PiplPerson a = new(1, false), b = new(2, false);
        ObserveAll(pipl, Assessed(Event(), pipl: [new PiplTransfer(2026, "CN-US", a)]));
        _grains.FailEveryCall();
        await FlushAsync(pipl);

        _grains.Clear();
        _grains.AnswerEveryCall();
        ObserveAll(pipl, Assessed(Event(), pipl: [new PiplTransfer(2026, "CN-US", b)]));
        await FlushAsync(pipl);

        Assert.Multiple(() =>
        {
            Assert.That(_grains.Calls.Select(x => x.Key), Is.EqualTo(new[] { "2026:CN-US" }));
            Assert.That(_grains.Calls[0].Argument<IReadOnlyList<PiplPerson>>(0), Is.EquivalentTo(new[] { a, b }));
        });
    }

    [Test]
    public async Task Network_FlushesNewLinksAndFlagsInOneCall()
    {
        var network = new NetworkBatcher(_grains);
        var device = new NetworkLink("u1", LinkKind.Device, "tv-a", T0);
        var ip = new NetworkLink("u1", LinkKind.Ip, "10.0.0.1", T0);
        ObserveAll(network,
            Assessed(Event("u1"), links: [device, ip]),
            Assessed(Event("u2"), RiskLevel.Critical, flag: true),
            Assessed(Event("u3")));

        await FlushAsync(network);

        Assert.That(_grains.Calls, Has.Count.EqualTo(1));
        var call = _grains.Calls[0];
        Assert.Multiple(() =>
        {
            Assert.That((call.Grain, call.Key, call.Method), Is.EqualTo((typeof(INetworkGrain), "0", nameof(INetworkGrain.AddAsync))));
            Assert.That(call.Argument<IReadOnlyList<NetworkLink>>(0), Is.EqualTo(new[] { device, ip }));
            Assert.That(call.Argument<IReadOnlyList<string>>(1), Is.EqualTo(new[] { "u2" }));
        });

        _grains.Clear();
        ObserveAll(network, Assessed(Event("u4")));
        await FlushAsync(network);
        Assert.That(_grains.Calls, Is.Empty, "no link and no flag: no call");
    }

    [Test]
    public async Task Network_FailedFlush_IsSentWithTheNext()
    {
        var network = new NetworkBatcher(_grains);
        var first = new NetworkLink("u1", LinkKind.Device, "tv-a", T0);
        var second = new NetworkLink("u2", LinkKind.Payment, "card-9", T0);
        ObserveAll(network, Assessed(Event("u1"), links: [first], flag: true));
        _grains.FailEveryCall();
        await FlushAsync(network);

        _grains.Clear();
        _grains.AnswerEveryCall();
        ObserveAll(network, Assessed(Event("u2"), links: [second]));
        await FlushAsync(network);

        Assert.That(_grains.Calls, Has.Count.EqualTo(1));
        Assert.Multiple(() =>
        {
            Assert.That(_grains.Calls[0].Argument<IReadOnlyList<NetworkLink>>(0), Is.EquivalentTo(new[] { first, second }));
            Assert.That(_grains.Calls[0].Argument<IReadOnlyList<string>>(1), Is.EqualTo(new[] { "u1" }));
        });
    }

    [Test]
    public async Task FeatureSamples_UnderTheCap_SendsEveryVectorInOrder()
    {
        var samples = new FeatureSampleBatcher(_grains, Options.Create(new AggregationOptions { FeatureSamplesPerFlush = 3 }));
        ObserveAll(samples,
            Assessed(Event(), features: [1, 10]),
            Assessed(Event(), features: [2, 20]));

        await FlushAsync(samples);

        Assert.That(_grains.Calls, Has.Count.EqualTo(1));
        var call = _grains.Calls[0];
        var batch = call.Argument<FeatureSamples>(0);
        Assert.Multiple(() =>
        {
            Assert.That((call.Grain, call.Key, call.Method), Is.EqualTo((typeof(IModelGrain), "0", nameof(IModelGrain.AddSamplesAsync))));
            Assert.That((batch.FeatureCount, batch.Seen), Is.EqualTo((2, 2L)));
            Assert.That(batch.Values, Is.EqualTo(new double[] { 1, 10, 2, 20 }));
        });
    }

    [Test]
    public async Task FeatureSamples_OverTheCap_SendsAFixedSeedReservoirOfCapVectors()
    {
        var samples = new FeatureSampleBatcher(_grains, Options.Create(new AggregationOptions { FeatureSamplesPerFlush = 3 }));
        for (var i = 1; i <= 10; i++)
        {
            ObserveAll(samples, Assessed(Event(), features: [i, 10 * i]));
        }

        await FlushAsync(samples);

        var batch = _grains.Calls.Single().Argument<FeatureSamples>(0);
        // Pinned: the same reservoir (algorithm R, seed 7) the single silo aggregator drew before the split by domain.
        Assert.Multiple(() =>
        {
            Assert.That((batch.FeatureCount, batch.Seen), Is.EqualTo((2, 10L)));
            Assert.That(batch.Values, Is.EqualTo(new double[] { 1, 10, 10, 100, 5, 50 }));
        });

        _grains.Clear();
        ObserveAll(samples, Assessed(Event(), features: [11, 110]));
        await FlushAsync(samples);
        Assert.That(_grains.Calls.Single().Argument<FeatureSamples>(0).Seen, Is.EqualTo(1), "the count seen starts again after each flush");
    }

    [Test]
    public async Task FeatureSamples_FailedFlush_IsDropped()
    {
        var samples = new FeatureSampleBatcher(_grains, Options.Create(new AggregationOptions { FeatureSamplesPerFlush = 3 }));
        ObserveAll(samples, Assessed(Event(), features: [1, 10]));
        _grains.FailEveryCall();
        await FlushAsync(samples);
        Assert.That(_grains.Calls, Has.Count.EqualTo(1));

        _grains.Clear();
        _grains.AnswerEveryCall();
        await FlushAsync(samples);
        Assert.That(_grains.Calls, Is.Empty, "a statistical sample is not sent again");
    }

    [Test]
    public async Task SegmentMoves_FlushNetDeltasPerSegment()
    {
        var segments = new SegmentMoveBatcher(_grains);
        ObserveAll(segments,
            Assessed(Event(), segmentBefore: null, segmentAfter: SegmentNames.New),
            Assessed(Event(), segmentBefore: SegmentNames.New, segmentAfter: SegmentNames.Normal),
            Assessed(Event(), segmentBefore: SegmentNames.Normal, segmentAfter: SegmentNames.Normal),
            Assessed(Event(), segmentBefore: SegmentNames.Normal, segmentAfter: SegmentNames.Suspicious),
            Assessed(Event(), segmentBefore: null, segmentAfter: SegmentNames.Normal));

        await FlushAsync(segments);

        Assert.That(_grains.Calls, Has.Count.EqualTo(1));
        var call = _grains.Calls[0];
        Assert.Multiple(() =>
        {
            Assert.That((call.Grain, call.Key, call.Method), Is.EqualTo((typeof(ISegmentStatsGrain), "0", nameof(ISegmentStatsGrain.RecordAsync))));
            Assert.That(call.Argument<IReadOnlyDictionary<string, long>>(0), Is.EquivalentTo(new Dictionary<string, long>
            {
                [SegmentNames.New] = 0,
                [SegmentNames.Normal] = 1,
                [SegmentNames.Suspicious] = 1,
            }));
        });
    }

    [Test]
    public async Task SegmentMoves_FailedFlush_IsAddedToTheNext()
    {
        var segments = new SegmentMoveBatcher(_grains);
        ObserveAll(segments, Assessed(Event(), segmentBefore: null, segmentAfter: SegmentNames.New));
        _grains.FailEveryCall();
        await FlushAsync(segments);

        _grains.Clear();
        _grains.AnswerEveryCall();
        ObserveAll(segments,
            Assessed(Event(), segmentBefore: null, segmentAfter: SegmentNames.New),
            Assessed(Event(), segmentBefore: SegmentNames.New, segmentAfter: SegmentNames.Power));
        await FlushAsync(segments);

        Assert.That(_grains.Calls.Single().Argument<IReadOnlyDictionary<string, long>>(0), Is.EquivalentTo(new Dictionary<string, long>
        {
            [SegmentNames.New] = 1,
            [SegmentNames.Power] = 1,
        }));
    }
}
