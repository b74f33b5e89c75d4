using Ott.Grains.Interfaces;

namespace Ott.Grains.Logs;

/// <summary>
/// The embedded profile's event and assessment log, in process memory, with hard bounds:
/// <see cref="EventLogOptions.DedupeCapacity"/> ids for dedupe (FIFO), <see cref="EventLogOptions.MaxPending"/>
/// unassessed events (then back-pressure), <see cref="EventLogOptions.AssessmentCapacity"/> assessments (FIFO).
/// One instance per process: it serves one silo, which is what the embedded profile runs. The events of the assessments it
/// holds are kept beside them, so a backtest can replay what this log still has (<see cref="IEventHistory"/>).
/// </summary>
public sealed class InMemoryEventStore(EventLogOptions options, TimeProvider time, IOutcomeLog? outcomes = null) : IEventLog, IAssessmentLog, IEventHistory
{
    private readonly IOutcomeLog _outcomes = outcomes ?? new InMemoryOutcomeLog();
    private readonly Dictionary<string, OttEvent> _history = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private readonly HashSet<string> _known = new(StringComparer.Ordinal);
    private readonly HashSet<string> _failedIds = new(StringComparer.Ordinal);
    private readonly Queue<string> _knownOrder = new();
    private readonly Dictionary<string, (OttEvent Event, DateTimeOffset AcceptedAt)> _pending = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Assessment> _assessments = new(StringComparer.Ordinal);
    private readonly Assessment?[] _ring = new Assessment?[options.AssessmentCapacity];
    private int _ringStart;
    private int _ringCount;
    private readonly Dictionary<string, Queue<Assessment>> _byUser = new(StringComparer.Ordinal);
    private readonly long[] _byLevel = new long[5];
    private long _accepted;
    private long _duplicates;
    private long _failed;
    private long _assessed;

    public ValueTask<AppendOutcome[]> AppendAsync(IReadOnlyList<OttEvent> events, CancellationToken cancellationToken = default)
    {
        var outcomes = new AppendOutcome[events.Count];
        var now = time.GetUtcNow();
        lock (_lock)
        {
            if (_pending.Count + events.Count > options.MaxPending)
            {
                Array.Fill(outcomes, AppendOutcome.Overloaded);
                return ValueTask.FromResult(outcomes);
            }

            for (var i = 0; i < events.Count; i++)
            {
                var e = events[i];
                if (!_known.Add(e.EventId))
                {
                    outcomes[i] = AppendOutcome.Duplicate;
                    _duplicates++;
                    continue;
                }

                _knownOrder.Enqueue(e.EventId);
                if (_knownOrder.Count > options.DedupeCapacity)
                {
                    var forgotten = _knownOrder.Dequeue();
                    _known.Remove(forgotten);
                    _failedIds.Remove(forgotten);
                }

                _pending[e.EventId] = (e, now);
                _accepted++;
                outcomes[i] = AppendOutcome.Appended;
            }
        }

        return ValueTask.FromResult(outcomes);
    }

