using Ott.Grains.Interfaces;

namespace Ott.Grains.Alerts;

/// <summary>
/// Where alerts are kept and read: add (idempotent by id), repeat counts, acknowledgements, delivery states.
/// Embedded: <see cref="InMemoryAlertStore"/> (bounded); production: a database table (a later issue).
/// </summary>
public interface IAlertStore
{
    /// <summary>Adds an alert; false when one with the same id exists.</summary>
    ValueTask<bool> AddAsync(Alert alert, CancellationToken cancellationToken = default);

    ValueTask RepeatAsync(string alertId, int count, DateTimeOffset lastSeenAt, CancellationToken cancellationToken = default);

    ValueTask<Alert?> AcknowledgeAsync(string alertId, string by, DateTimeOffset at, CancellationToken cancellationToken = default);

    ValueTask SetDeliveryAsync(string alertId, string channel, string status, CancellationToken cancellationToken = default);

    ValueTask<Alert?> GetAsync(string alertId, CancellationToken cancellationToken = default);

    /// <summary>Newest first, filtered.</summary>
    ValueTask<IReadOnlyList<Alert>> QueryAsync(RiskLevel? minSeverity, DateTimeOffset? since, string? userId, int limit, CancellationToken cancellationToken = default);

    /// <summary>Alerts added after <paramref name="sequence"/>, oldest first (for the live stream).</summary>
    ValueTask<IReadOnlyList<Alert>> AfterAsync(long sequence, int limit, CancellationToken cancellationToken = default);
}

/// <summary>The embedded alert store: the last <see cref="AlertOptions.StoreCapacity"/> alerts in memory.</summary>
public sealed class InMemoryAlertStore(AlertOptions options) : IAlertStore
{
    private readonly Lock _lock = new();
    private readonly LinkedList<Alert> _order = new();
    private readonly Dictionary<string, LinkedListNode<Alert>> _byId = new(StringComparer.Ordinal);
    private long _sequence;

    public ValueTask<bool> AddAsync(Alert alert, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            if (_byId.ContainsKey(alert.Id))
            {
                return ValueTask.FromResult(false);
            }

            _byId[alert.Id] = _order.AddLast(alert with { Sequence = ++_sequence, LastSeenAt = alert.RaisedAt });
            if (_order.Count > options.StoreCapacity)
            {
                _byId.Remove(_order.First!.Value.Id);
                _order.RemoveFirst();
            }

            return ValueTask.FromResult(true);
        }
    }

    public ValueTask RepeatAsync(string alertId, int count, DateTimeOffset lastSeenAt, CancellationToken cancellationToken = default)
    {
        Update(alertId, a => a with { Count = Math.Max(a.Count, count), LastSeenAt = lastSeenAt > a.LastSeenAt ? lastSeenAt : a.LastSeenAt });
        return ValueTask.CompletedTask;
    }

    public ValueTask<Alert?> AcknowledgeAsync(string alertId, string by, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Update(alertId, a => a.AcknowledgedAt is null ? a with { AcknowledgedAt = at, AcknowledgedBy = by } : a));

    public ValueTask SetDeliveryAsync(string alertId, string channel, string status, CancellationToken cancellationToken = default)
    {
        Update(alertId, a => a with { Deliveries = new Dictionary<string, string>(a.Deliveries) { [channel] = status } });
        return ValueTask.CompletedTask;
    }

    public ValueTask<Alert?> GetAsync(string alertId, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return ValueTask.FromResult(_byId.TryGetValue(alertId, out var node) ? node.Value : null);
        }
    }

    public ValueTask<IReadOnlyList<Alert>> QueryAsync(RiskLevel? minSeverity, DateTimeOffset? since, string? userId, int limit, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            var result = new List<Alert>(Math.Min(limit, 256));
            for (var node = _order.Last; node is not null && result.Count < limit; node = node.Previous)
            {
                var a = node.Value;
                if ((minSeverity is null || a.Severity >= minSeverity) && (since is null || a.RaisedAt >= since) && (userId is null || a.UserId == userId))
                {
                    result.Add(a);
                }
            }

            return ValueTask.FromResult<IReadOnlyList<Alert>>(result);
        }
    }

    public ValueTask<IReadOnlyList<Alert>> AfterAsync(long sequence, int limit, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            var result = new List<Alert>();
            for (var node = _order.Last; node is not null && node.Value.Sequence > sequence; node = node.Previous)
            {
                result.Add(node.Value);
            }

            result.Reverse();
            return ValueTask.FromResult<IReadOnlyList<Alert>>(result.Count > limit ? result[..limit] : result);
        }
    }

    private Alert? Update(string alertId, Func<Alert, Alert> change)
    {
        lock (_lock)
        {
            if (!_byId.TryGetValue(alertId, out var node))
            {
                return null;
            }

            node.Value = change(node.Value);
            return node.Value;
        }
    }
}
