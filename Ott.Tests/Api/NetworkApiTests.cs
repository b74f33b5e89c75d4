using System.Net;
using System.Text.Json.Nodes;
using Ott.Tests.Support;

namespace Ott.Tests.Api;

public class NetworkApiTests
{
    private static HttpClient Client => ApiFixture.Client;

    [Test]
    public async Task Rings_UserView_AndPath_ShowTheIdentifiersThatTieUsers()
    {
        var tag = TestEvents.NewId("api-ring");
        var users = Enumerable.Range(0, 5).Select(i => $"{tag}-u{i}").ToArray();
        // u0-u1-u2 share a device; u2-u3-u4 share a payment method: one ring of five, kind mixed.
        var events = users.Select((u, i) => (JsonNode)TestEvents.Json(j =>
        {
            j["user_id"] = u;
            j["event_type"] = "purchase";
            j["ip_address"] = $"198.51.100.{40 + i}";
            j["device_id"] = i <= 2 ? $"{tag}-tv" : $"{tag}-own-{i}";
            j["payment_method_id"] = i >= 2 ? $"{tag}-card" : $"{tag}-own-card-{i}";
        })).ToArray();
        await Client.PostBatchAsync(events);
        await Client.DrainAsync();

        var rings = await Eventually.WaitAsync(async () => await (await Client.GetAsync("/api/v1/network/fraud-rings?min_size=5&kind=mixed")).JsonAsync(),
            r => r.EnumerateArray().Any(x => x.GetProperty("members").EnumerateArray().Any(m => m.GetString() == users[0])), "the ring");
        var ring = rings.EnumerateArray().Single(x => x.GetProperty("members").EnumerateArray().Any(m => m.GetString() == users[0]));
        var view = await (await Client.GetAsync($"/api/v1/network/users/{users[2]}")).JsonAsync();
        var path = await (await Client.GetAsync($"/api/v1/network/path?from={users[0]}&to={users[4]}")).JsonAsync();
        var unknown = await Client.GetAsync("/api/v1/network/users/nobody-in-graph");
        var badKind = await Client.GetAsync("/api/v1/network/fraud-rings?kind=email");

        Assert.Multiple(() =>
        {
            Assert.That(ring.GetProperty("size").GetInt32(), Is.EqualTo(5));
            Assert.That(ring.GetProperty("kind").GetString(), Is.EqualTo("mixed"));
            Assert.That(ring.GetProperty("risk").GetDouble(), Is.GreaterThan(0));
            Assert.That(view.GetProperty("ring_id").GetString(), Is.EqualTo(ring.GetProperty("ring_id").GetString()));
            Assert.That(view.GetProperty("evidence").EnumerateArray().Select(e => e.GetProperty("value").GetString()),
                Is.EquivalentTo(new[] { $"{tag}-tv", $"{tag}-card" }));
            Assert.That(path.EnumerateArray().Select(p => p.GetProperty("node").GetString()),
                Is.EqualTo(new[] { users[0], $"{tag}-tv", users[2], $"{tag}-card", users[4] }));
            Assert.That(unknown.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That(badKind.StatusCode, Is.EqualTo(HttpStatusCode.UnprocessableEntity));
        });
    }

    [Test]
    public async Task GeoFactors_FireWithTheTestDatabases()
    {
        string Db(string name) => Path.Combine(TestContext.CurrentContext.TestDirectory, "TestData", "geo", name);
        await using var factory = new ApiFactory(new Dictionary<string, string?>
        {
            ["Ott:Geo:LocationDatabasePath"] = Db("GeoIP2-City-Test.mmdb"),
            ["Ott:Geo:AnonymousIpDatabasePath"] = Db("GeoIP2-Anonymous-IP-Test.mmdb"),
        });
        var client = await factory.ClientForAsync("admin");
        var user = TestEvents.NewId("traveller");
        var start = DateTimeOffset.UtcNow.AddHours(-2);
        var london = TestEvents.Json(j => { j["user_id"] = user; j["region"] = "GB"; j["ip_address"] = "81.2.69.142"; }, at: start);
        var seattle = TestEvents.Json(j => { j["user_id"] = user; j["region"] = "GB"; j["ip_address"] = "216.160.83.56"; }, at: start.AddMinutes(20));
        var tor = TestEvents.Json(j => { j["user_id"] = user; j["region"] = "US"; j["ip_address"] = "65.4.3.2"; }, at: start.AddHours(1));

        await client.PostBatchAsync(london, seattle, tor);
        await client.DrainAsync();
        var second = await (await client.GetAsync($"/api/v1/events/{seattle["event_id"]}/assessment")).JsonAsync();
        var third = await (await client.GetAsync($"/api/v1/events/{tor["event_id"]}/assessment")).JsonAsync();

        var factors = second.GetProperty("factors").EnumerateArray().Select(f => f.GetProperty("code").GetString()).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(factors, Does.Contain("impossible_travel").And.Contain("geoip_region_mismatch"));
            Assert.That(second.GetProperty("geo").GetProperty("travel").GetProperty("verdict").GetString(), Is.EqualTo("critical"));
            Assert.That(second.GetProperty("geo").GetProperty("country").GetString(), Is.EqualTo("US"));
            Assert.That(third.GetProperty("geo").GetProperty("anonymizers").EnumerateArray().Select(a => a.GetString()), Does.Contain("tor"));
            Assert.That(third.GetProperty("factors").EnumerateArray().Select(f => f.GetProperty("code").GetString()), Does.Contain("anonymiser"));
        });
    }
}
