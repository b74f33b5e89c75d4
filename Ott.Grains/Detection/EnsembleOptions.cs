using System.ComponentModel.DataAnnotations;

namespace Ott.Grains.Detection;

/// <summary>Hyper-parameters of <see cref="AnomalyEnsemble"/> (docs/scoring.md, "Anomaly ensemble").</summary>
public sealed class EnsembleOptions
{
    /// <summary>Isolation trees.</summary>
    [Range(1, 10_000)]
    public int Trees { get; set; } = IsolationForest.DefaultTrees;

    /// <summary>Rows per isolation tree (min with the training size); the height limit is ceil(log2) of it.</summary>
    [Range(2, 1 << 20)]
    public int SampleSize { get; set; } = IsolationForest.DefaultSampleSize;

    /// <summary>LOF neighbours (min with reference size - 1).</summary>
    [Range(1, LocalOutlierFactor.MaxK)]
    public int K { get; set; } = LocalOutlierFactor.DefaultK;

    /// <summary>Expected share of anomalies in the training data: the threshold is the (1 - this) quantile.</summary>
    [Range(0.0001, 0.5)]
    public double Contamination { get; set; } = 0.05;

    /// <summary>Cap on the LOF reference set; scoring cost grows linearly with it.</summary>
    [Range(2, 16_384)]
    public int MaxLofReference { get; set; } = LocalOutlierFactor.DefaultMaxReference;

    internal void Validate()
    {
        var context = new ValidationContext(this);
        Validator.ValidateObject(this, context, validateAllProperties: true);
    }
}
