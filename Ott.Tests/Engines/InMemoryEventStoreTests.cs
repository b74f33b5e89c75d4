using Microsoft.Extensions.Time.Testing;
using Ott.Grains.Interfaces;
using Ott.Grains.Logs;
using static Ott.Tests.Support.TestEvents;

namespace Ott.Tests.Engines;

public class InMemoryEventStoreTests
{
    private readonly FakeTimeProvider _time = new(T0);

    [Test]
    public async Task Append_DedupesByEventId_AcrossAndWithinBatches()
    {
        var store = new InMemoryEventStore(new EventLogOptions(), _time);
        var a = Event(eventId: "a");
        var b = Event(eventId: "b");

        var first = await store.AppendAsync([a, b, a]);
        var second = await store.AppendAsync([b, Event(eventId: "c")]);

        Assert.Multiple(async () =>
        {
            Assert.That(first, Is.EqualTo(new[] { AppendOutcome.Appended, AppendOutcome.Appended, AppendOutcome.Duplicate }));
            Assert.That(second, Is.EqualTo(new[] { AppendOutcome.Duplicate, AppendOutcome.Appended }));
            Assert.That(await store.GetEventStatsAsync(), Is.EqualTo(new EventLogStats(3, 2, 3, 0)));
        });
    }

    [Test]
    public async Task Dedupe_ForgetsTheOldestIdsBeyondItsCapacity()
    {
        var store = new InMemoryEventStore(new EventLogOptions { DedupeCapacity = 1_000, MaxPending = 10_000 }, _time);
        await store.AppendAsync(Enumerable.Range(0, 1_001).Select(i => Event(eventId: $"e{i}")).ToList());

        var again = await store.AppendAsync([Event(eventId: "e0"), Event(eventId: "e1000")]);

        Assert.That(again, Is.EqualTo(new[] { AppendOutcome.Appended, AppendOutcome.Duplicate }), "e0 was forgotten, e1000 is remembered");
    }

    [Test]
    public async Task Append_BeyondMaxPending_IsOverloadedAndAcceptsNothing()
    {
        var store = new InMemoryEventStore(new EventLogOptions { MaxPending = 100 }, _time);
        await store.AppendAsync(Enumerable.Range(0, 99).Select(i => Event(eventId: $"e{i}")).ToList());

        var outcome = await store.AppendAsync([Event(eventId: "x"), Event(eventId: "y")]);

        Assert.Multiple(async () =>
        {
            Assert.That(outcome, Is.EqualTo(new[] { AppendOutcome.Overloaded, AppendOutcome.Overloaded }));
            Assert.That((await store.GetEventStatsAsync()).Pending, Is.EqualTo(99));
        });
    }

    [Test]
    public async Task Assessment_ClearsPending_AndIsIdempotent()
    {
        var store = new InMemoryEventStore(new EventLogOptions(), _time);
        var e = Event(eventId: "e1");
        await store.AppendAsync([e]);

        await store.AppendAsync(AssessmentOf(e, RiskLevel.High));
        await store.AppendAsync(AssessmentOf(e, RiskLevel.High));

        var stats = await store.GetAssessmentStatsAsync();
        Assert.Multiple(async () =>
        {
            Assert.That((await store.GetEventStatsAsync()).Pending, Is.EqualTo(0));
            Assert.That(stats.Total, Is.EqualTo(1));
            Assert.That(stats.ByLevel[RiskLevel.High], Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Unassessed_AreReturnedAfterTheirAcceptTime()
    {
        var store = new InMemoryEventStore(new EventLogOptions(), _time);
        await store.AppendAsync([Event(eventId: "old")]);
        _time.Advance(TimeSpan.FromSeconds(40));
        await store.AppendAsync([Event(eventId: "new")]);

        var due = await store.GetUnassessedAsync(_time.GetUtcNow() - TimeSpan.FromSeconds(30), 100);

        Assert.That(due.Select(e => e.EventId), Is.EqualTo(new[] { "old" }));
    }

    [Test]
    public async Task Assessments_AreBounded_AndReadNewestFirst()
    {
        var store = new InMemoryEventStore(new EventLogOptions { AssessmentCapacity = 100 }, _time);
        var events = Enumerable.Range(0, 150).Select(i => Event(userId: i % 2 == 0 ? "even" : "odd", eventId: $"e{i}")).ToList();
        foreach (var e in events)
        {
            await store.AppendAsync(AssessmentOf(e));
        }

        var latest = await store.GetLatestAsync(3);
        var even = await store.GetByUserAsync("even", 1_000);
        Assert.Multiple(async () =>
        {
            Assert.That(latest.Select(a => a.EventId), Is.EqualTo(new[] { "e149", "e148", "e147" }));
            Assert.That(even, Has.Count.EqualTo(50), "100 kept, half of them even");
            Assert.That(even[0].EventId, Is.EqualTo("e148"));
            Assert.That(await store.GetAsync("e49"), Is.Null, "evicted");
            Assert.That(await store.GetAsync("e50"), Is.Not.Null);
            Assert.That((await store.GetAssessmentStatsAsync()).Total, Is.EqualTo(150), "counters cover every assessment");
        });
    }

    [Test]
    public async Task Failed_LeavesPendingAndIsCounted()
    {
        var store = new InMemoryEventStore(new EventLogOptions(), _time);
        await store.AppendAsync([Event(eventId: "f")]);

        await store.MarkFailedAsync("f");

        Assert.That(await store.GetEventStatsAsync(), Is.EqualTo(new EventLogStats(1, 0, 0, 1)));
    }
}
