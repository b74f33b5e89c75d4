using System.ComponentModel.DataAnnotations;

namespace Ott.Grains.Aggregation;

/// <summary>How often per-silo aggregates are flushed to the shared grains (configuration section <c>Ott:Aggregation</c>).</summary>
public sealed class AggregationOptions
{
    public const string Section = "Ott:Aggregation";

    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Grain calls in flight at once during a flush.</summary>
    [Range(1, 1024)]
    public int MaxConcurrentCalls { get; set; } = 64;

    /// <summary>Feature vectors per flush sent to the model grain (a uniform sample of the events seen).</summary>
    [Range(1, 100_000)]
    public int FeatureSamplesPerFlush { get; set; } = 500;
}
