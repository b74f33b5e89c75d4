namespace Ott.Grains.Interfaces;

/// <summary>
/// The JSON names of the event's fields (docs/api.md, "The event"). Every reader and writer of the wire format uses
/// these; <see cref="EventWire.Fields"/> gives each one's kind, rules and description.
/// </summary>
public static class EventFields
{
    public const string EventId = "event_id";
    public const string UserId = "user_id";
    public const string DeviceId = "device_id";
    public const string ContentId = "content_id";
    public const string EventType = "event_type";
    public const string Timestamp = "timestamp";
    public const string Region = "region";
    public const string IsEu = "is_eu";
    public const string HasConsent = "has_consent";
    public const string IpAddress = "ip_address";
    public const string SubscriptionPlan = "subscription_plan";
    public const string ErrorCode = "error_code";
    public const string PaymentMethodId = "payment_method_id";
    public const string UserAge = "user_age";
    public const string AccountCreatedAt = "account_created_at";
    public const string Purpose = "purpose";
    public const string ConsentPurposes = "consent_purposes";
    public const string ProcessingRegion = "processing_region";
    public const string RecordsAccessed = "records_accessed";
    public const string ExtraMetadata = "extra_metadata";
}
