using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Ott.Grains.Aggregation;
using Ott.Grains.Analytics;
using Ott.Grains.Compliance;
using Ott.Grains.Detection;
using Ott.Grains.Devices;
using Ott.Grains.Hosting;
using Ott.Grains.Interfaces;
using Ott.Grains.Network;
using Ott.Grains.Regions;
using Ott.Grains.Segments;
using Ott.Grains.Users;
using Ott.Tests.Support;
using static Ott.Tests.Support.TestEvents;

namespace Ott.Tests.Engines;

public class AggregateFlusherTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    /// <summary>A batcher that only counts its flushes and keeps the throttle each one was given.</summary>
    private sealed class CountingBatcher : IAggregateBatcher
    {
        private int _flushes;

        public int Flushes => Volatile.Read(ref _flushes);

        public List<FlushCalls> Throttles { get; } = [];

        public Task FlushAsync(FlushCalls calls, CancellationToken cancellationToken)
        {
            lock (Throttles)
            {
                Throttles.Add(calls);
            }

            Interlocked.Increment(ref _flushes);
            return Task.CompletedTask;
        }
    }

    private static AggregateFlusher Flusher(IEnumerable<IAggregateBatcher> batchers, TimeProvider? time = null, int maxConcurrentCalls = 64) =>
        new(batchers, Options.Create(new AggregationOptions { FlushInterval = Interval, MaxConcurrentCalls = maxConcurrentCalls }),
            time ?? new FakeTimeProvider(T0), NullLogger<AggregateFlusher>.Instance);

    private static AssessedEvent Assessed(OttEvent e)
    {
        var verdict = new ComplianceVerdict { IsCompliant = true, ApplicableRegulations = [], Violations = [], PackVersion = "t" };
        return new AssessedEvent(e, new PipelineResult(AssessmentOf(e), TestPolicies.Default, new ComplianceOutcome(verdict, null, null, []),
            default, null, "normal", [], false));
    }

    [Test]
    public async Task FlushAsync_FlushesEveryBatcherOnce_WithOneSharedThrottle()
    {
        CountingBatcher first = new(), second = new();
        using var flusher = Flusher([first, second]);

        await flusher.FlushAsync();

        Assert.Multiple(() =>
        {
            Assert.That((first.Flushes, second.Flushes), Is.EqualTo((1, 1)));
            Assert.That(first.Throttles[0], Is.SameAs(second.Throttles[0]));
        });
    }

    [Test]
    public async Task FlushAsync_KeepsAtMostMaxConcurrentCallsInFlight_AcrossBatchers()
    {
        var grains = new CapturingGrainFactory();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int inFlight = 0, most = 0;
        grains.Answer = async _ =>
        {
            var now = Interlocked.Increment(ref inFlight);
            InterlockedMax(ref most, now);
            await release.Task;
            Interlocked.Decrement(ref inFlight);
        };
        var devices = new DeviceBatcher(grains);
        var regions = new RegionBatcher(grains);
        foreach (var (device, region) in new[] { ("tv-1", "DE"), ("tv-2", "FR"), ("tv-3", "DE") })
        {
            var assessed = Assessed(Event(device: device, region: region));
            devices.Observe(in assessed);
            regions.Observe(in assessed);
        }

        using var flusher = Flusher([devices, regions], maxConcurrentCalls: 2);
        var flush = flusher.FlushAsync();
        await Eventually.WaitAsync(() => Task.FromResult(grains.Calls.Count), n => n == 2, "two calls to start");
        Assert.That(flush.IsCompleted, Is.False, "the other three calls wait for a free slot");

        release.SetResult();
        await flush;

        Assert.Multiple(() =>
        {
            Assert.That(grains.Calls.Select(c => c.Key), Is.EquivalentTo(new[] { "tv-1", "tv-2", "tv-3", "DE", "FR" }));
            Assert.That(most, Is.EqualTo(2));
        });
    }

    [Test]
    public async Task FlushInterval_Elapsed_FlushesEveryBatcher()
    {
        var time = new FakeTimeProvider(T0);
        CountingBatcher first = new(), second = new();
        using var flusher = Flusher([first, second], time);
        await flusher.StartAsync(CancellationToken.None);

        // The timer starts on the service's own thread: the clock moves on until a tick has flushed.
        await Eventually.WaitAsync(() =>
        {
            time.Advance(Interval);
            return Task.FromResult((first.Flushes, second.Flushes));
        }, f => f.Item1 >= 1 && f.Item2 >= 1, "a flush of each batcher once the interval elapsed");

        await flusher.StopAsync(CancellationToken.None);
        Assert.That(first.Flushes, Is.EqualTo(second.Flushes), "every tick and the final flush flush every batcher");
    }

    [Test]
    public async Task StopAsync_FlushesOnceMore()
    {
        var batcher = new CountingBatcher();
        using var flusher = Flusher([batcher]);
        await flusher.StartAsync(CancellationToken.None);

        await flusher.StopAsync(CancellationToken.None);

        Assert.That(batcher.Flushes, Is.EqualTo(1), "the final flush at shutdown, no interval having elapsed");
    }

    [Test]
    public async Task FlushCalls_FailedCall_RunsItsRestoreAndNeverThrows()
    {
        using var calls = new FlushCalls(1, NullLogger.Instance);
        var restored = new List<string>();

        await calls.RunAsync(() => Task.FromException(new TimeoutException()), () => restored.Add("failed"));
        await calls.RunAsync(() => Task.CompletedTask, () => restored.Add("succeeded"));
        await calls.RunAsync(() => throw new InvalidOperationException(), restore: null);

        Assert.That(restored, Is.EqualTo(new[] { "failed" }));
    }

    [Test]
    public void AddOttGrains_RegistersEachBatcherOnce_AsObserverAndBatcher()
    {
        var services = new ServiceCollection().AddSingleton<IGrainFactory>(new CapturingGrainFactory());
        services.AddOttGrains(new ConfigurationBuilder().Build());
        using var provider = services.BuildServiceProvider();

        var observers = provider.GetServices<IAssessmentObserver>().ToList();
        var batchers = provider.GetServices<IAggregateBatcher>().ToList();
        Assert.Multiple(() =>
        {
            Assert.That(observers.Select(o => o.GetType()), Is.EqualTo(new[]
            {
                typeof(DeviceBatcher), typeof(RegionBatcher), typeof(AnalyticsDayBatcher), typeof(PiplTransferBatcher),
                typeof(NetworkBatcher), typeof(FeatureSampleBatcher), typeof(SegmentMoveBatcher), typeof(Ott.Grains.Policies.ShadowBatcher),
            }));
            Assert.That(batchers, Has.Count.EqualTo(observers.Count));
            for (var i = 0; i < Math.Min(batchers.Count, observers.Count); i++)
            {
                Assert.That(batchers[i], Is.SameAs(observers[i]), "one instance, seen as both an observer and a batcher");
            }

            Assert.That(provider.GetRequiredService<DeviceBatcher>(), Is.SameAs(observers[0]));
        });
    }

    private static void InterlockedMax(ref int target, int value)
    {
        var seen = Volatile.Read(ref target);
        while (value > seen)
        {
            var was = Interlocked.CompareExchange(ref target, value, seen);
            if (was == seen)
            {
                return;
            }

            seen = was;
        }
    }
}
