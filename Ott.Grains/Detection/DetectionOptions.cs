using System.ComponentModel.DataAnnotations;

namespace Ott.Grains.Detection;

/// <summary>Model lifecycle settings (configuration section <c>Ott:Detection</c>; docs/scoring.md, "Anomaly ensemble" and "Violation prediction").</summary>
public sealed class DetectionOptions
{
    public const string Section = "Ott:Detection";

    /// <summary>Feature vectors kept for training (reservoir sample).</summary>
    [Range(256, 1_000_000)] public int ReservoirCapacity { get; set; } = 10_000;

    [Range(typeof(TimeSpan), "00:00:01", "30.00:00:00")]
    public TimeSpan RetrainInterval { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Retrain after this many new samples since the last training.</summary>
    [Range(1, 100_000_000)] public long RetrainAfterSamples { get; set; } = 5_000;

    /// <summary>No model is trained from fewer samples.</summary>
    [Range(2, 1_000_000)] public int MinSamples { get; set; } = 256;

    /// <summary>Feature vectors a silo sends per flush (a uniform sample of what it saw).</summary>
    [Range(1, 100_000)] public int SamplesPerFlush { get; set; } = 500;

    /// <summary>Labelled examples kept (reservoir sample).</summary>
    [Range(10, 1_000_000)] public int LabelCapacity { get; set; } = 10_000;

    /// <summary>The violation model needs this many labelled examples, and <see cref="MinLabelsPerClass"/> of each class.</summary>
    [Range(10, 1_000_000)] public int MinLabels { get; set; } = 200;

    [Range(1, 1_000_000)] public int MinLabelsPerClass { get; set; } = 20;

    /// <summary>Share of labelled examples held out for the quality measurement.</summary>
    [Range(0.1, 0.9)] public double TestShare { get; set; } = 0.3;

    /// <summary>How often each silo asks whether the models changed.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan CacheRefresh { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Seed of every random choice in training (reproducible models).</summary>
    public int Seed { get; set; } = 2026;

    /// <summary>
    /// The ensemble's hyper-parameters. The LOF reference set is capped at 256 rows (the forest's sample size): on the
    /// simulated scenarios a 2,048-row reference let dense attack clusters (many similar events) look normal to LOF
    /// (ensemble ROC AUC 0.84), while 256 rows gave 0.99 and five times faster scoring (docs/decisions.md).
    /// </summary>
    public EnsembleOptions Ensemble { get; set; } = new() { MaxLofReference = 256 };
}

/// <summary>When the anomaly model is retrained (pure, so it can be tested with fake time).</summary>
public static class RetrainPolicy
{
    /// <summary>The reason to retrain now, or null: enough samples and (no model yet, 24 h passed, or 5,000 new samples).</summary>
    public static string? Reason(DateTimeOffset now, DateTimeOffset? lastTrainedAt, long samplesSinceTraining, int reservoirCount, DetectionOptions o)
    {
        if (reservoirCount < o.MinSamples)
        {
            return null;
        }

        if (lastTrainedAt is null)
        {
            return $"first model ({reservoirCount} samples)";
        }

        if (samplesSinceTraining >= o.RetrainAfterSamples)
        {
            return $"{samplesSinceTraining} new samples (>= {o.RetrainAfterSamples})";
        }

        return now - lastTrainedAt.Value >= o.RetrainInterval ? $"{(now - lastTrainedAt.Value).TotalHours:0.#} h since the last training" : null;
    }
}
