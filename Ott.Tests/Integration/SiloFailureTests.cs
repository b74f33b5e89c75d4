using System.Diagnostics;
using System.Globalization;
using Npgsql;
using Ott.Tests.Api;

namespace Ott.Tests.Integration;

/// <summary>
/// The production shape under failure, as processes: two silos and an API client on Redis and PostgreSQL, events
/// posted continuously, one silo killed with SIGKILL mid-stream (or a third silo added). Every acknowledged event must
/// end with exactly one assessment, and nothing that was not acknowledged may be counted.
/// <c>OTT_KILL_TRIALS</c> sets the number of kill trials (3 by default; bench/silo-kill.sh runs 20) and
/// <c>OTT_KILL_REPORT</c> a file each trial appends its figures to.
/// </summary>
[NonParallelizable]
[Category("Process")]
public class SiloFailureTests
{
    // How long the load runs around the kill or the join: the scenario's length, not a wait for a condition (every
    // condition afterwards is awaited with a deadline: WaitForNoPendingAsync).
    private static readonly TimeSpan LoadBeforeKill = TimeSpan.FromSeconds(8);
    private static readonly TimeSpan LoadAfterKill = TimeSpan.FromSeconds(12);
    private static readonly TimeSpan LoadBeforeJoin = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan LoadAfterJoin = TimeSpan.FromSeconds(10);
    private const long MinimumActivationsOnJoiner = 100;

    /// <summary>
    /// The product's membership and replay defaults. <c>OTT_KILL_SETTINGS</c> adds settings to every process
    /// ("Ott__Membership__ProbeTimeout=00:00:02;..."), to measure other timings with bench/silo-kill.sh.
    /// </summary>
    private static readonly Dictionary<string, string> Settings = new Dictionary<string, string>
    {
        ["Ott__Aggregation__FlushInterval"] = "00:00:01",
    }.Concat((Environment.GetEnvironmentVariable("OTT_KILL_SETTINGS") ?? "")
        .Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .Select(s => s.Split('=', 2)).Select(p => new KeyValuePair<string, string>(p[0], p.Length > 1 ? p[1] : "")))
    .ToDictionary();

    /// <summary>
    /// The kill trials' settings: a replay grace period of 10 minutes, so that within the 120 s wait below only the
    /// replay the silo's death starts can assess what the dead silo held; a trial fails if that replay does not work
    /// (with the 30 s default the periodic replay would hide it). Unless OTT_KILL_SETTINGS sets the grace period.
    /// </summary>
    private static readonly Dictionary<string, string> KillSettings = Settings.ContainsKey("Ott__Replay__GracePeriod")
        ? Settings
        : new Dictionary<string, string>(Settings) { ["Ott__Replay__GracePeriod"] = "00:10:00" };

    /// <summary>
    /// The load around the kill: a steady 1,000 events/s, below what two silos on two cores assess, so a backlog does
    /// not hide what the kill costs; <c>OTT_KILL_RATE</c> sets another rate (0: as fast as the cluster answers).
    /// </summary>
    private static readonly int KillLoadRate =
        int.TryParse(Environment.GetEnvironmentVariable("OTT_KILL_RATE"), out var rate) && rate >= 0 ? rate : 1_000;

    public static IEnumerable<int> Trials() =>
        Enumerable.Range(1, int.TryParse(Environment.GetEnvironmentVariable("OTT_KILL_TRIALS"), out var n) && n > 0 ? n : 3);

