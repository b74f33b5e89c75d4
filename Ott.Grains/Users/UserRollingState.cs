using Ott.Grains.Interfaces;

namespace Ott.Grains.Users;

/// <summary>
/// The persisted rolling state of one user (docs/state.md). Plain data; <see cref="RollingWindow"/> is the engine
/// that updates it. Every collection has a cap (see <see cref="RollingWindowOptions"/>), so the serialized size is
/// bounded however many events arrive (docs/state.md gives the bound and the test that proves it).
/// </summary>
[GenerateSerializer, Alias("ott.user-rolling-state")]
public sealed class UserRollingState
{
    /// <summary>Events ever observed (assessed) for the user.</summary>
    [Id(0)] public long TotalEvents { get; set; }

    /// <summary>Earliest event time seen; account age falls back to it.</summary>
    [Id(1)] public DateTimeOffset? FirstEventTime { get; set; }

    /// <summary>Latest event time seen; windows and lateness are measured from it.</summary>
    [Id(2)] public DateTimeOffset? NewestEventTime { get; set; }

    /// <summary>Account creation time when a client sent it (the earliest value sent wins).</summary>
    [Id(3)] public DateTimeOffset? AccountCreatedAt { get; set; }

    /// <summary>Events of the last 1 h + late tolerance, sorted by event time, for exact 1 h windows.</summary>
    [Id(4)] public List<DetailEntry> Detail { get; set; } = [];

    /// <summary>Event counts per UTC hour for the last 26 hours.</summary>
    [Id(5)] public List<HourBucket> Hours { get; set; } = [];

    /// <summary>Event and violation counts per UTC day for the last 31 days.</summary>
    [Id(6)] public List<DayBucket> Days { get; set; } = [];

    /// <summary>Distinct IPs with the hours they were seen in.</summary>
    [Id(7)] public List<SeenValue> Ips { get; set; } = [];

    /// <summary>Distinct countries (region country part) with the hours they were seen in.</summary>
    [Id(8)] public List<SeenValue> Regions { get; set; } = [];

    /// <summary>Distinct devices with the hours they were seen in.</summary>
    [Id(9)] public List<SeenValue> Devices { get; set; } = [];

    /// <summary>The last events in arrival order (for "errors in the last 50" and the violation baseline).</summary>
    [Id(10)] public List<RecentEvent> Recent { get; set; } = [];

    /// <summary>The last assessments, newest last.</summary>
    [Id(11)] public List<AssessmentSummary> RecentAssessments { get; set; } = [];

    /// <summary>Hashes of recently assessed event ids, to drop stream redeliveries and replays.</summary>
    [Id(12)] public List<ulong> RecentEventIds { get; set; } = [];

    /// <summary>Last known consent, from the newest event by event time.</summary>
    [Id(13)] public ConsentState? Consent { get; set; }

    /// <summary>Region of the newest event.</summary>
    [Id(14)] public string LastRegion { get; set; } = "";

    /// <summary>Plan of the newest event that carried one.</summary>
    [Id(15)] public SubscriptionPlan? Plan { get; set; }

    /// <summary>Data-access events seen that carried records_accessed.</summary>
    [Id(16)] public long DataAccessEventsWithRecords { get; set; }

    /// <summary>Sum of records_accessed over those events.</summary>
    [Id(17)] public long DataAccessRecords { get; set; }

    /// <summary>Violations of the user's latest events, newest last (capped).</summary>
    [Id(18)] public List<UserViolation> Violations { get; set; } = [];

    /// <summary>Data-subject requests not completed yet (capped).</summary>
    [Id(19)] public List<DataSubjectRequest> OpenRequests { get; set; } = [];

    /// <summary>When an incident was last opened automatically for this user.</summary>
    [Id(20)] public DateTimeOffset? LastIncidentAt { get; set; }

    /// <summary>PIPL routes this user was counted on: <c>2026:CN-US</c>, and <c>2026:CN-US:sensitive</c>.</summary>
    [Id(21)] public List<string> PiplCounted { get; set; } = [];

    /// <summary>Ids of the devices the user used most recently (for erasure), newest last.</summary>
    [Id(22)] public List<string> DeviceIds { get; set; } = [];

    /// <summary>The segment chosen at the newest event.</summary>
    [Id(23)] public SegmentDecision? Segment { get; set; }

    /// <summary>Open alerts per top factor, for deduplication (capped).</summary>
    [Id(24)] public List<Alerts.AlertMark> AlertMarks { get; set; } = [];

    /// <summary>The newest event whose IP had coordinates.</summary>
    [Id(25)] public Geo.LastLocation? LastLocation { get; set; }

    /// <summary>Hashes of the identifiers already sent to the network graph (a link is sent once), newest last.</summary>
    [Id(26)] public List<ulong> LinkedIdentifiers { get; set; } = [];

    /// <summary>True once the user was flagged in the network graph (after a critical assessment).</summary>
    [Id(27)] public bool FlaggedInNetwork { get; set; }
}

/// <summary>One event in the exact 1 h window. Identifiers are stored as stable 32-bit hashes.</summary>
[GenerateSerializer, Alias("ott.user-detail-entry")]
public struct DetailEntry
{
    [Id(0)] public long Ticks { get; set; }
    [Id(1)] public EventType Type { get; set; }
    [Id(2)] public int Ip { get; set; }
    [Id(3)] public int Country { get; set; }
    [Id(4)] public int Device { get; set; }
    [Id(5)] public long Records { get; set; }
}

/// <summary>Events in one UTC hour (hours since the Unix epoch).</summary>
[GenerateSerializer, Alias("ott.user-hour-bucket")]
public struct HourBucket
{
    [Id(0)] public int Hour { get; set; }
    [Id(1)] public int Events { get; set; }
}

/// <summary>Events and regulation violations in one UTC day (days since the Unix epoch).</summary>
[GenerateSerializer, Alias("ott.user-day-bucket")]
public struct DayBucket
{
    [Id(0)] public int Day { get; set; }
    [Id(1)] public int Events { get; set; }
    [Id(2)] public int Violations { get; set; }
    [Id(3)] public int Critical { get; set; }
}

/// <summary>A distinct value (hashed) and a bit mask of the hours it was seen in: bit i = hour <see cref="LastHour"/> - i.</summary>
[GenerateSerializer, Alias("ott.user-seen-value")]
public struct SeenValue
{
    [Id(0)] public int Hash { get; set; }
    [Id(1)] public int LastHour { get; set; }
    [Id(2)] public ulong Mask { get; set; }
}

/// <summary>Compact facts about a recent event in arrival order.</summary>
[GenerateSerializer, Alias("ott.user-recent-event")]
public struct RecentEvent
{
    [Id(0)] public EventType Type { get; set; }
    [Id(1)] public RecentEventFlags Flags { get; set; }
    [Id(2)] public int Ip { get; set; }
}

/// <summary>Flags of a <see cref="RecentEvent"/>.</summary>
[Flags]
public enum RecentEventFlags : byte
{
    None = 0,
    GdprArea = 1,
    HasConsent = 2,
}
