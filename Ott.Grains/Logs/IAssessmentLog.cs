using Ott.Grains.Interfaces;

namespace Ott.Grains.Logs;

/// <summary>Counters over every assessment written since start (embedded) or stored (production).</summary>
public sealed record AssessmentStats(long Total, IReadOnlyDictionary<RiskLevel, long> ByLevel);

/// <summary>
/// Where assessments go and where analysts read them back. Writes are idempotent by event_id.
/// Embedded: <see cref="InMemoryEventStore"/> (bounded); production: PostgreSQL (a later issue).
/// </summary>
public interface IAssessmentLog
{
    ValueTask AppendAsync(Assessment assessment, CancellationToken cancellationToken = default);

    ValueTask<Assessment?> GetAsync(string eventId, CancellationToken cancellationToken = default);

    /// <summary>The user's assessments, newest first.</summary>
    ValueTask<IReadOnlyList<Assessment>> GetByUserAsync(string userId, int limit, CancellationToken cancellationToken = default);

    /// <summary>The latest assessments across users, newest first.</summary>
    ValueTask<IReadOnlyList<Assessment>> GetLatestAsync(int limit, CancellationToken cancellationToken = default);

    ValueTask<AssessmentStats> GetAssessmentStatsAsync(CancellationToken cancellationToken = default);

    /// <summary>Removes every assessment of a user (erasure); returns how many.</summary>
    ValueTask<long> EraseUserAssessmentsAsync(string userId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Removes assessments (and their logged events) whose event time is before the cutoff of their region
    /// (retention); returns how many were removed per region.
    /// </summary>
    ValueTask<IReadOnlyDictionary<string, long>> PurgeAsync(Func<string, DateTimeOffset> cutoffForRegion, CancellationToken cancellationToken = default);
}
