using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ott.Grains.Interfaces;

namespace Ott.Cli.Generate;

/// <summary>An <see cref="OttEvent"/> as the JSON body <c>POST /events</c> takes (docs/api.md): snake_case names, optional fields only when set.</summary>
public static class EventWire
{
    public static JsonObject ToJson(OttEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var json = new JsonObject
        {
            ["event_id"] = e.EventId,
            ["user_id"] = e.UserId,
            ["device_id"] = e.DeviceId,
            ["content_id"] = e.ContentId,
            ["event_type"] = Name(e.Type),
            ["timestamp"] = Time(e.Timestamp),
            ["region"] = e.Region,
            ["is_eu"] = e.IsEuClaim,
            ["has_consent"] = e.HasConsent,
            ["ip_address"] = e.IpAddress,
        };
        Add(json, "subscription_plan", e.Plan is { } plan ? Name(plan) : null);
        Add(json, "error_code", e.ErrorCode);
        Add(json, "payment_method_id", e.PaymentMethodId);
        Add(json, "user_age", e.UserAge);
        Add(json, "account_created_at", e.AccountCreatedAt is { } created ? Time(created) : null);
        Add(json, "purpose", e.Purpose is { } purpose ? Name(purpose) : null);
        if (e.ConsentPurposes is { } purposes)
        {
            json["consent_purposes"] = new JsonArray(purposes.Select(p => (JsonNode?)JsonValue.Create(p)).ToArray());
        }

        Add(json, "processing_region", e.ProcessingRegion);
        Add(json, "records_accessed", e.RecordsAccessed);
        if (e.ExtraMetadataJson is { } metadata)
        {
            json["extra_metadata"] = JsonNode.Parse(metadata);
        }

        return json;
    }

    private static string Name<T>(T value)
        where T : struct, Enum => JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());

    private static string Time(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    private static void Add<T>(JsonObject json, string name, T? value)
    {
        if (value is not null)
        {
            json[name] = JsonValue.Create(value);
        }
    }
}
