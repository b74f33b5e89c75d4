using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Ott.Tests.Support;

namespace Ott.Tests.Api;

public class BatchTests
{
    private static HttpClient Client => ApiFixture.Client;

    [Test]
    public async Task Batch_AcceptsValidItems_ListsRejectedOnes_AndCountsDuplicates()
    {
        var known = TestEvents.Json();
        await Client.PostEventAsync(known);
        var fresh = TestEvents.Json();
        var badRegion = TestEvents.Json(j => j["region"] = "ZZ");
        var badTwice = TestEvents.Json(j => { j["ip_address"] = "1.2.3.999"; j["event_type"] = "fly"; });
        var noId = TestEvents.Json(j => j.Remove("event_id"));

        var response = await Client.PostBatchAsync(fresh, known, badRegion, fresh, badTwice, noId);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), await response.Content.ReadAsStringAsync());
        var body = await response.JsonAsync();
        var rejected = body.GetProperty("rejected").EnumerateArray().ToList();
        Assert.Multiple(() =>
        {
            Assert.That(body.GetProperty("accepted").GetInt32(), Is.EqualTo(1));
            Assert.That(body.GetProperty("duplicates").GetInt32(), Is.EqualTo(2), "known from before, fresh twice in the batch");
            Assert.That(rejected.Select(r => r.GetProperty("index").GetInt32()), Is.EqualTo(new[] { 2, 4, 5 }));
            Assert.That(rejected[0].GetProperty("event_id").GetString(), Is.EqualTo(badRegion["event_id"]!.GetValue<string>()));
            Assert.That(rejected[0].GetProperty("errors").EnumerateObject().Select(p => p.Name), Is.EqualTo(new[] { "region" }));
            Assert.That(rejected[1].GetProperty("errors").EnumerateObject().Select(p => p.Name), Is.EquivalentTo(new[] { "event_type", "ip_address" }));
            Assert.That(rejected[2].TryGetProperty("event_id", out _), Is.False, "no event_id to echo");
        });
    }

    [Test]
    public async Task Batch_OfOneThousand_IsAccepted_AndEveryEventAssessed()
    {
        var user = TestEvents.NewId("bulk");
        var items = Enumerable.Range(0, 1000).Select(i => (JsonNode)TestEvents.Json(j => j["user_id"] = $"{user}-{i % 50}")).ToArray();

        var body = await (await Client.PostBatchAsync(items)).JsonAsync();
        await Client.DrainAsync();

        Assert.That(body.GetProperty("accepted").GetInt32(), Is.EqualTo(1000));
        var profile = await (await Client.GetAsync($"/api/v1/users/{user}-7/risk")).JsonAsync();
        Assert.That(profile.GetProperty("total_events").GetInt64(), Is.EqualTo(20));
    }

    [Test]
    public async Task Batch_OverOneThousand_Is422()
    {
        var items = Enumerable.Range(0, 1001).Select(_ => (JsonNode)TestEvents.Json()).ToArray();
        var response = await Client.PostBatchAsync(items);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.UnprocessableEntity));
        Assert.That((await response.JsonAsync()).Errors()[""][0], Does.Contain("1-1000"));
    }

    [Test]
    public async Task Batch_Empty_Is422() =>
        Assert.That((await Client.PostAsync("/events/batch", new StringContent("[]", Encoding.UTF8, "application/json"))).StatusCode,
            Is.EqualTo(HttpStatusCode.UnprocessableEntity));

    [Test]
    public async Task Batch_NotAnArray_Is400() =>
        Assert.That((await Client.PostAsync("/events/batch", Http.Json(TestEvents.Json()))).StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));

    [Test]
    public async Task Batch_AllRejected_IngestsNothing()
    {
        var response = await Client.PostBatchAsync(TestEvents.Json(j => j["region"] = "ZZ"));
        var body = await response.JsonAsync();
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
            Assert.That(body.GetProperty("accepted").GetInt32(), Is.EqualTo(0));
            Assert.That(body.GetProperty("rejected").GetArrayLength(), Is.EqualTo(1));
        });
    }

    [Test]
    public async Task NoopEndpoints_ValidateButIngestNothing()
    {
        var json = TestEvents.Json();
        var single = await Client.PostAsync("/bench/noop/events", Http.Json(json));
        var bad = await Client.PostAsync("/bench/noop/events", Http.Json(TestEvents.Json(j => j["region"] = "ZZ")));
        await Client.DrainAsync();
        var assessment = await Client.GetAsync($"/api/v1/events/{json["event_id"]}/assessment");

        Assert.Multiple(() =>
        {
            Assert.That(single.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
            Assert.That(bad.StatusCode, Is.EqualTo(HttpStatusCode.UnprocessableEntity));
            Assert.That(assessment.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        });
    }
}