    [TestCaseSource(nameof(Trials))]
    public async Task KillingASilo_UnderLoad_LosesAndDoublesNothing(int trial)
    {
        await using var schema = await ExternalServices.FreshPostgresSchemaAsync();
        await using var cluster = new ProcessCluster(ExternalServices.Redis, schema.ConnectionString, KillSettings);
        await Task.WhenAll(cluster.StartSiloAsync(), cluster.StartSiloAsync());
        var client = await cluster.StartApiAsync();
        var load = new LoadGenerator(client, $"k{trial}", eventsPerSecond: KillLoadRate);

        using var stop = new CancellationTokenSource();
        var running = load.RunAsync(TimeSpan.FromSeconds(90), stop.Token);
        await Task.Delay(LoadBeforeKill);
        var victim = cluster.Silos[trial % 2];
        var killedAtUtc = DateTimeOffset.UtcNow;
        victim.Kill();
        var killedAt = Stopwatch.GetTimestamp();
        var held = HeldAssessedAsync(schema.ConnectionString, killedAtUtc, TimeSpan.FromSeconds(120));
        await Task.Delay(LoadAfterKill);
        var loadStopped = Stopwatch.GetTimestamp();
        await stop.CancelAsync();
        await running;

        var pending = await WaitForNoPendingAsync(schema.ConnectionString, TimeSpan.FromSeconds(120), cluster);
        var recovered = Stopwatch.GetElapsedTime(killedAt);
        var heldAssessed = await held;
        var logged = await IdsAsync(schema.ConnectionString, "SELECT event_id FROM ott_events");
        var assessed = await IdsAsync(schema.ConnectionString, "SELECT event_id FROM ott_assessments");
        var counted = await CounterAsync(schema.ConnectionString, "assessed");
        var acknowledged = load.Acknowledged.ToHashSet(StringComparer.Ordinal);
        var lost = acknowledged.Count(id => !assessed.Contains(id));
        var unacknowledgedCounted = load.Unacknowledged.Count(logged.Contains);
        var notAcknowledgedButLogged = logged.Count(id => !acknowledged.Contains(id));

        var report = string.Join('\t', trial, acknowledged.Count, load.Unacknowledged.Count, logged.Count, assessed.Count, counted, lost,
            counted - assessed.Count, notAcknowledgedButLogged, load.Retries, Math.Round(recovered.TotalSeconds, 1),
            string.Join(',', load.Failures.Select(f => $"{f.Key}:{f.Value}")) is { Length: > 0 } failures ? failures : "-",
            load.AcknowledgedAfter(killedAt), Math.Round(load.LongestGapWithoutAcknowledgement(killedAt, loadStopped).TotalSeconds, 1),
            heldAssessed is { } h ? Math.Round(h.TotalSeconds, 1).ToString(CultureInfo.InvariantCulture) : "-");
        await TestContext.Out.WriteLineAsync("trial\tacked\tunacked\tlogged\tassessed\tcounted\tlost\tdoubled\tlogged-unacked\tretries\trecovery_s\tfailures\tacked_after_kill\tstall_s\theld_assessed_s");
        await TestContext.Out.WriteLineAsync(report);
        if (Environment.GetEnvironmentVariable("OTT_KILL_REPORT") is { Length: > 0 } file)
        {
            await File.AppendAllTextAsync(file, report + Environment.NewLine);
        }

        Assert.Multiple(() =>
        {
            Assert.That(acknowledged, Has.Count.GreaterThan(1_000), "the load ran through the kill");
            Assert.That(pending, Is.Zero, "every logged event was assessed after the kill");
            Assert.That(lost, Is.Zero, "acknowledged events without an assessment");
            Assert.That(counted, Is.EqualTo(assessed.Count), "the assessed counter counts each assessment once");
            Assert.That(assessed.SetEquals(logged), Is.True, "exactly the logged events are assessed");
            Assert.That(unacknowledgedCounted, Is.Zero, "events never acknowledged were counted");
            Assert.That(notAcknowledgedButLogged, Is.Zero, "the log holds only acknowledged events");
        });
    }

