using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Ott.Grains.Interfaces;
using Ott.Tests.Engines;
using Ott.Tests.Support;

namespace Ott.Tests.Api;

public class ComplianceApiTests
{
    private static HttpClient Client => ApiFixture.Client;

    private static IEnumerable<TestCaseData> Laws() => ComplianceEngineTests.Laws();

    private static IEnumerable<(string Regulation, string Rule, string Article)> Violations(JsonElement compliance) =>
        compliance.GetProperty("violations").EnumerateArray()
            .Select(v => (v.GetProperty("regulation").GetString()!, v.GetProperty("rule").GetString()!, v.GetProperty("article").GetString()!));

    [TestCaseSource(nameof(Laws))]
    public async Task Check_AndIngest_GiveTheSameVerdict(string law, OttEvent violating, string rule, string article, OttEvent compliant, OttEvent elsewhere)
    {
        var user = TestEvents.NewId("law");
        var bad = violating with { EventId = TestEvents.NewId(), UserId = user };
        var good = compliant with { EventId = TestEvents.NewId(), UserId = TestEvents.NewId("law") };

        var checkBad = await (await Client.PostAsync("/api/v1/compliance/check", Http.Json(TestEvents.ToJson(bad)))).JsonAsync();
        var checkGood = await (await Client.PostAsync("/api/v1/compliance/check", Http.Json(TestEvents.ToJson(good)))).JsonAsync();
        await Client.PostBatchAsync(TestEvents.ToJson(bad), TestEvents.ToJson(good));
        await Client.DrainAsync();
        var assessed = await (await Client.GetAsync($"/api/v1/events/{bad.EventId}/assessment")).JsonAsync();
        var profile = await (await Client.GetAsync($"/api/v1/users/{user}/risk")).JsonAsync();

        Assert.Multiple(() =>
        {
            Assert.That(checkBad.GetProperty("is_compliant").GetBoolean(), Is.False);
            Assert.That(Violations(checkBad), Does.Contain((law, rule, article)));
            Assert.That(Violations(checkGood).Where(v => v.Regulation == law), Is.Empty);
            Assert.That(Violations(assessed.GetProperty("compliance")), Is.EqualTo(Violations(checkBad)), "ingest judges like the check");
            Assert.That(profile.GetProperty("recent_violations").EnumerateArray().Select(v => v.GetProperty("violation").GetProperty("rule").GetString()),
                Does.Contain(rule));
            Assert.That(profile.GetProperty("features").GetProperty("violations_30d").GetInt32(), Is.EqualTo(checkBad.GetProperty("violations").GetArrayLength()));
        });
    }

