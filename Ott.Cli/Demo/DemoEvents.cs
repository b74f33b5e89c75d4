using System.Globalization;
using System.Text.Json.Nodes;

namespace Ott.Cli.Demo;

/// <summary>Events the demo sends: valid per docs/api.md, ids under the run's prefix, timestamps in the last hour.</summary>
internal sealed class DemoEvents(string prefix, DateTimeOffset now)
{
    private int _next;

    public string Prefix { get; } = prefix;

    public string User(string name) => $"{Prefix}-{name}";

    public JsonObject Event(string user, string type, string region, string ip, TimeSpan ago, Action<JsonObject>? edit = null)
    {
        var json = new JsonObject
        {
            ["event_id"] = $"{Prefix}-e{Interlocked.Increment(ref _next)}",
            ["user_id"] = user,
            ["device_id"] = $"{user}-tv",
            ["content_id"] = "content_demo",
            ["event_type"] = type,
            ["timestamp"] = (now - ago).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
            ["region"] = region,
            ["is_eu"] = false,
            ["has_consent"] = true,
            ["ip_address"] = ip,
        };
        edit?.Invoke(json);
        return json;
    }
}