    [Test]
    public async Task AThirdSilo_JoiningUnderLoad_TakesGrains_WithoutErrors()
    {
        await using var schema = await ExternalServices.FreshPostgresSchemaAsync();
        await using var cluster = new ProcessCluster(ExternalServices.Redis, schema.ConnectionString, Settings);
        await Task.WhenAll(cluster.StartSiloAsync(), cluster.StartSiloAsync());
        var client = await cluster.StartApiAsync();
        var load = new LoadGenerator(client, "join", users: 20_000);

        using var stop = new CancellationTokenSource();
        var running = load.RunAsync(TimeSpan.FromSeconds(60), stop.Token);
        await Task.Delay(LoadBeforeJoin);
        var third = await cluster.StartSiloAsync();
        await Task.Delay(LoadAfterJoin);

        // A slow machine joins later and sends fewer events in the same time: the load goes on until the new silo
        // holds grains (or the deadline passes and the assertion below fails with the count it saw).
        var joinDeadline = DateTime.UtcNow + TimeSpan.FromSeconds(40);
        while (await ActivationsAsync(client, third) <= MinimumActivationsOnJoiner && DateTime.UtcNow < joinDeadline)
        {
            // Poll interval of the condition above (the cluster view has no change notification); the deadline bounds it.
            await Task.Delay(1_000);
        }

        await stop.CancelAsync();
        await running;
        await WaitForNoPendingAsync(schema.ConnectionString, TimeSpan.FromSeconds(60), cluster);

        var view = await (await client.GetAsync("/api/v1/cluster")).JsonAsync();
        var thirdActivations = await ActivationsAsync(client, third);
        await TestContext.Out.WriteLineAsync(
            $"acknowledged {load.Acknowledged.Count}, activations on the joined silo {thirdActivations}, cluster view {view}");
        var assessed = await IdsAsync(schema.ConnectionString, "SELECT event_id FROM ott_assessments");

        // The silos' /metrics were never scraped before: every event since their start must be in the first scrape.
        using var scraper = new HttpClient();
        double acceptedInMetrics = 0;
        foreach (var silo in cluster.Silos)
        {
            acceptedInMetrics += Ott.Tests.Support.PrometheusText.Sum(
                await scraper.GetStringAsync(new Uri(silo.BaseAddress, "/metrics")), "ott_pipeline_events_received", "outcome=\"accepted\"");
        }

        Assert.Multiple(() =>
        {
            Assert.That(acceptedInMetrics, Is.EqualTo(load.Acknowledged.Count), "the silos' first scrape counts every accepted event");
            Assert.That(view.GetProperty("active").GetInt32(), Is.EqualTo(3));
            Assert.That(thirdActivations, Is.GreaterThan(MinimumActivationsOnJoiner), "new users' grains were placed on the new silo");
            Assert.That(load.Retries, Is.Zero, $"no request failed while the silo joined ({string.Join(", ", load.Failures)})");
            Assert.That(load.Unacknowledged, Is.Empty);
            Assert.That(assessed.SetEquals(load.Acknowledged), Is.True, "every acknowledged event assessed once");
        });
    }

    private static async Task<long> ActivationsAsync(HttpClient client, ProcessCluster.Node silo)
    {
        var view = await (await client.GetAsync("/api/v1/cluster")).JsonAsync();
        return view.GetProperty("silos").EnumerateArray()
            .Single(s => s.GetProperty("address").GetString()!.Contains($":{silo.SiloPort}@", StringComparison.Ordinal))
            .GetProperty("activations").GetInt64();
    }

    private static async Task<long> WaitForNoPendingAsync(string connectionString, TimeSpan timeout, ProcessCluster cluster)
    {
        var deadline = DateTime.UtcNow + timeout;
        long pending;
        do
        {
            pending = await ScalarAsync(connectionString, "SELECT count(*) FROM ott_events WHERE state = 0");
            if (pending == 0)
            {
                return 0;
            }

            await Task.Delay(500);
        }
        while (DateTime.UtcNow < deadline);

        await TestContext.Out.WriteLineAsync(cluster.Tails());
        return pending;
    }

    /// <summary>
    /// How long after the kill the last event logged before it was assessed (what the dead silo held is among them);
    /// null when that did not happen within <paramref name="timeout"/>. Polled every 250 ms while the load goes on.
    /// </summary>
    private static async Task<TimeSpan?> HeldAssessedAsync(string connectionString, DateTimeOffset killedAt, TimeSpan timeout)
    {
        var started = Stopwatch.GetTimestamp();
        var sql = $"SELECT count(*) FROM ott_events WHERE state = 0 AND accepted_at <= {killedAt.UtcTicks}";
        while (Stopwatch.GetElapsedTime(started) < timeout)
        {
            if (await ScalarAsync(connectionString, sql) == 0)
            {
                return Stopwatch.GetElapsedTime(started);
            }

            await Task.Delay(250);
        }

        return null;
    }

    private static async Task<HashSet<string>> IdsAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }

    private static async Task<long> CounterAsync(string connectionString, string name) =>
        await ScalarAsync(connectionString, $"SELECT coalesce(max(value), 0) FROM ott_counters WHERE name = '{name}'");

    private static async Task<long> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }
}