    [Test]
    public async Task Check_ValidatesLikeIngest_AndIngestsNothing()
    {
        var invalid = await Client.PostAsync("/api/v1/compliance/check", Http.Json(TestEvents.Json(j => j["region"] = "ZZ")));
        var json = TestEvents.Json();
        var valid = await Client.PostAsync("/api/v1/compliance/check", Http.Json(json));
        await Client.DrainAsync();

        Assert.Multiple(async () =>
        {
            Assert.That(invalid.StatusCode, Is.EqualTo(HttpStatusCode.UnprocessableEntity));
            Assert.That(valid.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That((await Client.GetAsync($"/api/v1/events/{json["event_id"]}/assessment")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        });
    }

    [Test]
    public async Task Regulations_ListAndDetail()
    {
        var list = await (await Client.GetAsync("/api/v1/regulations")).JsonAsync();
        var gdpr = await (await Client.GetAsync("/api/v1/regulations/gdpr")).JsonAsync();
        var unknown = await Client.GetAsync("/api/v1/regulations/HIPAA");

        Assert.Multiple(() =>
        {
            Assert.That(list.GetProperty("regulations").GetArrayLength(), Is.EqualTo(17));
            Assert.That(list.GetProperty("pack_version").GetString(), Is.EqualTo("2026.11.24"));
            Assert.That(gdpr.GetProperty("code").GetString(), Is.EqualTo("GDPR"));
            Assert.That(gdpr.GetProperty("children").GetProperty("age_overrides").GetProperty("FR").GetInt32(), Is.EqualTo(15));
            Assert.That(gdpr.GetProperty("sources").GetArrayLength(), Is.GreaterThan(0));
            Assert.That(gdpr.GetProperty("breach").GetProperty("notice_hours").GetDouble(), Is.EqualTo(72));
            Assert.That(unknown.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        });
    }

    [Test]
    public async Task DeletionRequest_IsListedWithDeadlines_OverdueAfterIt_AndCanBeCompleted()
    {
        var user = TestEvents.NewId("dsr");
        var opened = DateTimeOffset.UtcNow.AddDays(-31);
        var request = TestEvents.Json(j => { j["user_id"] = user; j["event_type"] = "data_deletion_request"; j["region"] = "DE"; j["is_eu"] = true; }, at: opened);
        var requestId = request["event_id"]!.GetValue<string>();
        await Client.PostEventAsync(request);
        await Client.DrainAsync();

        var overdue = await (await Client.GetAsync("/api/v1/requests?status=overdue")).JsonAsync();
        var mine = overdue.EnumerateArray().Single(r => r.GetProperty("request").GetProperty("request_id").GetString() == requestId);
        var later = TestEvents.Json(j => { j["user_id"] = user; j["region"] = "DE"; j["is_eu"] = true; });
        await Client.PostEventAsync(later);
        await Client.DrainAsync();
        var laterAssessment = await (await Client.GetAsync($"/api/v1/events/{later["event_id"]}/assessment")).JsonAsync();

        var completed = await Client.PostAsync($"/api/v1/requests/{requestId}/complete", null);
        var afterComplete = TestEvents.Json(j => { j["user_id"] = user; j["region"] = "DE"; j["is_eu"] = true; });
        await Client.PostEventAsync(afterComplete);
        await Client.DrainAsync();
        var cleanAssessment = await (await Client.GetAsync($"/api/v1/events/{afterComplete["event_id"]}/assessment")).JsonAsync();
        var unknown = await Client.PostAsync("/api/v1/requests/no-such-request/complete", null);

        Assert.Multiple(async () =>
        {
            Assert.That(mine.GetProperty("status").GetString(), Is.EqualTo("overdue"));
            Assert.That(mine.GetProperty("overdue_under").EnumerateArray().Select(e => e.GetString()), Is.EqualTo(new[] { "GDPR" }));
            var deadline = mine.GetProperty("request").GetProperty("deadlines")[0];
            Assert.That(deadline.GetProperty("regulation").GetString(), Is.EqualTo("GDPR"));
            Assert.That(DateTimeOffset.Parse(deadline.GetProperty("due").GetString()!, System.Globalization.CultureInfo.InvariantCulture),
                Is.EqualTo(opened.AddDays(30)).Within(TimeSpan.FromSeconds(1)));
            Assert.That(Violations(laterAssessment.GetProperty("compliance")).Select(v => v.Rule), Is.EqualTo(new[] { ComplianceRules.RequestOverdue }));
            Assert.That(laterAssessment.GetProperty("factors").EnumerateArray().Select(f => f.GetProperty("code").GetString()), Does.Contain("regulation_violation"));
            Assert.That((await completed.JsonAsync()).GetProperty("status").GetString(), Is.EqualTo("completed"));
            Assert.That(cleanAssessment.GetProperty("compliance").GetProperty("is_compliant").GetBoolean(), Is.True);
            Assert.That(unknown.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        });
    }

    [Test]
    public async Task ManualIncident_HasOneClockPerLaw_SoonestFirst_AndRecordsNotices()
    {
        var created = await Client.PostAsJsonAsync("/api/v1/incidents", new { reason = "stolen laptop", regions = new[] { "DE", "CN" } });
        var incident = await created.JsonAsync();
        var id = incident.GetProperty("id").GetString()!;
        var notified = await (await Client.PostAsJsonAsync($"/api/v1/incidents/{id}/notified", new { regulation = "PIPL" })).JsonAsync();
        var list = await (await Client.GetAsync("/api/v1/incidents")).JsonAsync();
        var invalid = await Client.PostAsJsonAsync("/api/v1/incidents", new { reason = "x" });

        Assert.Multiple(() =>
        {
            Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created));
            var clocks = incident.GetProperty("clocks").EnumerateArray().Select(c => c.GetProperty("deadline")).ToList();
            Assert.That(clocks.Select(c => c.GetProperty("regulation").GetString()), Is.EqualTo(new[] { "GDPR", "PIPL" }));
            var opened = DateTimeOffset.Parse(incident.GetProperty("opened_at").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
            Assert.That(DateTimeOffset.Parse(clocks[0].GetProperty("due").GetString()!, System.Globalization.CultureInfo.InvariantCulture),
                Is.EqualTo(opened.AddHours(72)).Within(TimeSpan.FromMilliseconds(1)));
            Assert.That(incident.GetProperty("next_due").GetString(), Is.EqualTo(clocks[1].GetProperty("due").GetString()), "PIPL: immediately");
            Assert.That(notified.GetProperty("next_due").GetString(), Is.EqualTo(clocks[0].GetProperty("due").GetString()), "after the PIPL notice, GDPR's 72 h is next");
            Assert.That(list.EnumerateArray().Any(i => i.GetProperty("id").GetString() == id), Is.True);
            Assert.That(invalid.StatusCode, Is.EqualTo(HttpStatusCode.UnprocessableEntity));
        });
    }

    [Test]
    public async Task BulkExfiltration_OpensAnIncidentAutomatically()
    {
        var user = TestEvents.NewId("exfil");
        await Client.PostEventAsync(TestEvents.Json(j => { j["user_id"] = user; j["event_type"] = "bulk_download"; j["records_accessed"] = 25_000; j["region"] = "KR"; }));
        await Client.DrainAsync();

        var list = await (await Client.GetAsync("/api/v1/incidents")).JsonAsync();
        var mine = list.EnumerateArray().Single(i => i.GetProperty("users").EnumerateArray().Any(u => u.GetString() == user));
        Assert.Multiple(() =>
        {
            Assert.That(mine.GetProperty("source").GetString(), Is.EqualTo("automatic"));
            Assert.That(mine.GetProperty("clocks")[0].GetProperty("deadline").GetProperty("regulation").GetString(), Is.EqualTo("PIPA"));
        });
    }

    [Test]
    public async Task PiplTransfers_CountDistinctPersonsPerRoute()
    {
        var year = DateTimeOffset.UtcNow.Year;
        var before = await (await Client.GetAsync($"/api/v1/regulations/PIPL/transfers?year={year}")).JsonAsync();
        long Persons(JsonElement body, string route) =>
            body.GetProperty("routes").EnumerateArray().Where(r => r.GetProperty("route").GetString() == route).Select(r => r.GetProperty("persons").GetInt64()).FirstOrDefault();
        var users = Enumerable.Range(0, 3).Select(_ => TestEvents.NewId("cn")).ToList();

        await Client.PostBatchAsync(users.SelectMany(u => new[]
        {
            TestEvents.Json(j => { j["user_id"] = u; j["region"] = "CN"; j["processing_region"] = "DE"; j["consent_purposes"] = new System.Text.Json.Nodes.JsonArray("cross_border_transfer"); }),
            TestEvents.Json(j => { j["user_id"] = u; j["region"] = "CN"; j["processing_region"] = "DE"; }),
        }).ToArray());
        await Client.DrainAsync();
        var after = await (await Client.GetAsync($"/api/v1/regulations/PIPL/transfers?year={year}")).JsonAsync();

        var route = after.GetProperty("routes").EnumerateArray().Single(r => r.GetProperty("route").GetString() == "CN-DE");
        Assert.Multiple(() =>
        {
            Assert.That(Persons(after, "CN-DE") - Persons(before, "CN-DE"), Is.EqualTo(3));
            Assert.That(route.GetProperty("thresholds").GetProperty("persons").GetInt64(), Is.EqualTo(100_000));
            Assert.That(route.GetProperty("thresholds").GetProperty("sensitive_persons").GetInt64(), Is.EqualTo(10_000));
        });
    }
}
