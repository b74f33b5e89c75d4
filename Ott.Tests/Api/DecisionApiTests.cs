using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Ott.Grains.Interfaces;
using Ott.Grains.Logs;
using Ott.Tests.Support;

namespace Ott.Tests.Api;

/// <summary><c>/api/v1/decisions</c>: the explained assessment in the response, dedupe, the budget, ordering with the stream path.</summary>
public class DecisionApiTests
{
    private static HttpClient Client => ApiFixture.Client;

    private static Task<HttpResponseMessage> DecideAsync(HttpClient client, JsonNode body, string path = "/api/v1/decisions") =>
        client.PostAsync(path, Http.Json(body));

    private static JsonObject FailedLogin(string user, int i, DateTimeOffset at) => TestEvents.Json(j =>
    {
        j["user_id"] = user;
        j["event_type"] = "login_failed";
        j["ip_address"] = $"203.0.113.{10 + i}";
    }, at);

    private static IEnumerable<string> Factors(JsonElement assessment) =>
        assessment.GetProperty("factors").EnumerateArray().Select(f => f.GetProperty("code").GetString()!);

    [Test]
    public async Task Decision_AnswersTheExplainedAssessmentAndItsAction_InTheSameResponse()
    {
        var json = TestEvents.Json(j =>
        {
            j["event_type"] = "export";
            j["region"] = "DE";
            j["is_eu"] = true;
            j["has_consent"] = false;
            j["purpose"] = "advertising";
        });

        var response = await DecideAsync(Client, json);
        var decided = await response.JsonAsync();
        var stored = await (await Client.GetAsync($"/api/v1/events/{json["event_id"]}/assessment")).JsonAsync();

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(decided.GetProperty("event_id").GetString(), Is.EqualTo(json["event_id"]!.GetValue<string>()));
            Assert.That(decided.GetProperty("action").GetString(), Is.AnyOf("allow", "review", "block"));
            Assert.That(Factors(decided), Does.Contain("eu_no_consent"), "the factors that moved the score are listed");
            Assert.That(decided.GetProperty("compliance").GetProperty("violations").GetArrayLength(), Is.GreaterThan(0));
            Assert.That(decided.GetRawText(), Is.EqualTo(stored.GetRawText()), "the decision is the stored assessment");
        });
    }

    [Test]
    public async Task Decision_ResentEventId_ReturnsTheStoredAssessment_AndIsLoggedOnce()
    {
        var json = TestEvents.Json();
        var before = await (await Client.GetAsync("/stats/summary")).JsonAsync();

        var first = await (await DecideAsync(Client, json)).JsonAsync();
        var again = await DecideAsync(Client, json);
        var second = await again.JsonAsync();
        var after = await (await Client.GetAsync("/stats/summary")).JsonAsync();

        Assert.Multiple(() =>
        {
            Assert.That(again.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(second.GetRawText(), Is.EqualTo(first.GetRawText()));
            Assert.That(after.GetProperty("duplicates").GetInt64() - before.GetProperty("duplicates").GetInt64(), Is.GreaterThanOrEqualTo(1));
        });
    }

    [Test]
    public async Task Decision_SeesTheStateTheUsersEarlierStreamedEventsLeft()
    {
        var user = TestEvents.NewId("user");
        var now = DateTimeOffset.UtcNow.AddMinutes(-10);
        await Client.PostBatchAsync(Enumerable.Range(0, 5).Select(i => (JsonNode)FailedLogin(user, i, now.AddSeconds(i))).ToArray());
        await Client.DrainAsync();

        var decided = await (await DecideAsync(Client, FailedLogin(user, 5, now.AddSeconds(5)))).JsonAsync();

        Assert.That(Factors(decided), Does.Contain("credential_stuffing"), "six failures from six IPs within the hour, five of them streamed before");
    }

    [Test]
    public async Task StreamedEvent_AfterDecisions_SeesTheStateTheyLeft()
    {
        var user = TestEvents.NewId("user");
        var now = DateTimeOffset.UtcNow.AddMinutes(-10);
        for (var i = 0; i < 5; i++)
        {
            Assert.That((await DecideAsync(Client, FailedLogin(user, i, now.AddSeconds(i)))).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }

        var streamed = FailedLogin(user, 5, now.AddSeconds(5));
        await Client.PostEventAsync(streamed);
        await Client.DrainAsync();
        var assessment = await (await Client.GetAsync($"/api/v1/events/{streamed["event_id"]}/assessment")).JsonAsync();

        Assert.That(Factors(assessment), Does.Contain("credential_stuffing"));
    }

    [Test]
    public async Task DecisionBatch_DecidesEachValidItem_AndListsTheInvalidOnes()
    {
        var events = new JsonNode[] { TestEvents.Json(), TestEvents.Json(j => j["ip_address"] = "not-an-ip"), TestEvents.Json() };

        var response = await DecideAsync(Client, new JsonArray(events), "/api/v1/decisions/batch");
        var body = await response.JsonAsync();

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            var decisions = body.GetProperty("decisions").EnumerateArray().ToList();
            Assert.That(decisions.Select(d => d.GetProperty("index").GetInt32()), Is.EqualTo(new[] { 0, 2 }));
            Assert.That(decisions.Select(d => d.GetProperty("status").GetString()), Is.All.EqualTo("decided"));
            Assert.That(decisions.Select(d => d.GetProperty("assessment").GetProperty("event_id").GetString()),
                Is.EqualTo(new[] { events[0]["event_id"]!.GetValue<string>(), events[2]["event_id"]!.GetValue<string>() }));
            var rejected = body.GetProperty("rejected").EnumerateArray().Single();
            Assert.That(rejected.GetProperty("index").GetInt32(), Is.EqualTo(1));
            Assert.That(rejected.GetProperty("errors").TryGetProperty("ip_address", out _), Is.True);
        });
    }

    [Test]
    public async Task DecisionBatch_OverTheLimit_Is422_AndLogsNothing()
    {
        var events = new JsonArray(Enumerable.Range(0, 101).Select(_ => (JsonNode)TestEvents.Json()).ToArray());

        var response = await DecideAsync(Client, events, "/api/v1/decisions/batch");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.UnprocessableEntity));
    }

    [Test]
    public async Task InvalidDecision_Is422NamingTheField()
    {
        var response = await DecideAsync(Client, TestEvents.Json(j => j["region"] = "XX"));

        Assert.Multiple(async () =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.UnprocessableEntity));
            Assert.That((await response.JsonAsync()).Errors().Keys, Does.Contain("region"));
        });
    }

    [Test]
    public async Task Decision_UnknownEventId_Is404()
    {
        var response = await Client.GetAsync($"/api/v1/decisions/{TestEvents.NewId("never")}");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task Decision_NotReadyWithinTheBudget_Is202WithALocation_ThenTheAssessment()
    {
        await using var factory = new GatedApiFactory(new Dictionary<string, string?> { ["Ott:Api:DecisionBudget"] = "00:00:00.100" });
        var client = await factory.ClientForAsync("ingest");
        var json = TestEvents.Json();

        var response = await DecideAsync(client, json);
        var queued = await response.JsonAsync();
        var location = response.Headers.Location!.ToString();
        var whileHeld = await client.GetAsync(location);
        factory.Log.Release();
        var decided = await Eventually.WaitAsync(() => client.GetAsync(location), r => r.StatusCode == HttpStatusCode.OK,
            "the decision to be readable at its Location once the assessment is written");
        var assessment = await decided.JsonAsync();

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
            Assert.That(queued.GetProperty("status").GetString(), Is.EqualTo("queued"));
            Assert.That(location, Is.EqualTo($"/api/v1/decisions/{json["event_id"]}"));
            Assert.That(queued.GetProperty("location").GetString(), Is.EqualTo(location));
            Assert.That(whileHeld.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), "still queued while its assessment is held");
            Assert.That(assessment.GetProperty("event_id").GetString(), Is.EqualTo(json["event_id"]!.GetValue<string>()));
            Assert.That(assessment.GetProperty("action").GetString(), Is.AnyOf("allow", "review", "block"));
        });
    }

    /// <summary>An API whose assessment writes wait until <see cref="GatedAssessmentLog.Release"/>.</summary>
    private sealed class GatedApiFactory(IReadOnlyDictionary<string, string?> settings) : ApiFactory(settings)
    {
        public GatedAssessmentLog Log { get; private set; } = null!;

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureTestServices(services => services.AddSingleton<IAssessmentLog>(sp =>
                Log = new GatedAssessmentLog(sp.GetRequiredService<InMemoryEventStore>())));
        }
    }

    private sealed class GatedAssessmentLog(InMemoryEventStore inner) : IAssessmentLog
    {
        private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Release() => _gate.TrySetResult();

        public async ValueTask AppendAsync(Assessment assessment, CancellationToken cancellationToken = default)
        {
            await _gate.Task.WaitAsync(cancellationToken);
            await inner.AppendAsync(assessment, cancellationToken);
        }

        public ValueTask<Assessment?> GetAsync(string eventId, CancellationToken cancellationToken = default) => inner.GetAsync(eventId, cancellationToken);

        public ValueTask<IReadOnlyList<Assessment>> GetByUserAsync(string userId, int limit, CancellationToken cancellationToken = default) =>
            inner.GetByUserAsync(userId, limit, cancellationToken);

        public ValueTask<IReadOnlyList<Assessment>> GetLatestAsync(int limit, CancellationToken cancellationToken = default) =>
            inner.GetLatestAsync(limit, cancellationToken);

        public ValueTask<AssessmentStats> GetAssessmentStatsAsync(CancellationToken cancellationToken = default) =>
            inner.GetAssessmentStatsAsync(cancellationToken);

        public ValueTask<long> EraseUserAssessmentsAsync(string userId, CancellationToken cancellationToken = default) =>
            inner.EraseUserAssessmentsAsync(userId, cancellationToken);

        public ValueTask<IReadOnlyDictionary<string, long>> PurgeAsync(Func<string, DateTimeOffset> cutoffForRegion, CancellationToken cancellationToken = default) =>
            inner.PurgeAsync(cutoffForRegion, cancellationToken);
    }
}
