namespace Ott.Grains.Aggregation;

/// <summary>
/// Per-silo aggregates of one domain, sent to that domain's grains by <see cref="AggregateFlusher"/> every
/// <see cref="AggregationOptions.FlushInterval"/>: one call per active grain per interval instead of one per event
/// (docs/architecture.md, "Invariants": no hot grain).
/// </summary>
public interface IAggregateBatcher
{
    /// <summary>
    /// Swaps out what was gathered since the last flush and sends it through <paramref name="calls"/> (the throttle
    /// every batcher of this flush shares); a failed call restores its data for the next flush unless the batcher
    /// says otherwise. <paramref name="cancellationToken"/> is observed only before the swap: once swapped, every
    /// part is either sent or restored.
    /// </summary>
    Task FlushAsync(FlushCalls calls, CancellationToken cancellationToken);
}
