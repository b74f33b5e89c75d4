using System.Globalization;
using System.Text.Json.Nodes;
using Ott.Grains.Interfaces;

namespace Ott.Tests.Support;

/// <summary>Builders of valid events, as wire JSON and as canonical <see cref="OttEvent"/>s.</summary>
public static class TestEvents
{
    public static readonly DateTimeOffset T0 = new(2026, 1, 16, 12, 0, 0, TimeSpan.Zero);

    private static long _sequence;

    public static string NewId(string prefix = "evt") =>
        $"{prefix}-{Interlocked.Increment(ref _sequence)}-{Guid.NewGuid().ToString("N")[..12]}";

    public static OttEvent Event(
        string? userId = null,
        EventType type = EventType.Play,
        DateTimeOffset? at = null,
        string region = "US",
        bool hasConsent = true,
        string ip = "198.51.100.1",
        string device = "tv_1",
        SubscriptionPlan? plan = null,
        long? records = null,
        bool? isEu = null,
        string? eventId = null,
        DateTimeOffset? accountCreatedAt = null) => new()
    {
        EventId = eventId ?? NewId(),
        UserId = userId ?? NewId("user"),
        DeviceId = device,
        ContentId = "content_1",
        Type = type,
        Timestamp = at ?? T0,
        Region = region,
        IsEuClaim = isEu ?? Ott.Grains.Geo.RegionCodes.IsEuMember(region),
        HasConsent = hasConsent,
        IpAddress = ip,
        Plan = plan,
        RecordsAccessed = records,
        AccountCreatedAt = accountCreatedAt,
        ReceivedAt = at ?? T0,
    };

    /// <summary>A minimal assessment of <paramref name="e"/> at <paramref name="level"/> (for log and store tests).</summary>
    public static Assessment AssessmentOf(OttEvent e, RiskLevel level = RiskLevel.Low) => new()
    {
        EventId = e.EventId,
        UserId = e.UserId,
        DeviceId = e.DeviceId,
        ContentId = e.ContentId,
        EventType = e.Type,
        Region = e.Region,
        EventTime = e.Timestamp,
        RiskScore = 0,
        RiskLevel = level,
        Threshold = 8,
        Factors = [],
        Action = RiskAction.Allow,
        ProcessedAt = e.Timestamp,
    };

    /// <summary>The wire form of a canonical event (what a client would have sent).</summary>
    public static JsonObject ToJson(OttEvent e)
    {
        var json = new JsonObject
        {
            ["event_id"] = e.EventId,
            ["user_id"] = e.UserId,
            ["device_id"] = e.DeviceId,
            ["content_id"] = e.ContentId,
            ["event_type"] = e.Type.ToWireName(),
            ["timestamp"] = e.Timestamp.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
            ["region"] = e.Region,
            ["is_eu"] = e.IsEuClaim,
            ["has_consent"] = e.HasConsent,
            ["ip_address"] = e.IpAddress,
        };
        if (e.Purpose is { } purpose)
        {
            json["purpose"] = WireName.From(purpose.ToString());
        }

        if (e.ConsentPurposes is { } purposes)
        {
            json["consent_purposes"] = new JsonArray(purposes.Select(p => (JsonNode?)p).ToArray());
        }

        if (e.UserAge is { } age)
        {
            json["user_age"] = age;
        }

        if (e.ProcessingRegion is { } processing)
        {
            json["processing_region"] = processing;
        }

        if (e.RecordsAccessed is { } records)
        {
            json["records_accessed"] = records;
        }

        if (e.Plan is { } plan)
        {
            json["subscription_plan"] = WireName.From(plan.ToString());
        }

        return json;
    }

    /// <summary>A valid wire event; change fields with <paramref name="edit"/>.</summary>
    public static JsonObject Json(Action<JsonObject>? edit = null, DateTimeOffset? at = null)
    {
        var json = new JsonObject
        {
            ["event_id"] = NewId(),
            ["user_id"] = NewId("user"),
            ["device_id"] = "tv_1",
            ["content_id"] = "content_1",
            ["event_type"] = "play",
            ["timestamp"] = (at ?? DateTimeOffset.UtcNow.AddMinutes(-1)).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            ["region"] = "US",
            ["is_eu"] = false,
            ["has_consent"] = true,
            ["ip_address"] = "198.51.100.7",
        };
        edit?.Invoke(json);
        return json;
    }
}
