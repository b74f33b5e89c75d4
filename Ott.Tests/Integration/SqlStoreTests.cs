using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Orleans.Configuration;
using Orleans.Serialization;
using Orleans.Storage;
using Ott.Grains.Interfaces;
using Ott.Grains.Logs;
using Ott.Hosting.Storage;
using static Ott.Tests.Support.TestEvents;

namespace Ott.Tests.Integration;

/// <summary>The SQL stores against real PostgreSQL and a SQLite file: the same behaviour from both engines.</summary>
[TestFixture(SqlEngine.Postgres)]
[TestFixture(SqlEngine.Sqlite)]
public class SqlStoreTests(SqlEngine engine)
{
    private static readonly Serializer Serializer = new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer>();
    private readonly FakeTimeProvider _time = new(T0);
    private PostgresSchema? _schema;
    private string? _file;
    private SqlDatabase _db = null!;

    [SetUp]
    public async Task SetUpAsync()
    {
        string connection;
        if (engine == SqlEngine.Postgres)
        {
            _schema = await ExternalServices.FreshPostgresSchemaAsync();
            connection = _schema.ConnectionString;
        }
        else
        {
            _file = Path.Combine(Path.GetTempPath(), $"ott-test-{Guid.NewGuid():N}", "ott.db");
            connection = $"Data Source={_file}";
        }

        _db = new SqlDatabase(engine, connection);
        await _db.ApplySchemaAsync();
    }

