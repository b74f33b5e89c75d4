namespace Ott.Api.Events;

/// <summary>
/// The event as clients send it (docs/api.md), for the OpenAPI document. The body is validated field by field from the
/// raw JSON by <see cref="EventValidator"/>, so every failing field is reported, not just the first.
/// </summary>
public sealed record EventRequest
{
    /// <summary>1-128 characters of [A-Za-z0-9._:@-]; the dedupe key.</summary>
    public required string EventId { get; init; }
    public required string UserId { get; init; }
    public required string DeviceId { get; init; }
    public required string ContentId { get; init; }

    /// <summary>play, pause, stop, seek, error, login, logout, login_failed, purchase, download, export, token_refresh,
    /// token_refresh_failed, bulk_download, access, signup, password_reset, payment_failed, consent_granted,
    /// consent_withdrawn, data_deletion_request, profile_update, share (case-insensitive).</summary>
    public required string EventType { get; init; }

    /// <summary>ISO 8601 with an offset or Z; at most 24 h in the future.</summary>
    public required string Timestamp { get; init; }

    /// <summary>ISO 3166-1 alpha-2, optional subdivision (US-CA), EU, or UK (= GB).</summary>
    public required string Region { get; init; }
    public required bool IsEu { get; init; }
    public required bool HasConsent { get; init; }

    /// <summary>IPv4 or IPv6.</summary>
    public required string IpAddress { get; init; }

    /// <summary>basic, standard, premium, vip or trial.</summary>
    public string? SubscriptionPlan { get; init; }
    public string? ErrorCode { get; init; }

    /// <summary>A payment token or fingerprint; a card number is rejected.</summary>
    public string? PaymentMethodId { get; init; }
    public int? UserAge { get; init; }
    public string? AccountCreatedAt { get; init; }

    /// <summary>service, analytics, personalisation, advertising, marketing or sale.</summary>
    public string? Purpose { get; init; }
    public string[]? ConsentPurposes { get; init; }
    public string? ProcessingRegion { get; init; }
    public long? RecordsAccessed { get; init; }

    /// <summary>String, number or boolean values; at most 32 keys and 4 KB.</summary>
    public Dictionary<string, object>? ExtraMetadata { get; init; }
}
