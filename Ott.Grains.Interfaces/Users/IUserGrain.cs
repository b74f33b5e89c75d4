using System.Text.Json.Serialization;

namespace Ott.Grains.Interfaces;

/// <summary>
/// One per user: keeps the rolling risk state (docs/state.md) and assesses each of the user's events.
/// Fed by the <see cref="EventStreams.Namespace"/> stream through an implicit subscription.
/// </summary>
[Alias("ott.user")]
public interface IUserGrain : IGrainWithStringKey
{
    /// <summary>The risk profile, or null when the user has never sent an event.</summary>
    [Alias("profile")]
    Task<UserRiskProfile?> GetRiskProfileAsync();

    /// <summary>
    /// Erases the user (docs/security.md): grain state, logged events and assessments, the user's place on the devices
    /// they used, and completes their open requests. Null when nothing was known about the user.
    /// </summary>
    [Alias("erase")]
    Task<ErasureReport?> EraseAsync();

    /// <summary>Marks a data-subject request of this user as completed (it stops counting as overdue).</summary>
    [Alias("complete-request")]
    Task CompleteRequestAsync(string requestId);

    /// <summary>
    /// Assesses one logged event now, in this grain's order with the events its stream delivers (a grain turn at a
    /// time), and returns the assessment; an event already assessed returns the stored one. No assessment when the log
    /// cannot be written now (the event stays pending and is replayed), and an error when the pipeline failed on it.
    /// Called by the ingest grain for inline decisions.
    /// </summary>
    [Alias("decide")]
    Task<Decision> DecideAsync(OttEvent e);
}

/// <summary>What an erasure removed.</summary>
[GenerateSerializer, Immutable, Alias("ott.erasure-report")]
public sealed record ErasureReport(
    [property: Id(0)] string UserId,
    [property: Id(1)] bool StateErased,
    [property: Id(2)] long AssessmentsRemoved,
    [property: Id(3)] long EventsRemoved,
    [property: Id(4)] int DevicesUpdated,
    [property: Id(5)] int RequestsCompleted);

/// <summary>A compact record of one recent assessment, kept in the user's state.</summary>
[GenerateSerializer, Immutable, Alias("ott.assessment-summary")]
public sealed record AssessmentSummary(
    [property: Id(0)] string EventId,
    [property: Id(1)] EventType EventType,
    [property: Id(2)] DateTimeOffset EventTime,
    [property: Id(3)] double RiskScore,
    [property: Id(4)] RiskLevel RiskLevel,
    [property: Id(5)] IReadOnlyList<string> FactorCodes);

/// <summary>Rolling features of a user at a point in event time (docs/scoring.md, "Rolling features").</summary>
[GenerateSerializer, Immutable, Alias("ott.rolling-features")]
public sealed record RollingFeatures
{
    [Id(0), JsonPropertyName("events_1h")] public int EventsLastHour { get; init; }
    [Id(1), JsonPropertyName("events_24h")] public int EventsLast24Hours { get; init; }
    [Id(2), JsonPropertyName("events_7d")] public int EventsLast7Days { get; init; }
    [Id(3), JsonPropertyName("events_30d")] public int EventsLast30Days { get; init; }
    [Id(4), JsonPropertyName("distinct_ips_1h")] public int DistinctIpsLastHour { get; init; }
    [Id(5), JsonPropertyName("distinct_ips_24h")] public int DistinctIpsLast24Hours { get; init; }
    [Id(6), JsonPropertyName("distinct_regions_1h")] public int DistinctRegionsLastHour { get; init; }
    [Id(7), JsonPropertyName("distinct_regions_24h")] public int DistinctRegionsLast24Hours { get; init; }
    [Id(8), JsonPropertyName("distinct_devices_1h")] public int DistinctDevicesLastHour { get; init; }
    [Id(9), JsonPropertyName("distinct_devices_24h")] public int DistinctDevicesLast24Hours { get; init; }
    [Id(10), JsonPropertyName("auth_failures_1h")] public int AuthFailuresLastHour { get; init; }
    [Id(11), JsonPropertyName("auth_failure_ips_1h")] public int AuthFailureIpsLastHour { get; init; }
    [Id(12), JsonPropertyName("errors_last_50")] public int ErrorsInLast50Events { get; init; }
    [Id(13), JsonPropertyName("error_window_events")] public int EventsInErrorWindow { get; init; }
    [Id(14), JsonPropertyName("data_access_1h")] public int DataAccessLastHour { get; init; }
    [Id(15), JsonPropertyName("records_accessed_1h")] public long RecordsAccessedLastHour { get; init; }
    [Id(16), JsonPropertyName("violations_30d")] public int ViolationsLast30Days { get; init; }
}

/// <summary>A violation found in one of the user's events.</summary>
[GenerateSerializer, Immutable, Alias("ott.user-violation")]
public sealed record UserViolation(
    [property: Id(0)] string EventId,
    [property: Id(1)] DateTimeOffset EventTime,
    [property: Id(2)] Violation Violation);

/// <summary>The user's last known consent, from the newest event that carried it.</summary>
[GenerateSerializer, Immutable, Alias("ott.consent-state")]
public sealed record ConsentState(
    [property: Id(0)] bool HasConsent,
    [property: Id(1)] IReadOnlyList<string>? Purposes,
    [property: Id(2)] DateTimeOffset AsOf);

/// <summary>What analysts read at <c>GET /api/v1/users/{id}/risk</c>.</summary>
[GenerateSerializer, Immutable, Alias("ott.user-risk-profile")]
public sealed record UserRiskProfile
{
    [Id(0)] public required string UserId { get; init; }
    [Id(1)] public required double Threshold { get; init; }
    [Id(2)] public required string ThresholdSource { get; init; }
    [Id(3)] public required RollingFeatures Features { get; init; }
    [Id(4)] public required IReadOnlyList<AssessmentSummary> RecentAssessments { get; init; }
    [Id(5)] public ConsentState? Consent { get; init; }
    [Id(6)] public required DateTimeOffset FirstSeen { get; init; }
    [Id(7)] public required DateTimeOffset LastEventTime { get; init; }
    [Id(8)] public DateTimeOffset? AccountCreatedAt { get; init; }
    [Id(9)] public required double AccountAgeDays { get; init; }
    [Id(10)] public required long TotalEvents { get; init; }
    [Id(11)] public required string LastRegion { get; init; }
    [Id(12)] public SubscriptionPlan? Plan { get; init; }

    /// <summary>Violations found in the user's recent assessments (newest first, at most 20).</summary>
    [Id(13)] public IReadOnlyList<UserViolation> RecentViolations { get; init; } = [];

    /// <summary>The user's data-subject requests not completed yet.</summary>
    [Id(14)] public IReadOnlyList<DataSubjectRequest> OpenRequests { get; init; } = [];

    /// <summary>The segment of the newest event, with the inputs and the rule that chose it.</summary>
    [Id(15)] public SegmentDecision? Segment { get; init; }
}