    [TearDown]
    public async Task TearDownAsync()
    {
        if (_schema is not null)
        {
            await _schema.DisposeAsync();
        }

        if (_file is not null)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(Path.GetDirectoryName(_file)!, recursive: true);
        }
    }

    private SqlGrainStorage Storage(string serviceId = "svc") =>
        new(_db, Serializer, Options.Create(new ClusterOptions { ServiceId = serviceId }), _time);

    private static GrainId Grain(string key) => GrainId.Create("user", key);

    [Test]
    public async Task Schema_AppliedTwice_IsHarmless_AndKeepsData()
    {
        await using var log = new SqlEventStore(_db, new EventLogOptions(), _time);
        await log.AppendAsync([Event(eventId: "kept")]);

        await _db.ApplySchemaAsync();
        await _db.ApplySchemaAsync();

        Assert.That((await log.GetEventStatsAsync()).Accepted, Is.EqualTo(1));
    }

    [Test]
    public async Task History_StreamsAPeriodByUserInEventTimeOrder_WithTheLatestOutcome()
    {
        await using var log = new SqlEventStore(_db, new EventLogOptions(), _time);
        var outcomes = new SqlOutcomeLog(_db);
        await log.AppendAsync([
            Event("hist-b", at: T0.AddMinutes(5), eventId: "b2"),
            Event("hist-a", at: T0.AddMinutes(3), eventId: "a2"),
            Event("hist-b", at: T0.AddMinutes(1), eventId: "b1"),
            Event("hist-a", at: T0.AddMinutes(2), eventId: "a1"),
            Event("hist-a", at: T0.AddMinutes(-5), eventId: "before"),
            Event("hist-c", at: T0.AddMinutes(10), eventId: "after"),
        ]);
        await outcomes.RecordAsync([new RecordedOutcome("a2", "hist-a", T0.AddMinutes(3), false, OutcomeSources.Simulation, "admin", "run-1", T0)]);
        await outcomes.RecordAsync([new RecordedOutcome("a2", "hist-a", T0.AddMinutes(3), true, OutcomeSources.Analyst, "ana", null, T0.AddMinutes(1))]);

        var period = await log.ReadAsync(T0, T0.AddMinutes(10), null).ToListAsync();
        var onlyB = await log.ReadAsync(T0, T0.AddMinutes(10), ["hist-b"]).ToListAsync();
        var a2 = period.Single(h => h.Event.EventId == "a2").Outcome;

        Assert.Multiple(async () =>
        {
            Assert.That(period.Select(h => h.Event.EventId), Is.EqualTo(new[] { "a1", "a2", "b1", "b2" }));
            Assert.That(await log.CountAsync(T0, T0.AddMinutes(10), null), Is.EqualTo(4));
            Assert.That(onlyB.Select(h => h.Event.EventId), Is.EqualTo(new[] { "b1", "b2" }));
            Assert.That(await log.CountAsync(T0, T0.AddMinutes(10), ["hist-b"]), Is.EqualTo(2));
            Assert.That((a2!.ConfirmedViolation, a2.Source, a2.Actor, a2.RunId, a2.EventTime), Is.EqualTo((true, "analyst", "ana", (string?)null, T0.AddMinutes(3))));
            Assert.That(period.Count(h => h.Outcome is not null), Is.EqualTo(1));
            Assert.That(await outcomes.EraseUserOutcomesAsync("hist-a"), Is.EqualTo(1));
            Assert.That(await outcomes.GetAsync("a2"), Is.Null);
        });
    }

    [Test]
    public async Task Schema_AppliedBySeveralProcessesAtOnce_IsHarmless()
    {
        var fresh = engine == SqlEngine.Postgres ? await ExternalServices.FreshPostgresSchemaAsync() : null;
        try
        {
            var connection = fresh?.ConnectionString ?? $"Data Source={Path.Combine(Path.GetDirectoryName(_file)!, "concurrent.db")}";
            var starters = Enumerable.Range(0, 6).Select(_ => new SqlDatabase(engine, connection)).ToList();

            await Task.WhenAll(starters.Select(db => db.ApplySchemaAsync()));

            Assert.That(await starters[0].PingAsync(), Is.True);
        }
        finally
        {
            if (fresh is not null)
            {
                await fresh.DisposeAsync();
            }
        }
    }

    [Test]
    public async Task GrainState_WriteReadClear_RoundTrips()
    {
        var storage = Storage();
        var written = new GrainState<List<string>>(["a", "b"]);
        await storage.WriteStateAsync("user", Grain("u1"), written);

        var read = new GrainState<List<string>>();
        await storage.ReadStateAsync("user", Grain("u1"), read);
        Assert.Multiple(() =>
        {
            Assert.That(read.State, Is.EqualTo(new[] { "a", "b" }));
            Assert.That(read.RecordExists, Is.True);
            Assert.That(read.ETag, Is.EqualTo(written.ETag).And.EqualTo("1"));
        });

        read.State!.Add("c");
        await storage.WriteStateAsync("user", Grain("u1"), read);
        await storage.ClearStateAsync("user", Grain("u1"), read);
        var after = new GrainState<List<string>>();
        await storage.ReadStateAsync("user", Grain("u1"), after);
        Assert.Multiple(() =>
        {
            Assert.That(after.RecordExists, Is.False);
            Assert.That(after.State, Is.Empty);
            Assert.That(after.ETag, Is.EqualTo("3"), "cleared rows keep their version, so a stale writer still conflicts");
        });

        after.State!.Add("again");
        await storage.WriteStateAsync("user", Grain("u1"), after);
        var reborn = new GrainState<List<string>>();
        await storage.ReadStateAsync("user", Grain("u1"), reborn);
        Assert.That(reborn.State, Is.EqualTo(new[] { "again" }));
    }

    [Test]
    public async Task GrainState_ManyGrainsWritingAtOnce_EachKeepsItsVersion_AndOnlyTheStaleOneConflicts()
    {
        var storage = Storage();
        var states = Enumerable.Range(0, 200).Select(i => new GrainState<List<string>>([$"v{i}"])).ToList();
        await Task.WhenAll(states.Select((state, i) => storage.WriteStateAsync("user", Grain($"many-{i}"), state)));
        var stale = new GrainState<List<string>>(["stale"]) { ETag = "7" };

        var writes = states.Select((state, i) => storage.WriteStateAsync("user", Grain($"many-{i}"), state)).ToList();
        var conflict = storage.WriteStateAsync("user", Grain("many-0"), stale);
        await Task.WhenAll(writes);

        await Assert.ThrowsAsync<InconsistentStateException>(() => conflict);
        var read = new GrainState<List<string>>();
        await storage.ReadStateAsync("user", Grain("many-199"), read);
        Assert.Multiple(() =>
        {
            Assert.That(states.Select(s => s.ETag), Has.All.EqualTo("2"), "each grain's two writes, each with its own version");
            Assert.That(read.State, Is.EqualTo(new[] { "v199" }));
            Assert.That(read.ETag, Is.EqualTo("2"));
        });
    }

    [Test]
    public async Task GrainState_ConcurrentWriters_TheStaleOneConflicts()
    {
        var storage = Storage();
        var first = new GrainState<List<string>>();
        var second = new GrainState<List<string>>();
        await storage.ReadStateAsync("user", Grain("u2"), first);
        await storage.ReadStateAsync("user", Grain("u2"), second);

        first.State!.Add("first");
        await storage.WriteStateAsync("user", Grain("u2"), first);
        second.State!.Add("second");
        var conflict = await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("user", Grain("u2"), second));

        await storage.WriteStateAsync("user", Grain("u2"), first);
        var stale = new GrainState<List<string>>(["x"]) { ETag = "1" };
        Assert.That(conflict!.Message, Does.Contain("changed by someone else"));
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("user", Grain("u2"), stale));
    }

    [Test]
    public async Task GrainState_IsKeptPerServiceAndStateName()
    {
        await Storage("a").WriteStateAsync("user", Grain("u3"), new GrainState<List<string>>(["a"]));
        await Storage("b").WriteStateAsync("user", Grain("u3"), new GrainState<List<string>>(["b"]));
        await Storage("a").WriteStateAsync("device", Grain("u3"), new GrainState<List<string>>(["d"]));

        var read = new GrainState<List<string>>();
        await Storage("b").ReadStateAsync("user", Grain("u3"), read);
        Assert.That(read.State, Is.EqualTo(new[] { "b" }));
    }

    [Test]
    public async Task EventLog_DedupesForever_AndCountsInTheDatabase()
    {
        await using var log = new SqlEventStore(_db, new EventLogOptions(), _time);
        var a = Event(eventId: "a");
        var first = await log.AppendAsync([a, Event(eventId: "b"), a]);
        var second = await log.AppendAsync([Event(eventId: "b"), Event(eventId: "c")]);

        await using var reopened = new SqlEventStore(_db, new EventLogOptions(), _time);
        Assert.Multiple(async () =>
        {
            Assert.That(first, Is.EqualTo(new[] { AppendOutcome.Appended, AppendOutcome.Appended, AppendOutcome.Duplicate }));
            Assert.That(second, Is.EqualTo(new[] { AppendOutcome.Duplicate, AppendOutcome.Appended }));
            Assert.That(await reopened.GetEventStatsAsync(), Is.EqualTo(new EventLogStats(3, 2, 3, 0)));
            Assert.That(await reopened.AppendAsync([a]), Is.EqualTo(new[] { AppendOutcome.Duplicate }), "no window: the table is the authority");
        });
    }

    [Test]
    public async Task ConcurrentAppends_AreGroupCommitted_AndEachIdWinsOnce()
    {
        await using var log = new SqlEventStore(_db, new EventLogOptions(), _time);
        var events = Enumerable.Range(0, 2_000).Select(i => Event(eventId: $"c{i % 1_500}")).ToList();

        var outcomes = await Task.WhenAll(events.Chunk(50).Select(chunk => log.AppendAsync(chunk).AsTask()));

        var all = outcomes.SelectMany(o => o).ToList();
        Assert.Multiple(async () =>
        {
            Assert.That(all.Count(o => o == AppendOutcome.Appended), Is.EqualTo(1_500));
            Assert.That(all.Count(o => o == AppendOutcome.Duplicate), Is.EqualTo(500));
            Assert.That((await log.GetEventStatsAsync()).Pending, Is.EqualTo(1_500));
        });
    }

    [Test]
    public async Task Assessments_AreIdempotent_ResolvePending_AndAreReadBack()
    {
        await using var log = new SqlEventStore(_db, new EventLogOptions(), _time);
        var e1 = Event(eventId: "x1", userId: "ux");
        var e2 = Event(eventId: "x2", userId: "ux");
        await log.AppendAsync([e1, e2]);

        await log.AppendAsync(AssessmentOf(e1, RiskLevel.High));
        await log.AppendAsync(AssessmentOf(e1, RiskLevel.Low));
        await Task.WhenAll(log.AppendAsync(AssessmentOf(e2)).AsTask(), log.AppendAsync(AssessmentOf(e2)).AsTask());

        Assert.Multiple(async () =>
        {
            var stats = await log.GetAssessmentStatsAsync();
            Assert.That(stats.Total, Is.EqualTo(2));
            Assert.That(stats.ByLevel[RiskLevel.High], Is.EqualTo(1));
            Assert.That((await log.GetAsync("x1"))!.RiskLevel, Is.EqualTo(RiskLevel.High), "the first assessment stands");
            Assert.That((await log.GetByUserAsync("ux", 10)).Select(a => a.EventId), Is.EqualTo(new[] { "x2", "x1" }));
            Assert.That((await log.GetLatestAsync(1)).Single().EventId, Is.EqualTo("x2"));
            Assert.That((await log.GetEventStatsAsync()).Pending, Is.Zero);
        });
    }

    [Test]
    public async Task Unassessed_AreClaimedOncePerGracePeriod()
    {
        await using var log = new SqlEventStore(_db, new EventLogOptions(), _time);
        var done = Event(eventId: "done");
        await log.AppendAsync([done, Event(eventId: "owed"), Event(eventId: "failed")]);
        await log.AppendAsync(AssessmentOf(done));
        await log.MarkFailedAsync("failed");
        _time.Advance(TimeSpan.FromMinutes(1));

        var claimed = await log.GetUnassessedAsync(_time.GetUtcNow(), 100);
        var again = await log.GetUnassessedAsync(_time.GetUtcNow(), 100);
        _time.Advance(TimeSpan.FromMinutes(1));
        var later = await log.GetUnassessedAsync(_time.GetUtcNow(), 100);

        Assert.Multiple(async () =>
        {
            Assert.That(claimed.Select(e => e.EventId), Is.EqualTo(new[] { "owed" }));
            Assert.That(claimed[0].Timestamp, Is.EqualTo(T0), "the event comes back whole from its JSON payload");
            Assert.That(again, Is.Empty, "claimed by this replay: another silo does not take it in the same period");
            Assert.That(later.Select(e => e.EventId), Is.EqualTo(new[] { "owed" }), "still owed after another grace period: claimed again");
            Assert.That(await log.GetEventStatsAsync(), Is.EqualTo(new EventLogStats(3, 0, 1, 1)));
        });
    }

    [Test]
    public async Task Overloaded_WhenPendingExceedsTheLimit_AndNothingIsWritten()
    {
        await using var log = new SqlEventStore(_db, new EventLogOptions { MaxPending = 1_000 }, _time);
        await log.AppendAsync(Enumerable.Range(0, 990).Select(i => Event(eventId: $"p{i}")).ToList());

        var refused = await log.AppendAsync(Enumerable.Range(0, 20).Select(i => Event(eventId: $"q{i}")).ToList());

        Assert.Multiple(async () =>
        {
            Assert.That(refused, Is.All.EqualTo(AppendOutcome.Overloaded));
            Assert.That((await log.GetEventStatsAsync()).Accepted, Is.EqualTo(990));
        });
    }

    [Test]
    public async Task Erase_And_Purge_RemoveRows()
    {
        await using var log = new SqlEventStore(_db, new EventLogOptions(), _time);
        var old = Event(eventId: "old", userId: "keep", region: "DE", at: T0.AddDays(-400));
        var recent = Event(eventId: "recent", userId: "keep", region: "DE");
        var gone = Event(eventId: "gone", userId: "erase-me", region: "US");
        await log.AppendAsync([old, recent, gone]);
        foreach (var e in new[] { old, recent, gone })
        {
            await log.AppendAsync(AssessmentOf(e));
        }

        var erasedEvents = await log.EraseUserEventsAsync("erase-me");
        var erasedAssessments = await log.EraseUserAssessmentsAsync("erase-me");
        var purged = await log.PurgeAsync(_ => T0.AddDays(-365));

        Assert.Multiple(async () =>
        {
            Assert.That((erasedEvents, erasedAssessments), Is.EqualTo((1L, 1L)));
            Assert.That(purged, Is.EqualTo(new Dictionary<string, long> { ["DE"] = 1 }));
            Assert.That(await log.GetAsync("old"), Is.Null);
            Assert.That(await log.GetAsync("recent"), Is.Not.Null);
            Assert.That(await log.GetByUserAsync("erase-me", 10), Is.Empty);
        });
    }

    [Test]
    public async Task FeatureVectors_RoundTripBesideTheAssessment()
    {
        await using var log = new SqlEventStore(_db, new EventLogOptions(), _time);
        var e = Event(eventId: "vec");
        await log.AppendAsync([e]);
        await log.AppendAsync(AssessmentOf(e) with { FeatureVector = [1.5, 2], BaselineVector = [0.5] });

        var read = await log.GetAsync("vec");
        Assert.Multiple(() =>
        {
            Assert.That(read!.FeatureVector, Is.EqualTo(new[] { 1.5, 2 }));
            Assert.That(read.BaselineVector, Is.EqualTo(new[] { 0.5 }));
        });
    }

    [Test]
    public Task NetworkLinkLog_AppendsInOrder_ReadsBack_AndErasesOneUser() =>
        Support.NetworkLinkLogContract.AppendsInOrder_ReadsBack_AndErasesOneUserAsync(new SqlNetworkLinkLog(_db));

    [Test]
    public Task PiplPersonLog_KeepsEachRecordOncePerRoute_AndRoutesApart() =>
        Support.PiplPersonLogContract.KeepsEachRecordOncePerRoute_AndRoutesApartAsync(new SqlPiplPersonLog(_db));

    [Test]
    public async Task NetworkLinkLog_AppendsALargeBatchInOneCall()
    {
        var log = new SqlNetworkLinkLog(_db);
        var links = Enumerable.Range(0, 20_000).Select(i => new NetworkLink($"u{i % 500}", LinkKind.Ip, $"10.0.{i / 256}.{i % 256}", T0.AddSeconds(i))).ToList();

        await log.AppendAsync(links);

        Assert.That(await log.ReadAllAsync().ToListAsync(), Is.EqualTo(links));
    }

    [Test]
    public async Task AuditLog_AppendsAndQueries()
    {
        var audit = new SqlAuditLog(_db);
        AuditRecord Record(string actor, string target, int minute) => new()
        {
            Time = T0.AddMinutes(minute), Actor = actor, Role = "analyst", Action = "GET /x", TargetKind = "user", Target = target,
            Result = 200, ClientIp = "127.0.0.1",
        };
        var first = await audit.AppendAsync(Record("ana", "u1", 0));
        await audit.AppendAsync(Record("bob", "u1", 1));
        await audit.AppendAsync(Record("ana", "u2", 2));

        Assert.Multiple(async () =>
        {
            Assert.That(first.Id, Is.GreaterThan(0));
            Assert.That((await audit.QueryAsync("ana", null, null, 10)).Select(r => r.Target), Is.EqualTo(new[] { "u2", "u1" }));
            Assert.That((await audit.QueryAsync(null, "u1", T0.AddSeconds(30), 10)).Select(r => r.Actor), Is.EqualTo(new[] { "bob" }));
        });
    }

    [Test]
    public async Task AlertStore_AddsOnce_Repeats_Acknowledges_AndStreams()
    {
        var store = new SqlAlertStore(_db);
        Alert Make(string id, RiskLevel severity, string? user) => new()
        {
            Id = id, Kind = "assessment", Severity = severity, Title = id, Detail = "d", UserId = user, RaisedAt = T0,
        };

        Assert.That(await store.AddAsync(Make("a1", RiskLevel.High, "u1")), Is.True);
        Assert.That(await store.AddAsync(Make("a1", RiskLevel.High, "u1")), Is.False);
        await store.AddAsync(Make("a2", RiskLevel.Critical, null));
        await store.RepeatAsync("a1", 3, T0.AddMinutes(5));
        var acknowledged = await store.AcknowledgeAsync("a1", "ana", T0.AddMinutes(6));
        await store.SetDeliveryAsync("a2", "webhook", "delivered");

        var after = await store.AfterAsync(0, 10);
        Assert.Multiple(async () =>
        {
            Assert.That(acknowledged!.AcknowledgedBy, Is.EqualTo("ana"));
            Assert.That((await store.GetAsync("a1"))!.Count, Is.EqualTo(3));
            Assert.That(after.Select(a => a.Id), Is.EqualTo(new[] { "a1", "a2" }));
            Assert.That(await store.AfterAsync(after[0].Sequence, 10), Has.Count.EqualTo(1));
            Assert.That((await store.QueryAsync(RiskLevel.Critical, null, null, 10)).Select(a => a.Id), Is.EqualTo(new[] { "a2" }));
            Assert.That((await store.QueryAsync(null, null, "u1", 10)).Select(a => a.Id), Is.EqualTo(new[] { "a1" }));
        });
    }

    [Test]
    public async Task AlertStore_ManyAddedAtOnce_EachStoredOnce_TheFirstOfTwinsWins()
    {
        await using var store = new SqlAlertStore(_db);
        Alert Make(string id) => new() { Id = id, Kind = "assessment", Severity = RiskLevel.High, Title = id, Detail = "d", UserId = "u", RaisedAt = T0 };

        // 300 at once (group-committed together), with every id twice.
        var added = await Task.WhenAll(Enumerable.Range(0, 300).Select(i => store.AddAsync(Make($"burst-{i % 150}")).AsTask()));
        var stored = await store.AfterAsync(0, 1_000);

        Assert.Multiple(() =>
        {
            Assert.That(added.Count(a => a), Is.EqualTo(150), "one add per id reports stored");
            Assert.That(added.Take(150), Has.All.True, "the first of each pair");
            Assert.That(stored.Select(a => a.Id).Distinct().Count(), Is.EqualTo(150));
            Assert.That(stored, Has.Count.EqualTo(150));
        });
    }

    [Test]
    public async Task AlertStore_ConcurrentReadModifyWrites_AllLand()
    {
        // Each repeat reads the alert and writes it back in one transaction, from 64 connections at once: no update may be
        // lost or fail (PostgreSQL: row lock; SQLite: transactions begin IMMEDIATE and wait on busy_timeout).
        var store = new SqlAlertStore(_db);
        await store.AddAsync(new Alert { Id = "hot", Kind = "assessment", Severity = RiskLevel.High, Title = "t", Detail = "d", RaisedAt = T0 });

        await Task.WhenAll(Enumerable.Range(1, 64).Select(i => Task.Run(async () => await store.RepeatAsync("hot", i, T0.AddSeconds(i)))));

        var alert = await store.GetAsync("hot");
        Assert.Multiple(() =>
        {
            Assert.That(alert!.Count, Is.EqualTo(64));
            Assert.That(alert.LastSeenAt, Is.EqualTo(T0.AddSeconds(64)));
        });
    }
}
