using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ott.Tests.Engines.Policies;
using Ott.Tests.Support;

namespace Ott.Tests.Api;

/// <summary>
/// <c>/api/v1/policies</c> through HTTP, on a host of its own (an activated policy changes the exact scores the
/// shared host's tests expect): drafts, refusals with paths, reads, diff, activation, rollback, audit.
/// </summary>
public class PolicyApiTests
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

    private static StringContent Body(string json) => new(json, Encoding.UTF8, "application/json");

    private async Task<JsonElement> DecideExportAsync()
    {
        var json = TestEvents.ConsentlessExport();
        var response = await _admin.PostAsync("/api/v1/decisions", Http.Json(json));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        return await response.JsonAsync();
    }

    private async Task<int> ActiveAsync() => (await (await _analyst.GetAsync("/api/v1/policies")).JsonAsync()).GetProperty("active").GetInt32();

    [Test]
    public async Task ADraft_IsStored_Diffed_Activated_ThenRolledBack_AndEveryAssessmentNamesItsVersionAndRule()
    {
        var live = await DecideExportAsync();
        var liveVersion = live.GetProperty("policy_version").GetInt32();

        var created = await _admin.PostAsync("/api/v1/policies", Body(PolicyDecisionTests.Stricter));
        var draft = await created.JsonAsync();
        var version = draft.GetProperty("version").GetInt32();
        var one = await (await _analyst.GetAsync($"/api/v1/policies/{version}")).JsonAsync();
        var diff = await (await _analyst.GetAsync($"/api/v1/policies/{liveVersion}/diff/{version}")).JsonAsync();

        var activated = await _admin.PostAsync($"/api/v1/policies/{version}/activate", null);
        var activation = await activated.JsonAsync();
        var strict = await Eventually.WaitAsync(DecideExportAsync, a => a.GetProperty("policy_version").GetInt32() == version,
            "a decision under the activated version", TimeSpan.FromSeconds(5));

        var rollback = await _admin.PostAsync($"/api/v1/policies/{liveVersion}/activate", null);
        var back = await Eventually.WaitAsync(DecideExportAsync, a => a.GetProperty("policy_version").GetInt32() == liveVersion,
            "a decision under the rolled-back version", TimeSpan.FromSeconds(5));
        var stored = await (await _analyst.GetAsync($"/api/v1/events/{strict.GetProperty("event_id").GetString()}/assessment")).JsonAsync();
        var audit = await (await _admin.GetAsync("/api/v1/audit?target=" + version)).JsonAsync();

        Assert.Multiple(() =>
        {
            Assert.That((live.GetProperty("action").GetString(), live.TryGetProperty("decision_rule", out _)), Is.EqualTo(("allow", false)));
            Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created));
            Assert.That(created.Headers.Location?.ToString(), Is.EqualTo($"/api/v1/policies/{version}"));
            Assert.That((draft.GetProperty("status").GetString(), draft.GetProperty("based_on").GetInt32(), draft.GetProperty("created_by").GetString()),
                Is.EqualTo(("draft", liveVersion, "admin")));
            Assert.That(one.GetProperty("document").GetProperty("scoring").GetProperty("eu_no_consent_points").GetDouble(), Is.EqualTo(7.0));
            Assert.That(one.GetProperty("document").GetProperty("scoring").GetProperty("auth_or_playback_error_points").GetDouble(), Is.EqualTo(3.0),
                "fields left out come from the version it is based on");
            Assert.That(diff.GetProperty("changes").EnumerateArray().Select(c => c.GetProperty("path").GetString()), Is.SupersetOf(new[]
            {
                "$.scoring.eu_no_consent_points", "$.rules[block-consentless-export].action", "$.rules.order", "$.description", "$.based_on",
            }));
            Assert.That((activated.StatusCode, activation.GetProperty("version").GetInt32(), activation.GetProperty("previous").GetInt32()),
                Is.EqualTo((HttpStatusCode.OK, version, liveVersion)));
            Assert.That((strict.GetProperty("risk_score").GetDouble(), strict.GetProperty("action").GetString(), strict.GetProperty("decision_rule").GetString()),
                Is.EqualTo((7.0, "block", "block-consentless-export")));
            Assert.That((stored.GetProperty("policy_version").GetInt32(), stored.GetProperty("decision_rule").GetString()),
                Is.EqualTo((version, "block-consentless-export")), "the stored assessment names them too");
            Assert.That(rollback.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That((back.GetProperty("risk_score").GetDouble(), back.GetProperty("action").GetString()), Is.EqualTo((5.0, "allow")));
            Assert.That(audit.EnumerateArray().Select(r => (r.GetProperty("action").GetString(), r.GetProperty("target_kind").GetString(), r.GetProperty("actor").GetString())),
                Does.Contain(("ActivatePolicy", "policy", "admin")));
        });
    }

    [Test]
    public async Task AShadowRun_RecordsTheShadowsDecision_AndReportsLiveAgainstShadow_UntilStopped()
    {
        await DecideExportAsync();
        var live = await ActiveAsync();
        var candidate = PolicyDecisionTests.StricterFromMedium;
        var version = (await (await _admin.PostAsync("/api/v1/policies", Body(candidate))).JsonAsync()).GetProperty("version").GetInt32();
        var refusedLive = await _admin.PostAsync($"/api/v1/policies/{live}/shadow", null);

        var started = await _admin.PostAsync($"/api/v1/policies/{version}/shadow", null);
        var shadowed = await Eventually.WaitAsync(DecideExportAsync, a => a.TryGetProperty("shadow", out _), "a decision with a shadow verdict",
            TimeSpan.FromSeconds(5));
        await DecideExportAsync();
        var verdict = await _analyst.PostAsync($"/api/v1/events/{shadowed.GetProperty("event_id").GetString()}/outcome",
            new StringContent("""{"confirmed_violation":true}""", Encoding.UTF8, "application/json"));
        var view = await Eventually.WaitAsync(async () => await (await _analyst.GetAsync("/api/v1/policies/shadow")).JsonAsync(),
            v => v.GetProperty("report").GetProperty("events").GetInt64() >= 2, "the shadow report to count two events");
        var report = view.GetProperty("report");

        var stopped = await _admin.DeleteAsync("/api/v1/policies/shadow");
        var after = await Eventually.WaitAsync(DecideExportAsync, a => !a.TryGetProperty("shadow", out _), "a decision without a shadow verdict",
            TimeSpan.FromSeconds(5));

        Assert.Multiple(() =>
        {
            Assert.That(refusedLive.StatusCode, Is.EqualTo(HttpStatusCode.UnprocessableEntity));
            Assert.That(started.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            var s = shadowed.GetProperty("shadow");
            Assert.That((shadowed.GetProperty("action").GetString(), shadowed.GetProperty("policy_version").GetInt32()), Is.EqualTo(("allow", live)),
                "the live decision is the one answered");
            // The same segment and threshold as the live judgment (T depends on the hour in Berlin); from medium up the shadow
            // alerts at its level (a new user's severity multiplier, 1.2, does not step it up).
            var threshold = shadowed.GetProperty("threshold").GetDouble();
            var level = Ott.Grains.Scoring.RiskScorer.Classify(7.0, threshold, 3.0).ToString().ToLowerInvariant();
            Assert.That((s.GetProperty("policy_version").GetInt32(), s.GetProperty("risk_score").GetDouble(), s.GetProperty("segment").GetString(),
                s.GetProperty("threshold").GetDouble(), s.GetProperty("risk_level").GetString(), s.GetProperty("action").GetString(),
                s.GetProperty("decision_rule").GetString(), s.GetProperty("alert").GetString()),
                Is.EqualTo((version, 7.0, "new_user", threshold, level, "block", "block-consentless-export", level)));
            Assert.That((view.GetProperty("shadow").GetInt32(), view.GetProperty("live").GetInt32(), view.GetProperty("started_by").GetString()),
                Is.EqualTo((version, live, "admin")));
            var events = report.GetProperty("events").GetInt64();
            Assert.That(report.GetProperty("actions").GetProperty("allow").GetProperty("block").GetInt64(), Is.EqualTo(events), "every export: allow live, block in shadow");
            Assert.That((report.GetProperty("alerts").GetProperty("live").GetInt64(), report.GetProperty("alerts").GetProperty("candidate").GetInt64(),
                report.GetProperty("alerts").GetProperty("added").GetProperty("by_region").GetProperty("DE").GetInt64()), Is.EqualTo((0L, events, events)));
            Assert.That((report.GetProperty("live_mean_score").GetDouble(), report.GetProperty("shadow_mean_score").GetDouble()), Is.EqualTo((5.0, 7.0)));
            var consent = report.GetProperty("factors").EnumerateArray().Single(f => f.GetProperty("code").GetString() == "eu_no_consent");
            Assert.That((consent.GetProperty("live").GetDouble(), consent.GetProperty("candidate").GetDouble(), consent.GetProperty("live_events").GetInt64()),
                Is.EqualTo((5.0 * events, 7.0 * events, events)));
            Assert.That(verdict.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            var outcomes = report.GetProperty("outcomes");
            Assert.That((outcomes.GetProperty("labelled").GetInt64(), outcomes.GetProperty("live").GetProperty("false_negatives").GetInt64(),
                outcomes.GetProperty("candidate").GetProperty("true_positives").GetInt64(), outcomes.GetProperty("candidate").GetProperty("precision").GetDouble()),
                Is.EqualTo((1L, 1L, 1L, 1.0)), "the analyst's verdict: the live policy missed it, the shadow alerted");
            Assert.That(stopped.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(after.GetProperty("policy_version").GetInt32(), Is.EqualTo(live));
        });
    }

    [Test]
    public async Task ABadPolicy_Is400_NamingEachPathAndReason_AndNothingIsStored()
    {
        var before = (await (await _analyst.GetAsync("/api/v1/policies")).JsonAsync()).GetProperty("versions").GetArrayLength();

        var response = await _admin.PostAsync("/api/v1/policies", Body("""
            {"scoring":{"eu_no_consent_points":99,"nonsense":1}}
            """));
        var rules = await _admin.PostAsync("/api/v1/policies", Body("""
            {"rules":[{"id":"x","when":{"event_types":["teleport"]},"action":"block"},{"id":"x","when":{},"action":"review"}]}
            """));
        var problem = await rules.JsonAsync();
        var after = (await (await _analyst.GetAsync("/api/v1/policies")).JsonAsync()).GetProperty("versions").GetArrayLength();

        Assert.Multiple(async () =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That((await response.JsonAsync()).GetProperty("errors").GetProperty("$.scoring.nonsense")[0].GetString(), Is.EqualTo("unknown field"));
            Assert.That(rules.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(problem.GetProperty("type").GetString(), Does.EndWith("/invalid-policy"));
            Assert.That(problem.GetProperty("errors").EnumerateObject().Select(p => p.Name), Is.EquivalentTo(new[]
            {
                "$.rules[0].when.event_types[0]", "$.rules[1].id", "$.rules[1].when",
            }));
            Assert.That(after, Is.EqualTo(before));
        });
    }

    [Test]
    public async Task Reads_ShowVersionsActivationsAndTheSchema_AndUnknownVersionsAre404()
    {
        await DecideExportAsync();
        var list = await (await _analyst.GetAsync("/api/v1/policies")).JsonAsync();
        var active = await (await _analyst.GetAsync("/api/v1/policies/active")).JsonAsync();
        var schema = await _analyst.GetAsync("/api/v1/policies/schema");
        var activations = await (await _analyst.GetAsync("/api/v1/policies/activations")).JsonAsync();
        var unknown = await _analyst.GetAsync("/api/v1/policies/4242");
        var unknownActivate = await _admin.PostAsync("/api/v1/policies/4242/activate", null);
        var analystWrites = await _analyst.PostAsync("/api/v1/policies", Body("{}"));

        Assert.Multiple(async () =>
        {
            Assert.That(active.GetProperty("version").GetInt32(), Is.EqualTo(await ActiveAsync()));
            Assert.That(active.GetProperty("status").GetString(), Is.EqualTo("active"));
            Assert.That(list.GetProperty("versions").EnumerateArray().Last().GetProperty("created_by").GetString(), Is.EqualTo("configuration"));
            Assert.That(schema.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/schema+json"));
            Assert.That(JsonNode.Parse(await schema.Content.ReadAsStringAsync())!["properties"]!["rules"], Is.Not.Null);
            Assert.That(activations.EnumerateArray().Last().GetProperty("by").GetString(), Is.EqualTo("configuration"));
            Assert.That(unknown.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That(unknownActivate.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That(analystWrites.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        });
    }
}
