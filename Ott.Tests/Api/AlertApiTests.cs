using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Ott.Tests.Support;

namespace Ott.Tests.Api;

public class AlertApiTests
{
    private static HttpClient Client => ApiFixture.Client;

    private static System.Text.Json.Nodes.JsonObject Risky(string user) => TestEvents.Json(j =>
    {
        j["user_id"] = user;
        j["event_type"] = "login_failed";
        j["region"] = "DE";
        j["is_eu"] = true;
        j["has_consent"] = false;
    });

    [Test]
    public async Task RiskyEvents_RaiseOneDedupedAlert_ListedAndAcknowledged()
    {
        var user = TestEvents.NewId("alerted");
        await Client.PostBatchAsync(Risky(user), Risky(user), Risky(user));
        await Client.DrainAsync();

        // Repeat counts are written by the silo about once a second (Ott:Alerts:RepeatFlushInterval).
        var alerts = await Eventually.WaitAsync(async () => await (await Client.GetAsync($"/api/v1/alerts?user_id={user}")).JsonAsync(),
            list => list.GetArrayLength() == 1 && list[0].GetProperty("count").GetInt32() == 3, "the alert's repeats are written");
        var alert = alerts.EnumerateArray().Single();
        var id = alert.GetProperty("id").GetString();
        var ack = await (await Client.PostAsync($"/api/v1/alerts/{id}/ack", null)).JsonAsync();
        var assessments = await (await Client.GetAsync($"/api/v1/users/{user}/assessments")).JsonAsync();
        var unknown = await Client.PostAsync("/api/v1/alerts/nope/ack", null);
        var badSeverity = await Client.GetAsync("/api/v1/alerts?severity=extreme");

        Assert.Multiple(() =>
        {
            Assert.That(alert.GetProperty("count").GetInt32(), Is.EqualTo(3), "three events, one alert");
            Assert.That(alert.GetProperty("kind").GetString(), Is.EqualTo("assessment"));
            Assert.That(alert.GetProperty("top_factor").GetString(), Is.EqualTo("eu_no_consent"));
            Assert.That(alert.GetProperty("channels").EnumerateArray().Select(c => c.GetString()), Is.EqualTo(new[] { "log", "webhook", "email" }), "new_user channels");
            Assert.That(ack.GetProperty("acknowledged_by").GetString(), Is.EqualTo("admin"));
            Assert.That(assessments.EnumerateArray().Select(a => a.GetProperty("alert").GetProperty("repeat").GetBoolean()),
                Is.EquivalentTo(new[] { false, true, true }));
            Assert.That(unknown.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That(badSeverity.StatusCode, Is.EqualTo(HttpStatusCode.UnprocessableEntity));
        });
    }

    [Test]
    public async Task AlertStream_DeliversAnAlertRaisedByAnIngestedEvent()
    {
        var user = TestEvents.NewId("streamed");
        using var stream = await Client.GetStreamAsync("/api/v1/alerts/stream");
        using var reader = new StreamReader(stream);
        Assert.That(await reader.ReadLineAsync(), Is.EqualTo("event: ready"));

        await Client.PostEventAsync(Risky(user));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        string? data = null;
        while (data is null && await reader.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line.StartsWith("data: ", StringComparison.Ordinal) && line.Contains(user, StringComparison.Ordinal))
            {
                data = line["data: ".Length..];
            }
        }

        var alert = JsonDocument.Parse(data!).RootElement;
        Assert.Multiple(() =>
        {
            Assert.That(alert.GetProperty("user_id").GetString(), Is.EqualTo(user));
            Assert.That(alert.GetProperty("severity").GetString(), Is.EqualTo("high"));
        });
    }

    [Test]
    public async Task Profile_ShowsTheSegmentAndItsInputs_AndSegmentsAreCounted()
    {
        var user = TestEvents.NewId("segmented");
        await Client.PostEventAsync(TestEvents.Json(j => j["user_id"] = user));
        await Client.DrainAsync();

        var profile = await (await Client.GetAsync($"/api/v1/users/{user}/risk")).JsonAsync();
        var segments = await (await Client.GetAsync("/api/v1/analytics/segments")).JsonAsync();

        var segment = profile.GetProperty("segment");
        var newUsers = segments.EnumerateArray().Single(s => s.GetProperty("segment").GetString() == "new_user");
        Assert.Multiple(() =>
        {
            Assert.That(segment.GetProperty("segment").GetString(), Is.EqualTo("new_user"));
            Assert.That(segment.GetProperty("rule").GetString(), Does.StartWith("account_age_days 0 < 30"));
            Assert.That(segment.GetProperty("inputs").GetProperty("events30d").GetInt32(), Is.EqualTo(1));
            Assert.That(segments.GetArrayLength(), Is.EqualTo(6));
            Assert.That(newUsers.GetProperty("users").GetInt64(), Is.GreaterThanOrEqualTo(1));
            Assert.That(newUsers.GetProperty("parameters").GetProperty("threshold_high").GetDouble(), Is.EqualTo(7.0));
        });
    }

    [Test]
    public async Task Outcomes_FeedTheSegmentsLearning()
    {
        var json = TestEvents.Json();
        await Client.PostEventAsync(json);
        await Client.DrainAsync();

        var recorded = await Client.PostAsJsonAsync($"/api/v1/events/{json["event_id"]}/outcome", new { confirmed_violation = false });
        var learning = await recorded.JsonAsync();
        var missing = await Client.PostAsJsonAsync($"/api/v1/events/{json["event_id"]}/outcome", new { });
        var unknown = await Client.PostAsJsonAsync("/api/v1/events/never-seen/outcome", new { confirmed_violation = true });

        Assert.Multiple(() =>
        {
            Assert.That(recorded.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(learning.GetProperty("segment").GetString(), Is.EqualTo("new_user"));
            Assert.That(learning.GetProperty("outcomes").GetInt32(), Is.GreaterThanOrEqualTo(1));
            Assert.That(learning.TryGetProperty("value", out _), Is.False, "fewer than 200 outcomes: nothing learned yet");
            Assert.That(missing.StatusCode, Is.EqualTo(HttpStatusCode.UnprocessableEntity));
            Assert.That(unknown.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        });
    }

    [Test]
    public async Task AlertsReachAWebhookAndAnSmtpInbox_EndToEnd()
    {
        using var webhook = new TestHttpListener(ApiFactory.FreePort());
        using var smtp = new TestSmtpServer();
        await using var factory = new ApiFactory(new Dictionary<string, string?>
        {
            ["Ott:Alerts:WebhookUrl"] = webhook.Url,
            ["Ott:Alerts:Email:Host"] = "127.0.0.1",
            ["Ott:Alerts:Email:Port"] = smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Ott:Alerts:Email:To:0"] = "soc@example.com",
        });
        var client = await factory.ClientForAsync("admin");
        var user = TestEvents.NewId("delivered");

        await client.PostEventAsync(Risky(user));
        await client.DrainAsync();
        await Eventually.WaitAsync(() => Task.FromResult(webhook.Bodies.Count + smtp.Messages.Count), n => n == 2, "a webhook call and an email");

        Assert.Multiple(() =>
        {
            Assert.That(JsonDocument.Parse(webhook.Bodies.Single()).RootElement.GetProperty("user_id").GetString(), Is.EqualTo(user));
            Assert.That(smtp.Messages.Single(), Does.Contain(user).And.Contain("soc@example.com"));
        });
    }
}