    public ValueTask<IReadOnlyList<OttEvent>> GetUnassessedAsync(DateTimeOffset acceptedBefore, int limit, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            IReadOnlyList<OttEvent> result = _pending.Values
                .Where(p => p.AcceptedAt < acceptedBefore)
                .OrderBy(p => p.AcceptedAt)
                .Take(limit)
                .Select(p => p.Event)
                .ToList();
            return ValueTask.FromResult(result);
        }
    }

    public ValueTask<LoggedEventState> GetStateAsync(string eventId, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return ValueTask.FromResult(
                _pending.ContainsKey(eventId) ? LoggedEventState.Pending
                : _failedIds.Contains(eventId) ? LoggedEventState.Failed
                : _assessments.ContainsKey(eventId) || _known.Contains(eventId) ? LoggedEventState.Assessed
                : LoggedEventState.Unknown);
        }
    }

    public ValueTask MarkFailedAsync(string eventId, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            if (_pending.Remove(eventId))
            {
                _failed++;
                _failedIds.Add(eventId);
            }
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask<EventLogStats> GetEventStatsAsync(CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return ValueTask.FromResult(new EventLogStats(_accepted, _duplicates, _pending.Count, _failed));
        }
    }

    public ValueTask AppendAsync(Assessment assessment, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            var logged = _pending.Remove(assessment.EventId, out var pending);
            if (!_assessments.TryAdd(assessment.EventId, assessment))
            {
                return ValueTask.CompletedTask;
            }

            if (logged)
            {
                _history[assessment.EventId] = pending.Event;
            }

            _assessed++;
            _byLevel[(int)assessment.RiskLevel]++;
            if (!_byUser.TryGetValue(assessment.UserId, out var userQueue))
            {
                _byUser[assessment.UserId] = userQueue = new Queue<Assessment>();
            }

            userQueue.Enqueue(assessment);

            if (_ringCount == _ring.Length)
            {
                var evicted = _ring[_ringStart]!;
                _ring[_ringStart] = assessment;
                _ringStart = (_ringStart + 1) % _ring.Length;
                _assessments.Remove(evicted.EventId);
                _history.Remove(evicted.EventId);
                var queue = _byUser[evicted.UserId];
                queue.Dequeue();
                if (queue.Count == 0)
                {
                    _byUser.Remove(evicted.UserId);
                }
            }
            else
            {
                _ring[(_ringStart + _ringCount) % _ring.Length] = assessment;
                _ringCount++;
            }
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask<Assessment?> GetAsync(string eventId, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return ValueTask.FromResult(_assessments.GetValueOrDefault(eventId));
        }
    }

    public ValueTask<IReadOnlyList<Assessment>> GetByUserAsync(string userId, int limit, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            IReadOnlyList<Assessment> result = _byUser.TryGetValue(userId, out var queue)
                ? queue.Reverse().Take(limit).ToList()
                : [];
            return ValueTask.FromResult(result);
        }
    }

    public ValueTask<IReadOnlyList<Assessment>> GetLatestAsync(int limit, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            var count = Math.Min(limit, _ringCount);
            var result = new Assessment[count];
            for (var i = 0; i < count; i++)
            {
                result[i] = _ring[(_ringStart + _ringCount - 1 - i) % _ring.Length]!;
            }

            return ValueTask.FromResult<IReadOnlyList<Assessment>>(result);
        }
    }

    public ValueTask<IReadOnlyDictionary<string, long>> PurgeAsync(Func<string, DateTimeOffset> cutoffForRegion, CancellationToken cancellationToken = default)
    {
        var removed = new Dictionary<string, long>(StringComparer.Ordinal);
        lock (_lock)
        {
            RemoveAssessments(a => a.EventTime < cutoffForRegion(a.Region), a => removed[a.Region] = removed.GetValueOrDefault(a.Region) + 1);
        }

        return ValueTask.FromResult<IReadOnlyDictionary<string, long>>(removed);
    }

    public ValueTask<long> EraseUserAssessmentsAsync(string userId, CancellationToken cancellationToken = default)
    {
        long removed = 0;
        lock (_lock)
        {
            if (_byUser.ContainsKey(userId))
            {
                RemoveAssessments(a => a.UserId == userId, _ => removed++);
            }
        }

        return ValueTask.FromResult(removed);
    }

    public ValueTask<long> EraseUserEventsAsync(string userId, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            var ids = _pending.Where(p => p.Value.Event.UserId == userId).Select(p => p.Key).ToList();
            foreach (var id in ids)
            {
                _pending.Remove(id);
            }

            return ValueTask.FromResult((long)ids.Count);
        }
    }

    /// <summary>Drops the assessments matching <paramref name="remove"/> and rebuilds the indexes. Caller holds the lock.</summary>
    private void RemoveAssessments(Func<Assessment, bool> remove, Action<Assessment> removed)
    {
        var kept = new List<Assessment>(_ringCount);
        var any = false;
        for (var i = 0; i < _ringCount; i++)
        {
            var a = _ring[(_ringStart + i) % _ring.Length]!;
            if (remove(a))
            {
                removed(a);
                _history.Remove(a.EventId);
                any = true;
            }
            else
            {
                kept.Add(a);
            }
        }

        if (any)
        {
            Array.Clear(_ring);
            _ringStart = 0;
            _ringCount = kept.Count;
            for (var i = 0; i < kept.Count; i++)
            {
                _ring[i] = kept[i];
            }

            _assessments.Clear();
            _byUser.Clear();
            foreach (var a in kept)
            {
                _assessments[a.EventId] = a;
                if (!_byUser.TryGetValue(a.UserId, out var queue))
                {
                    _byUser[a.UserId] = queue = new Queue<Assessment>();
                }

                queue.Enqueue(a);
            }
        }
    }

    public async IAsyncEnumerable<HistoricalEvent> ReadAsync(DateTimeOffset from, DateTimeOffset to, IReadOnlyCollection<string>? users,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var e in Period(from, to, users))
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return new HistoricalEvent(e, await _outcomes.GetAsync(e.EventId, cancellationToken));
        }
    }

    public ValueTask<long> CountAsync(DateTimeOffset from, DateTimeOffset to, IReadOnlyCollection<string>? users, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult((long)Period(from, to, users).Count);

    /// <summary>A copy of the period's events in replay order (the embedded log is itself bounded in memory).</summary>
    private List<OttEvent> Period(DateTimeOffset from, DateTimeOffset to, IReadOnlyCollection<string>? users)
    {
        lock (_lock)
        {
            return [.. _history.Values
                .Where(e => e.Timestamp >= from && e.Timestamp < to && (users is null || users.Contains(e.UserId)))
                .OrderBy(e => e.UserId, StringComparer.Ordinal).ThenBy(e => e.Timestamp).ThenBy(e => e.EventId, StringComparer.Ordinal)];
        }
    }

    public ValueTask<AssessmentStats> GetAssessmentStatsAsync(CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            var byLevel = Enum.GetValues<RiskLevel>().ToDictionary(level => level, level => _byLevel[(int)level]);
            return ValueTask.FromResult(new AssessmentStats(_assessed, byLevel));
        }
    }
}
