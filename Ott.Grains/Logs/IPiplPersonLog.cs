namespace Ott.Grains.Logs;

/// <summary>One person counted on a PIPL route: a 64-bit hash of the user id, and whether the data was sensitive.</summary>
public readonly record struct PiplPersonRecord(ulong PersonHash, bool Sensitive);

/// <summary>
/// The distinct persons of each PIPL route and year (key <c>2026:CN-US</c>), append-only and idempotent: the route's
/// grain appends the persons new to it and reads them all back when it activates, so a write costs the new persons,
/// not the route's whole set (as the network grain's links, docs/decisions.md). Embedded: process memory; SQL
/// profiles: a table.
/// </summary>
public interface IPiplPersonLog
{
    /// <summary>Adds the records to the route (a record already there is kept once); all or (on an exception) none.</summary>
    Task AppendAsync(string routeKey, IReadOnlyList<PiplPersonRecord> records, CancellationToken cancellationToken = default);

    /// <summary>Every record of the route.</summary>
    IAsyncEnumerable<PiplPersonRecord> ReadAsync(string routeKey, CancellationToken cancellationToken = default);
}

/// <summary>The embedded person log: sets in process memory (as the embedded grain state is).</summary>
public sealed class InMemoryPiplPersonLog : IPiplPersonLog
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, HashSet<PiplPersonRecord>> _routes = new(StringComparer.Ordinal);

    public Task AppendAsync(string routeKey, IReadOnlyList<PiplPersonRecord> records, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            if (!_routes.TryGetValue(routeKey, out var set))
            {
                _routes[routeKey] = set = [];
            }

            set.UnionWith(records);
        }

        return Task.CompletedTask;
    }

    public IAsyncEnumerable<PiplPersonRecord> ReadAsync(string routeKey, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return (_routes.TryGetValue(routeKey, out var set) ? set.ToArray() : []).ToAsyncEnumerable();
        }
    }
}
