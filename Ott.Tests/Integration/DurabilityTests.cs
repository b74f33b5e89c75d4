using System.Net;
using Ott.Hosting.Storage;
using Ott.Tests.Api;
using Ott.Tests.Support;

namespace Ott.Tests.Integration;

/// <summary>
/// The durable profiles end to end: events posted to the API, the process stopped, a new process started on the same
/// database: the log, the assessments, the counters and the user grains' rolling state are all still there.
/// </summary>
[TestFixture(SqlEngine.Sqlite)]
[TestFixture(SqlEngine.Postgres)]
[NonParallelizable]
public class DurabilityTests(SqlEngine engine)
{
    private PostgresSchema? _schema;
    private string? _folder;
    private Dictionary<string, string?> _settings = null!;

    [SetUp]
    public async Task SetUpAsync()
    {
        _settings = new() { ["Ott:ServiceId"] = $"restart-{Guid.NewGuid():N}"[..24] };
        if (engine == SqlEngine.Postgres)
        {
            _schema = await ExternalServices.FreshPostgresSchemaAsync();
            _settings["Ott:Storage"] = "Postgres";
            _settings["ConnectionStrings:Postgres"] = _schema.ConnectionString;
        }
        else
        {
            _folder = Path.Combine(Path.GetTempPath(), $"ott-restart-{Guid.NewGuid():N}");
            _settings["Ott:Storage"] = "Sqlite";
            _settings["ConnectionStrings:Sqlite"] = $"Data Source={Path.Combine(_folder, "ott.db")}";
        }
    }

    [TearDown]
    public async Task TearDownAsync()
    {
        if (_schema is not null)
        {
            await _schema.DisposeAsync();
        }

        if (_folder is not null)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(_folder, recursive: true);
        }
    }

    [Test]
    public async Task StateAndLogs_SurviveAFullRestart()
    {
        var user = TestEvents.NewId("durable");
        var ids = new List<string>();
        await using (var first = new ApiFactory(_settings))
        {
            var client = await first.ClientForAsync("admin");
            for (var i = 0; i < 5; i++)
            {
                var e = TestEvents.Json(j => j["user_id"] = user);
                ids.Add(e["event_id"]!.GetValue<string>());
                Assert.That((await client.PostEventAsync(e)).StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
            }

            await client.DrainAsync();
            var before = await (await client.GetAsync($"/api/v1/users/{user}/risk")).JsonAsync();
            Assert.That(before.GetProperty("total_events").GetInt64(), Is.EqualTo(5));
        }

        await using var second = new ApiFactory(_settings);
        var again = await second.ClientForAsync("admin");
        var profile = await (await again.GetAsync($"/api/v1/users/{user}/risk")).JsonAsync();
        var assessments = await (await again.GetAsync($"/api/v1/users/{user}/assessments?limit=50")).JsonAsync();
        var stats = await (await again.GetAsync("/stats/summary")).JsonAsync();
        var resent = await (await again.PostEventAsync(TestEvents.Json(j => { j["event_id"] = ids[0]; j["user_id"] = user; }))).JsonAsync();

        Assert.Multiple(() =>
        {
            Assert.That(profile.GetProperty("total_events").GetInt64(), Is.EqualTo(5), "the user grain's rolling state was written on shutdown and read back");
            Assert.That(assessments.EnumerateArray().Select(a => a.GetProperty("event_id").GetString()),
                Is.EquivalentTo(ids), "the assessment log survived");
            Assert.That(stats.GetProperty("processed").GetInt64(), Is.EqualTo(5), "counters live in the database");
            Assert.That(resent.GetProperty("status").GetString(), Is.EqualTo("duplicate"), "dedupe survives a restart");
        });
    }

    [Test]
    public async Task PoliciesActivationsAndBacktests_SurviveAFullRestart_AndTheActiveVersionJudgesAtOnce()
    {
        string backtest;
        int version;
        await using (var first = new ApiFactory(_settings))
        {
            var admin = await first.ClientForAsync("admin");
            using var seed = await admin.PostAsync("/api/v1/decisions", Http.Json(TestEvents.Json()));
            var created = await admin.PostAsync("/api/v1/policies", new StringContent(Engines.Policies.PolicyDecisionTests.Stricter,
                System.Text.Encoding.UTF8, "application/json"));
            version = (await created.JsonAsync()).GetProperty("version").GetInt32();
            Assert.That((await admin.PostAsync($"/api/v1/policies/{version}/activate", null)).StatusCode, Is.EqualTo(HttpStatusCode.OK));
            var started = await admin.PostAsync($"/api/v1/policies/{version}/backtests", Http.Json(new System.Text.Json.Nodes.JsonObject
            {
                ["from"] = DateTimeOffset.UtcNow.AddDays(-1).ToString("O"),
                ["to"] = DateTimeOffset.UtcNow.AddHours(1).ToString("O"),
            }));
            backtest = started.Headers.Location!.ToString();
            await Eventually.WaitAsync(async () => await (await admin.GetAsync(backtest)).JsonAsync(),
                b => b.GetProperty("status").GetString() == "completed", "the backtest to complete");
        }

        await using var second = new ApiFactory(_settings);
        var again = await second.ClientForAsync("admin");
        var list = await (await again.GetAsync("/api/v1/policies")).JsonAsync();
        var activations = await (await again.GetAsync("/api/v1/policies/activations")).JsonAsync();
        var report = await (await again.GetAsync(backtest)).JsonAsync();
        var decision = await (await again.PostAsync("/api/v1/decisions", Http.Json(TestEvents.ConsentlessExport()))).JsonAsync();

        Assert.Multiple(() =>
        {
            Assert.That((list.GetProperty("active").GetInt32(), list.GetProperty("versions").GetArrayLength()), Is.EqualTo((version, 2)));
            Assert.That(activations.EnumerateArray().Select(a => (a.GetProperty("version").GetInt32(), a.GetProperty("by").GetString())),
                Is.EqualTo(new[] { (version, "admin"), (1, "configuration") }));
            Assert.That((report.GetProperty("status").GetString(), report.GetProperty("report").GetProperty("events").GetInt64()), Is.EqualTo(("completed", 1L)));
            Assert.That((decision.GetProperty("policy_version").GetInt32(), decision.GetProperty("decision_rule").GetString()),
                Is.EqualTo((version, "block-consentless-export")), "the first event after the restart is judged by the active version, not the configuration");
        });
    }
}
