using Ott.Grains.Interfaces;

namespace Ott.Grains.Logs;

/// <summary>What happened to one event offered to the log.</summary>
public enum AppendOutcome : byte
{
    /// <summary>Newly logged; it is now owed exactly one assessment.</summary>
    Appended = 1,

    /// <summary>The event_id is already in the log's dedupe window; nothing was logged.</summary>
    Duplicate,

    /// <summary>The log will not take more now (too many events await assessment); nothing was logged.</summary>
    Overloaded,
}

/// <summary>Where one event stands in the log.</summary>
public enum LoggedEventState : byte
{
    /// <summary>Not in the log (never sent, erased, or past the embedded log's dedupe window).</summary>
    Unknown = 0,

    /// <summary>Logged and still owed its assessment.</summary>
    Pending,

    /// <summary>Logged and assessed.</summary>
    Assessed,

    /// <summary>Logged; its assessment failed (counted as failed).</summary>
    Failed,
}

/// <summary>The log's storage cannot be reached: nothing was written; the caller may retry later.</summary>
public sealed class LogUnavailableException(string message, Exception inner) : Exception(message, inner);

/// <summary>Counters of the event log since start (embedded) or in the database (production).</summary>
public sealed record EventLogStats(long Accepted, long Duplicates, long Pending, long Failed);

/// <summary>
/// The log of accepted events: the dedupe authority (by event_id) and the record of what is still owed an
/// assessment. Embedded: <see cref="InMemoryEventStore"/>; production: PostgreSQL (a later issue).
/// </summary>
public interface IEventLog
{
    /// <summary>Appends the events, in order; one outcome per event. An id repeated inside the batch is a duplicate.</summary>
    ValueTask<AppendOutcome[]> AppendAsync(IReadOnlyList<OttEvent> events, CancellationToken cancellationToken = default);

    /// <summary>Events accepted before <paramref name="acceptedBefore"/> that still have no assessment (for replay).</summary>
    ValueTask<IReadOnlyList<OttEvent>> GetUnassessedAsync(DateTimeOffset acceptedBefore, int limit, CancellationToken cancellationToken = default);

    /// <summary>Where one event stands: unknown, pending, assessed or failed.</summary>
    ValueTask<LoggedEventState> GetStateAsync(string eventId, CancellationToken cancellationToken = default);

    /// <summary>Records that an event could not be assessed, so it is no longer pending.</summary>
    ValueTask MarkFailedAsync(string eventId, CancellationToken cancellationToken = default);

    /// <summary>Removes every logged event of a user (erasure); returns how many.</summary>
    ValueTask<long> EraseUserEventsAsync(string userId, CancellationToken cancellationToken = default);

    ValueTask<EventLogStats> GetEventStatsAsync(CancellationToken cancellationToken = default);
}
