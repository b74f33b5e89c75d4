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

    /// <summary>A canonical event; every field of the wire format can be set (the optional ones are unset by default).</summary>
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
        DateTimeOffset? accountCreatedAt = null,
        string content = "content_1",
        string? errorCode = null,
        string? paymentMethodId = null,
        int? userAge = null,
        ProcessingPurpose? purpose = null,
        IReadOnlyList<string>? consentPurposes = null,
        string? processingRegion = null,
        string? extraMetadataJson = null) => new()
    {
        EventId = eventId ?? NewId(),
        UserId = userId ?? NewId("user"),
        DeviceId = device,
        ContentId = content,
        Type = type,
        Timestamp = at ?? T0,
        Region = region,
        IsEuClaim = isEu ?? Ott.Grains.Geo.RegionCodes.IsEuMember(region),
        HasConsent = hasConsent,
        IpAddress = ip,
        Plan = plan,
        ErrorCode = errorCode,
        PaymentMethodId = paymentMethodId,
        UserAge = userAge,
        AccountCreatedAt = accountCreatedAt,
        Purpose = purpose,
        ConsentPurposes = consentPurposes,
        ProcessingRegion = processingRegion,
        RecordsAccessed = records,
        ExtraMetadataJson = extraMetadataJson,
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

    /// <summary>The wire form of a canonical event (what a client would have sent): the product's one writer.</summary>
    public static JsonObject ToJson(OttEvent e) => EventWire.ToJson(e);

    /// <summary>A valid wire event a minute old (or at <paramref name="at"/>); change fields with <paramref name="edit"/>.</summary>
    /// <summary>An advertising export in Germany without consent (a GDPR consent violation), for the policy tests.</summary>
    public static JsonObject ConsentlessExport(DateTimeOffset? at = null, Action<JsonObject>? edit = null) => Json(j =>
    {
        j["event_type"] = "export";
        j["region"] = "DE";
        j["is_eu"] = true;
        j["has_consent"] = false;
        j["purpose"] = "advertising";
        edit?.Invoke(j);
    }, at);

    public static JsonObject Json(Action<JsonObject>? edit = null, DateTimeOffset? at = null)
    {
        var json = ToJson(Event(ip: "198.51.100.7", at: at ?? DateTimeOffset.UtcNow.AddMinutes(-1)));
        edit?.Invoke(json);
        return json;
    }
}
