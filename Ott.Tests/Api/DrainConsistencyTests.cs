using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Ott.Grains.Interfaces;
using Ott.Grains.Logs;
using Ott.Tests.Support;
using static Ott.Tests.Support.TestEvents;

namespace Ott.Tests.Api;

/// <summary><c>POST /process/drain</c> when a request lands while it reads its counts.</summary>
public class DrainConsistencyTests
{
    [Test]
    public async Task AnEventAcceptedWhileTheDrainReadsItsCounts_IsInBothCounts()
    {
        // The gauges read the log every interval; the longest one keeps them off the call this test intercepts.
        await using var factory = new RacingApiFactory(new Dictionary<string, string?> { ["Ott:Metrics:GaugeInterval"] = "00:10:00" });
        var client = await factory.ClientForAsync("admin");
        var ingest = factory.Services.GetRequiredService<IGrainFactory>().GetGrain<IIngestGrain>(0);
        await ingest.IngestAsync([Event(NewId("before"))]);
        (await client.PostAsync("/process/drain?timeout_seconds=30", null)).EnsureSuccessStatusCode();

        // A request in flight when the drain begins: accepted and assessed after the drain's first read of the log.
        var late = Event(NewId("late"));
        factory.Log.BeforeNextStatsReturn(async () =>
        {
            await ingest.IngestAsync([late]);
            var assessments = factory.Services.GetRequiredService<IAssessmentLog>();
            await Eventually.WaitAsync(async () => await assessments.GetAsync(late.EventId), a => a is not null, "the late event's assessment");
        });
        var drain = await (await client.PostAsync("/process/drain?timeout_seconds=30", null)).JsonAsync();

        Assert.Multiple(() =>
        {
            Assert.That(factory.Log.Intercepted, Is.True, "the drain read the log while the event landed");
            Assert.That(drain.GetProperty("drained").GetBoolean(), Is.True);
            Assert.That(drain.GetProperty("accepted").GetInt64(), Is.EqualTo(2));
            Assert.That(drain.GetProperty("assessed").GetInt64(), Is.EqualTo(drain.GetProperty("accepted").GetInt64()),
                "never more assessed than accepted");
        });
    }

    private sealed class RacingApiFactory(IReadOnlyDictionary<string, string?> settings) : ApiFactory(settings)
    {
        public RacingEventLog Log { get; private set; } = null!;

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureTestServices(services => services.AddSingleton<IEventLog>(sp =>
                Log = new RacingEventLog(sp.GetRequiredService<InMemoryEventStore>())));
        }
    }

    /// <summary>The embedded log, with a hook that runs after the next stats read and before it returns.</summary>
    private sealed class RacingEventLog(InMemoryEventStore inner) : IEventLog
    {
        private Func<Task>? _next;

        public bool Intercepted { get; private set; }

        public void BeforeNextStatsReturn(Func<Task> action) => _next = action;

        public async ValueTask<EventLogStats> GetEventStatsAsync(CancellationToken cancellationToken = default)
        {
            var stats = await inner.GetEventStatsAsync(cancellationToken);
            if (Interlocked.Exchange(ref _next, null) is { } action)
            {
                await action();
                Intercepted = true;
            }

            return stats;
        }

        public ValueTask<AppendOutcome[]> AppendAsync(IReadOnlyList<OttEvent> events, CancellationToken cancellationToken = default) =>
            inner.AppendAsync(events, cancellationToken);

        public ValueTask<IReadOnlyList<OttEvent>> GetUnassessedAsync(DateTimeOffset acceptedBefore, int limit, CancellationToken cancellationToken = default) =>
            inner.GetUnassessedAsync(acceptedBefore, limit, cancellationToken);

        public ValueTask<LoggedEventState> GetStateAsync(string eventId, CancellationToken cancellationToken = default) =>
            inner.GetStateAsync(eventId, cancellationToken);

        public ValueTask MarkFailedAsync(string eventId, CancellationToken cancellationToken = default) =>
            inner.MarkFailedAsync(eventId, cancellationToken);

        public ValueTask<long> EraseUserEventsAsync(string userId, CancellationToken cancellationToken = default) =>
            inner.EraseUserEventsAsync(userId, cancellationToken);
    }
}
