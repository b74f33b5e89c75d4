using Ott.Grains.Interfaces;
using System.Collections.Concurrent;

namespace Ott.Grains.Logs;

/// <summary>Where an outcome came from (docs/policies.md, "Outcomes and their sources").</summary>
public static class OutcomeSources
{
    /// <summary>An analyst's verdict (<c>POST /api/v1/events/{id}/outcome</c>), with the analyst as actor.</summary>
    public const string Analyst = "analyst";

    /// <summary>A simulation's ground truth, with the run id.</summary>
    public const string Simulation = "simulation";

    public static readonly IReadOnlyList<string> All = [Analyst, Simulation];
}

/// <summary>The known truth about one assessed event: was it a violation, who said so, when.</summary>
public sealed record RecordedOutcome(
    string EventId,
    string UserId,
    DateTimeOffset EventTime,
    bool ConfirmedViolation,
    string Source,
    string? Actor,
    string? RunId,
    DateTimeOffset RecordedAt);

/// <summary>
/// Outcomes by event id (the latest verdict on an event wins). Backtests join them to the replayed events to measure
/// each policy's precision and recall. Embedded: <see cref="InMemoryOutcomeLog"/>; SQL profiles: <c>ott_outcomes</c>.
/// </summary>
public interface IOutcomeLog
{
    ValueTask RecordAsync(IReadOnlyList<RecordedOutcome> outcomes, CancellationToken cancellationToken = default);

    ValueTask<RecordedOutcome?> GetAsync(string eventId, CancellationToken cancellationToken = default);

    /// <summary>Removes every outcome of a user (erasure); returns how many.</summary>
    ValueTask<long> EraseUserOutcomesAsync(string userId, CancellationToken cancellationToken = default);
}

/// <summary>One logged event of a replayed period, with its outcome when one was recorded.</summary>
public readonly record struct HistoricalEvent(OttEvent Event, RecordedOutcome? Outcome);

/// <summary>
/// The logged events of a period for replay (backtests): by event time in [from, to), grouped by user and in
/// event-time order within each user, streamed (never the whole period in memory).
/// </summary>
public interface IEventHistory
{
    IAsyncEnumerable<HistoricalEvent> ReadAsync(DateTimeOffset from, DateTimeOffset to, IReadOnlyCollection<string>? users,
        CancellationToken cancellationToken = default);

    /// <summary>How many events <see cref="ReadAsync"/> will yield (for progress).</summary>
    ValueTask<long> CountAsync(DateTimeOffset from, DateTimeOffset to, IReadOnlyCollection<string>? users, CancellationToken cancellationToken = default);
}

/// <summary>The embedded profile's outcomes: a dictionary, as bounded as the assessments it labels.</summary>
public sealed class InMemoryOutcomeLog : IOutcomeLog
{
    private readonly ConcurrentDictionary<string, RecordedOutcome> _outcomes = new(StringComparer.Ordinal);

    public ValueTask RecordAsync(IReadOnlyList<RecordedOutcome> outcomes, CancellationToken cancellationToken = default)
    {
        foreach (var outcome in outcomes)
        {
            _outcomes[outcome.EventId] = outcome;
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask<RecordedOutcome?> GetAsync(string eventId, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(_outcomes.GetValueOrDefault(eventId));

    public ValueTask<long> EraseUserOutcomesAsync(string userId, CancellationToken cancellationToken = default)
    {
        long removed = 0;
        foreach (var (id, outcome) in _outcomes)
        {
            if (outcome.UserId == userId && _outcomes.TryRemove(id, out _))
            {
                removed++;
            }
        }

        return ValueTask.FromResult(removed);
    }
}
