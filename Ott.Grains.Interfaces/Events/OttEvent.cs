namespace Ott.Grains.Interfaces;

/// <summary>
/// An event that passed validation, in canonical form: identifiers checked, type parsed, region normalised
/// (<c>UK</c> stored as <c>GB</c>), IP canonicalised, times in UTC. This is what the ingest grain logs and publishes
/// and what every analysis stage reads.
/// </summary>
[GenerateSerializer, Immutable, Alias("ott.event")]
public sealed record OttEvent
{
    /// <summary>Client-chosen unique id; the dedupe key.</summary>
    [Id(0)] public required string EventId { get; init; }

    /// <summary>The user the event belongs to; the stream key.</summary>
    [Id(1)] public required string UserId { get; init; }

    /// <summary>The device that sent it.</summary>
    [Id(2)] public required string DeviceId { get; init; }

    /// <summary>The content played, bought or exported.</summary>
    [Id(3)] public required string ContentId { get; init; }

    /// <summary>What happened.</summary>
    [Id(4)] public required EventType Type { get; init; }

    /// <summary>When it happened on the client, in UTC.</summary>
    [Id(5)] public required DateTimeOffset Timestamp { get; init; }

    /// <summary>Normalised region: ISO 3166-1 alpha-2, optional subdivision (<c>US-CA</c>), or <c>EU</c>.</summary>
    [Id(6)] public required string Region { get; init; }

    /// <summary>The client's claim that the user is in the EU; jurisdiction follows <see cref="Region"/>.</summary>
    [Id(7)] public required bool IsEuClaim { get; init; }

    /// <summary>Consent for the processing the event implies.</summary>
    [Id(8)] public required bool HasConsent { get; init; }

    /// <summary>Canonical text of the client IP (IPv4 dotted quad or compressed IPv6).</summary>
    [Id(9)] public required string IpAddress { get; init; }

    /// <summary>Subscription plan, when sent.</summary>
    [Id(10)] public SubscriptionPlan? Plan { get; init; }

    /// <summary>Client error code, when sent (at most 64 characters).</summary>
    [Id(11)] public string? ErrorCode { get; init; }

    /// <summary>Payment token or fingerprint, never a card number.</summary>
    [Id(12)] public string? PaymentMethodId { get; init; }

    /// <summary>Age of the user in years, when known.</summary>
    [Id(13)] public int? UserAge { get; init; }

    /// <summary>When the account was created, in UTC, when sent.</summary>
    [Id(14)] public DateTimeOffset? AccountCreatedAt { get; init; }

    /// <summary>What the processing is for, when sent.</summary>
    [Id(15)] public ProcessingPurpose? Purpose { get; init; }

    /// <summary>Purposes the user granted, normalised to lower case, when sent.</summary>
    [Id(16)] public IReadOnlyList<string>? ConsentPurposes { get; init; }

    /// <summary>Where the data is processed, normalised like <see cref="Region"/>, when sent.</summary>
    [Id(17)] public string? ProcessingRegion { get; init; }

    /// <summary>How many records left the system, for data-access events.</summary>
    [Id(18)] public long? RecordsAccessed { get; init; }

    /// <summary>The client's extra metadata as a compact JSON object (at most 32 keys, 4 KB), when sent.</summary>
    [Id(19)] public string? ExtraMetadataJson { get; init; }

    /// <summary>When the API accepted the event, in UTC.</summary>
    [Id(20)] public DateTimeOffset ReceivedAt { get; init; }
}
