namespace Ott.Grains.Logs;

/// <summary>One audited action: who did what to whose data, when, from where, and how it ended.</summary>
public sealed record AuditRecord
{
    public long Id { get; init; }
    public required DateTimeOffset Time { get; init; }
    public required string Actor { get; init; }
    public required string Role { get; init; }

    /// <summary>The action, e.g. <c>GetUserRisk</c>, <c>EraseUser</c>, <c>security.attack_pattern</c>.</summary>
    public required string Action { get; init; }

    /// <summary>What kind of target: <c>user</c>, <c>event</c>, <c>device</c>, <c>request</c>, <c>incident</c>, or empty.</summary>
    public required string TargetKind { get; init; }
    public required string Target { get; init; }

    /// <summary>The HTTP status of the request.</summary>
    public required int Result { get; init; }
    public required string ClientIp { get; init; }
    public string? Detail { get; init; }
}

/// <summary>
/// Append-only audit trail (docs/security.md, "Audit trail"). Nothing can edit or delete a record through the API;
/// with memory storage: in memory, bounded; with SQL storage: the <c>ott_audit</c> table.
/// </summary>
public interface IAuditLog
{
    ValueTask<AuditRecord> AppendAsync(AuditRecord record, CancellationToken cancellationToken = default);

    /// <summary>Records matching every given filter, newest first.</summary>
    ValueTask<IReadOnlyList<AuditRecord>> QueryAsync(string? actor, string? target, DateTimeOffset? since, int limit, CancellationToken cancellationToken = default);
}

/// <summary>The embedded audit trail: the last <see cref="Capacity"/> records in process memory.</summary>
public sealed class InMemoryAuditLog : IAuditLog
{
    public const int Capacity = 100_000;

    private readonly Lock _lock = new();
    private readonly LinkedList<AuditRecord> _records = new();
    private long _next;

    public ValueTask<AuditRecord> AppendAsync(AuditRecord record, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            var stored = record with { Id = ++_next };
            _records.AddLast(stored);
            if (_records.Count > Capacity)
            {
                _records.RemoveFirst();
            }

            return ValueTask.FromResult(stored);
        }
    }

    public ValueTask<IReadOnlyList<AuditRecord>> QueryAsync(string? actor, string? target, DateTimeOffset? since, int limit, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            var result = new List<AuditRecord>(Math.Min(limit, 256));
            for (var node = _records.Last; node is not null && result.Count < limit; node = node.Previous)
            {
                var r = node.Value;
                if ((actor is null || r.Actor == actor) && (target is null || r.Target == target) && (since is null || r.Time >= since))
                {
                    result.Add(r);
                }
            }

            return ValueTask.FromResult<IReadOnlyList<AuditRecord>>(result);
        }
    }
}
