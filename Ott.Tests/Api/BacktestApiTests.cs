using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ott.Tests.Engines.Policies;
using Ott.Tests.Support;

namespace Ott.Tests.Api;

/// <summary>
/// <c>POST /api/v1/policies/{version}/backtests</c> and <c>GET /api/v1/backtests/{id}</c> through HTTP on a host of
/// its own: the report, its progress and forms, and isolation (live state, alerts and counters exactly unchanged).
/// </summary>
public class BacktestApiTests
{
    private ApiFactory _factory = null!;
    private HttpClient _admin = null!;
    private HttpClient _analyst = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _factory = new ApiFactory(new Dictionary<string, string?> { ["Ott:Policies:Refresh"] = "00:00:00.200" });
        _admin = await _factory.ClientForAsync("admin");
        _analyst = await _factory.ClientForAsync("analyst");
    }

    [OneTimeTearDown]
    public async Task StopAsync() => await _factory.DisposeAsync();

    private async Task<JsonElement> DecideAsync(string user, string region, DateTimeOffset at)
    {
        var json = TestEvents.ConsentlessExport(at, j =>
        {
            j["user_id"] = user;
            j["region"] = region;
        });
        var response = await _admin.PostAsync("/api/v1/decisions", Http.Json(json));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        return await response.JsonAsync();
    }

    /// <summary>What the live system holds for the users: counters, alerts, profiles, assessments.</summary>
    private async Task<string> LiveAsync(params string[] users)
    {
        var parts = new List<string>
        {
            (await (await _analyst.GetAsync("/stats/summary")).JsonAsync()).GetRawText(),
            (await (await _analyst.GetAsync("/api/v1/alerts?limit=1000")).JsonAsync()).GetArrayLength().ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        foreach (var user in users)
        {
            var profile = await (await _analyst.GetAsync($"/api/v1/users/{user}/risk")).JsonAsync();
            parts.Add($"{user}: {profile.GetProperty("total_events").GetInt64()} events, threshold {profile.GetProperty("threshold").GetDouble()}");
            parts.Add((await (await _analyst.GetAsync($"/api/v1/users/{user}/assessments")).JsonAsync()).GetArrayLength().ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        return string.Join("\n", parts);
    }

    [Test]
    public async Task ABacktest_ReportsTheDifference_AndLeavesTheLiveSystemExactlyAsItWas()
    {
        var at = DateTimeOffset.UtcNow.AddMinutes(-30);
        var users = new[] { TestEvents.NewId("bt"), TestEvents.NewId("bt") };
        var first = await DecideAsync(users[0], "DE", at);
        await DecideAsync(users[1], "FR", at.AddMinutes(1));
        await DecideAsync(users[1], "FR", at.AddMinutes(2));
        var outcome = await _analyst.PostAsync($"/api/v1/events/{first.GetProperty("event_id").GetString()}/outcome",
            new StringContent("""{"confirmed_violation":true}""", Encoding.UTF8, "application/json"));
        Assert.That(outcome.StatusCode, Is.EqualTo(HttpStatusCode.OK));

        var candidate = PolicyDecisionTests.StricterFromMedium;
        var created = await (await _admin.PostAsync("/api/v1/policies", new StringContent(candidate, Encoding.UTF8, "application/json"))).JsonAsync();
        var version = created.GetProperty("version").GetInt32();
        var before = await LiveAsync(users);

        var started = await _analyst.PostAsync($"/api/v1/policies/{version}/backtests", Http.Json(new JsonObject
        {
            ["from"] = at.AddMinutes(-1).ToString("O"),
            ["to"] = at.AddMinutes(10).ToString("O"),
            ["users"] = new JsonArray(users.Select(u => (JsonNode?)u).ToArray()),
            ["outcome_sources"] = new JsonArray("analyst"),
        }));
        var location = started.Headers.Location!.ToString();
        var view = await Eventually.WaitAsync(async () => await (await _analyst.GetAsync(location)).JsonAsync(),
            v => v.GetProperty("status").GetString() != "running", "the backtest to finish");
        var report = view.GetProperty("report");
        var html = await (await _analyst.GetAsync(location + "?format=html")).Content.ReadAsStringAsync();
        var csv = await _analyst.GetAsync(location + "?format=csv");
        var list = await (await _analyst.GetAsync("/api/v1/backtests")).JsonAsync();
        var after = await LiveAsync(users);

        Assert.Multiple(async () =>
        {
            Assert.That(started.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
            Assert.That(location, Does.StartWith("/api/v1/backtests/bt-"));
            Assert.That(view.GetProperty("status").GetString(), Is.EqualTo("completed"), view.GetRawText());
            Assert.That((view.GetProperty("events_total").GetInt64(), view.GetProperty("events_replayed").GetInt64()), Is.EqualTo((3L, 3L)));
            Assert.That((report.GetProperty("events").GetInt64(), report.GetProperty("users").GetInt64()), Is.EqualTo((3L, 2L)));
            Assert.That(report.GetProperty("actions").GetProperty("allow").GetProperty("block").GetInt64(), Is.EqualTo(3));
            Assert.That((report.GetProperty("alerts").GetProperty("live").GetInt64(), report.GetProperty("alerts").GetProperty("candidate").GetInt64()),
                Is.EqualTo((0L, 2L)));
            var outcomes = report.GetProperty("outcomes");
            Assert.That((outcomes.GetProperty("labelled").GetInt64(), outcomes.GetProperty("candidate").GetProperty("true_positives").GetInt64(),
                outcomes.GetProperty("live").GetProperty("false_negatives").GetInt64()), Is.EqualTo((1L, 1L, 1L)));
            Assert.That(html, Does.Contain("Risk levels: live (rows) to candidate (columns)").And.Contain("block-consentless-export"));
            Assert.That(csv.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/csv"));
            Assert.That(list[0].GetProperty("id").GetString(), Is.EqualTo(location["/api/v1/backtests/".Length..]));
            Assert.That(after, Is.EqualTo(before), "live counters, alerts, profiles and assessments are exactly as before");
            Assert.That((await _analyst.GetAsync("/api/v1/backtests/bt-unknown")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        });
    }

    [Test]
    public async Task BadRequests_AreRefusedWithTheField()
    {
        var now = DateTimeOffset.UtcNow;
        async Task<(HttpStatusCode, string)> StartAsync(string version, JsonObject body)
        {
            var response = await _analyst.PostAsync($"/api/v1/policies/{version}/backtests", Http.Json(body));
            var json = await response.JsonAsync();
            return (response.StatusCode, json.TryGetProperty("errors", out var e) ? string.Join(",", e.EnumerateObject().Select(p => p.Name)) : "");
        }

        Assert.Multiple(async () =>
        {
            Assert.That(await StartAsync("1", new JsonObject { ["to"] = now.ToString("O") }), Is.EqualTo((HttpStatusCode.UnprocessableEntity, "from")));
            Assert.That(await StartAsync("1", new JsonObject { ["from"] = now.ToString("O"), ["to"] = now.AddDays(-1).ToString("O") }),
                Is.EqualTo((HttpStatusCode.UnprocessableEntity, "to")));
            Assert.That(await StartAsync("1", new JsonObject { ["from"] = now.AddDays(-400).ToString("O"), ["to"] = now.ToString("O") }),
                Is.EqualTo((HttpStatusCode.UnprocessableEntity, "to")));
            Assert.That(await StartAsync("1", new JsonObject { ["from"] = now.AddDays(-1).ToString("O"), ["to"] = now.ToString("O"), ["outcome_sources"] = new JsonArray("rumour") }),
                Is.EqualTo((HttpStatusCode.UnprocessableEntity, "outcome_sources")));
            Assert.That((await StartAsync("4040", new JsonObject { ["from"] = now.AddDays(-1).ToString("O"), ["to"] = now.ToString("O") })).Item1,
                Is.EqualTo(HttpStatusCode.NotFound));
        });
    }
}
