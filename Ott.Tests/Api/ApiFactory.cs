using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Ott.Api.Json;

namespace Ott.Tests.Api;

/// <summary>The API with its co-hosted silo, on free ports and a fresh cluster id, served in memory.</summary>
public class ApiFactory(IReadOnlyDictionary<string, string?>? settings = null) : WebApplicationFactory<Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("Ott:ClusterId", $"test-{Guid.NewGuid():N}"[..20]);
        builder.UseSetting("Ott:SiloPort", FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("Ott:GatewayPort", FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("Ott:Api:NoopIngestEndpoints", "true");
        builder.UseSetting("Ott:Storage", "Memory");
        builder.UseSetting("Ott:Aggregation:FlushInterval", "00:00:00.200");
        builder.UseSetting("Ott:Security:SigningKey", SigningKey);

        // Functional tests check what a decision says, not how fast: a cold or busy test host must not turn it into a
        // 202. The budget's own path has a test with a short budget and a held assessment log.
        builder.UseSetting("Ott:Api:DecisionBudget", "00:00:10");

        // No automatic model training in the shared hosts: exact scores must not move when enough events arrive.
        // Detection tests that want models use hosts of their own with the defaults.
        builder.UseSetting("Ott:Detection:MinSamples", "1000000");
        builder.UseSetting("Ott:Security:RateLimits:IngestPerMinute", "100000000");
        builder.UseSetting("Ott:Security:RateLimits:IngestBurst", "1000000");
        builder.UseSetting("Ott:Security:RateLimits:AnalystPerMinute", "1000000");
        builder.UseSetting("Ott:Security:RateLimits:TokenPerMinute", "1000");
        var users = new[] { ("admin", "admin123", "admin"), ("analyst", "analyst123", "analyst"), ("ingest", "ingest123", "ingest") };
        for (var i = 0; i < users.Length; i++)
        {
            builder.UseSetting($"Ott:Security:Users:{i}:Username", users[i].Item1);
            builder.UseSetting($"Ott:Security:Users:{i}:Password", users[i].Item2);
            builder.UseSetting($"Ott:Security:Users:{i}:Roles:0", users[i].Item3);
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            builder.UseSetting(key, value);
        }
    }

    /// <summary>The key the test hosts sign with (tests forge tokens with it, and with other keys).</summary>
    public const string SigningKey = "test-signing-key-0123456789abcdef-0123456789";

    /// <summary>A client that sends a bearer token of <paramref name="username"/> (password = name + 123).</summary>
    public async Task<HttpClient> ClientForAsync(string username)
    {
        var client = CreateClient();
        var response = await client.PostAsync("/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["username"] = username,
            ["password"] = username + "123",
        }));
        response.EnsureSuccessStatusCode();
        var token = (await response.JsonAsync()).GetProperty("access_token").GetString();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>HTTP helpers shared by the API tests.</summary>
public static class Http
{
    public static StringContent Json(JsonNode node) => new(node.ToJsonString(), Encoding.UTF8, "application/json");

    public static Task<HttpResponseMessage> PostEventAsync(this HttpClient client, JsonNode node) => client.PostAsync("/events", Json(node));

    public static Task<HttpResponseMessage> PostBatchAsync(this HttpClient client, params JsonNode[] nodes) =>
        client.PostAsync("/events/batch", Json(new JsonArray(nodes.Select(n => (JsonNode?)n.DeepClone()).ToArray())));

    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public static async Task<T> ReadAsync<T>(this HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<T>(JsonDefaults.Options))!;

    public static async Task<JsonElement> DrainAsync(this HttpClient client)
    {
        var response = await client.PostAsync("/process/drain?timeout_seconds=30", null);
        var body = await response.JsonAsync();
        Assert.That(body.GetProperty("drained").GetBoolean(), Is.True, $"drain timed out: {body}");
        return body;
    }

    /// <summary>The errors object of a problem document, as field -> messages.</summary>
    public static Dictionary<string, string[]> Errors(this JsonElement problem) =>
        problem.GetProperty("errors").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.EnumerateArray().Select(v => v.GetString()!).ToArray());
}
