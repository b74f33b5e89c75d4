using System.Net;
using System.Text.Json;
using Ott.Tests.Support;

namespace Ott.Tests.Api;

public class ReadEndpointTests
{
    private static HttpClient Client => ApiFixture.Client;

    [TestCase("/api/v1/users/nobody-here/risk")]
    [TestCase("/api/v1/users/nobody-here/assessments")]
    [TestCase("/api/v1/events/no-such-event/assessment")]
    [TestCase("/api/v1/devices/no-such-device")]
    [TestCase("/api/v1/regions/AQ")]
    public async Task UnknownIds_Are404Problems(string path)
    {
        var response = await Client.GetAsync(path);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        var problem = await response.JsonAsync();
        Assert.Multiple(() =>
        {
            Assert.That(response.Content.Headers.ContentType!.MediaType, Is.EqualTo("application/problem+json"));
            Assert.That(problem.GetProperty("status").GetInt32(), Is.EqualTo(404));
            Assert.That(problem.GetProperty("detail").GetString(), Does.Contain("No "));
        });
    }

    [TestCase("/api/v1/users/bad%20id/risk")]
    [TestCase("/api/v1/regions/Atlantis")]
    public async Task MalformedIds_Are400(string path) =>
        Assert.That((await Client.GetAsync(path)).StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));

    [Test]
    public async Task Reads_ReturnWhatWasIngested()
    {
        var user = TestEvents.NewId("reader");
        var device = TestEvents.NewId("stick");
        var first = TestEvents.Json(j => { j["user_id"] = user; j["device_id"] = device; j["region"] = "FR"; j["is_eu"] = true; j["event_type"] = "login"; });
        var second = TestEvents.Json(j => { j["user_id"] = user; j["device_id"] = device; j["region"] = "FR"; j["is_eu"] = true; j["event_type"] = "purchase"; j["subscription_plan"] = "premium"; });
        await Client.PostBatchAsync(first, second);
        await Client.DrainAsync();

        var assessments = await (await Client.GetAsync($"/api/v1/users/{user}/assessments?limit=1")).JsonAsync();
        var profile = await (await Client.GetAsync($"/api/v1/users/{user}/risk")).JsonAsync();
        var deviceView = await (await Client.GetAsync($"/api/v1/devices/{device}")).JsonAsync();
        var region = await (await Client.GetAsync("/api/v1/regions/fr")).JsonAsync();

        Assert.Multiple(() =>
        {
            Assert.That(assessments.GetArrayLength(), Is.EqualTo(1));
            Assert.That(assessments[0].GetProperty("event_id").GetString(), Is.EqualTo(second["event_id"]!.GetValue<string>()));
            Assert.That(assessments[0].GetProperty("factors")[0].GetProperty("code").GetString(), Is.EqualTo("plan"));
            Assert.That(profile.GetProperty("total_events").GetInt64(), Is.EqualTo(2));
            Assert.That(profile.GetProperty("plan").GetString(), Is.EqualTo("premium"));
            Assert.That(profile.GetProperty("threshold").GetDouble(), Is.EqualTo(7.0), "a new user's segment threshold");
            Assert.That(profile.GetProperty("segment").GetProperty("segment").GetString(), Is.EqualTo("new_user"));
            Assert.That(profile.GetProperty("features").GetProperty("events_1h").GetInt32(), Is.EqualTo(2));
            Assert.That(profile.GetProperty("recent_assessments").GetArrayLength(), Is.EqualTo(2));
            Assert.That(profile.GetProperty("consent").GetProperty("has_consent").GetBoolean(), Is.True);
            Assert.That(deviceView.GetProperty("total_events").GetInt64(), Is.EqualTo(2));
            Assert.That(deviceView.GetProperty("users")[0].GetProperty("id").GetString(), Is.EqualTo(user));
            Assert.That(region.GetProperty("code").GetString(), Is.EqualTo("FR"));
            Assert.That(region.GetProperty("events_by_type").GetProperty("purchase").GetInt64(), Is.GreaterThanOrEqualTo(1));
        });
    }

    [TestCase(0)]
    [TestCase(501)]
    public async Task AssessmentLimit_OutOfRange_Is422(int limit) =>
        Assert.That((await Client.GetAsync($"/api/v1/users/x/assessments?limit={limit}")).StatusCode, Is.EqualTo(HttpStatusCode.UnprocessableEntity));

    [Test]
    public async Task HealthAndDocs_AreServed()
    {
        var live = await Client.GetAsync("/health/live");
        var ready = await Client.GetAsync("/health/ready");
        var openApi = await Client.GetAsync("/openapi/v1.json");
        var page = await Client.GetAsync("/scalar/");
        var document = JsonDocument.Parse(await openApi.Content.ReadAsStringAsync()).RootElement;

        Assert.Multiple(async () =>
        {
            Assert.That(live.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(JsonDocument.Parse(await ready.Content.ReadAsStringAsync()).RootElement.GetProperty("status").GetString(), Is.EqualTo("Healthy"));
            Assert.That(document.GetProperty("paths").EnumerateObject().Select(p => p.Name),
                Is.SupersetOf(new[] { "/events", "/events/batch", "/api/v1/users/{user_id}/risk", "/api/v1/events/{event_id}/assessment", "/process/drain" }));
            Assert.That(page.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(await page.Content.ReadAsStringAsync(), Does.Contain("<html").IgnoreCase);
        });
    }
}
