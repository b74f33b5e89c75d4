namespace Ott.Grains.Interfaces;

/// <summary>
/// The anomaly stage's verdict (docs/api.md <c>anomaly</c>). Before the first model is trained <see cref="Model"/> is
/// <c>none</c> and every score is absent: nothing is invented.
/// </summary>
[GenerateSerializer, Immutable, Alias("ott.anomaly-verdict")]
public sealed record AnomalyVerdict
{
    /// <summary><c>none</c>, or <c>ensemble-v{version}</c>.</summary>
    [Id(0)] public required string Model { get; init; }
    [Id(1)] public int? ModelVersion { get; init; }
    [Id(2)] public bool? IsAnomaly { get; init; }
    [Id(3)] public double? EnsembleScore { get; init; }
    [Id(4)] public double? Iforest { get; init; }
    [Id(5)] public double? Lof { get; init; }

    /// <summary>The ensemble score above which the event is an anomaly, after the segment's sensitivity.</summary>
    [Id(6)] public double? Threshold { get; init; }
    [Id(7)] public double? Sensitivity { get; init; }

    /// <summary>The features furthest from normal (largest standardised values), largest first.</summary>
    [Id(8)] public IReadOnlyList<string> TopFeatures { get; init; } = [];

    public static AnomalyVerdict None { get; } = new() { Model = "none" };
}

/// <summary>The violation-prediction stage (docs/api.md, assessment <c>violation</c>): the transparent baseline and the learned model.</summary>
[GenerateSerializer, Immutable, Alias("ott.violation-prediction")]
public sealed record ViolationPrediction
{
    /// <summary>The likelihood used for scoring: the learned model's when one exists, else the baseline's.</summary>
    [Id(0)] public required double Likelihood { get; init; }
    [Id(1)] public required double Confidence { get; init; }

    /// <summary>The baseline factors that fired (docs/scoring.md, "Violation prediction").</summary>
    [Id(2)] public required IReadOnlyList<string> RiskFactors { get; init; }
    [Id(3)] public required double BaselineLikelihood { get; init; }
    [Id(4)] public double? ModelLikelihood { get; init; }
    [Id(5)] public int? ModelVersion { get; init; }

    /// <summary><c>model</c> or <c>baseline</c>: which likelihood is <see cref="Likelihood"/>.</summary>
    [Id(6)] public required string Source { get; init; }
}

/// <summary>A batch of feature vectors one silo saw since its last flush (a sample of them, with the total seen).</summary>
[GenerateSerializer, Immutable, Alias("ott.feature-samples")]
public sealed record FeatureSamples(
    [property: Id(0)] int FeatureCount,
    [property: Id(1)] double[] Values,
    [property: Id(2)] long Seen);

/// <summary>An assessed event with a known outcome, as the violation model learns from it.</summary>
[GenerateSerializer, Immutable, Alias("ott.labelled-example")]
public sealed record LabelledExample(
    [property: Id(0)] string EventId,
    [property: Id(1)] double[] Features,
    [property: Id(2)] bool Label,
    [property: Id(3)] string Source);

/// <summary>The kinds of label sources: <c>analyst</c>, <c>simulation</c> (a simulation's examples say <c>simulation:{scenario}</c>).</summary>
public static class LabelSources
{
    public static string KindOf(string source)
    {
        var colon = source.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? source : source[..colon];
    }

    public static Dictionary<string, long> Count(IEnumerable<LabelledExample> examples) =>
        examples.GroupBy(e => KindOf(e.Source), StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (long)g.Count(), StringComparer.Ordinal);
}

/// <summary>Precision, recall, F1 and ROC AUC of one detector on a held-out split.</summary>
[GenerateSerializer, Immutable, Alias("ott.quality")]
public sealed record QualityFigures(
    [property: Id(0)] string Detector,
    [property: Id(1)] double? Precision,
    [property: Id(2)] double? Recall,
    [property: Id(3)] double? F1,
    [property: Id(4)] double? RocAuc,
    [property: Id(5)] int TestSamples,
    [property: Id(6)] int TestPositives,
    [property: Id(7)] string Threshold);

/// <summary>A measurement of every detector on the same held-out split.</summary>
[GenerateSerializer, Immutable, Alias("ott.quality-report")]
public sealed record QualityReport(
    [property: Id(0)] DateTimeOffset MeasuredAt,
    [property: Id(1)] int TrainSamples,
    [property: Id(2)] int TestSamples,
    [property: Id(3)] int? AnomalyModelVersion,
    [property: Id(4)] int? ViolationModelVersion,
    [property: Id(5)] IReadOnlyList<QualityFigures> Detectors,
    [property: Id(6)] string Split)
{
    /// <summary>The labelled examples the measurement used, by source (<c>analyst</c>, <c>simulation</c>).</summary>
    [Id(7)] public IReadOnlyDictionary<string, long>? LabelSources { get; init; }
}

/// <summary>What <c>GET /api/v1/models</c> shows.</summary>
[GenerateSerializer, Immutable, Alias("ott.models-info")]
public sealed record ModelsInfo
{
    [Id(0)] public int? AnomalyVersion { get; init; }
    [Id(1)] public DateTimeOffset? AnomalyTrainedAt { get; init; }
    [Id(2)] public double? AnomalyTrainingSeconds { get; init; }
    [Id(3)] public int AnomalyTrainingSamples { get; init; }
    [Id(4)] public int ReservoirSamples { get; init; }
    [Id(5)] public long SamplesSeen { get; init; }
    [Id(6)] public long SamplesSinceTraining { get; init; }
    [Id(7)] public int? ViolationVersion { get; init; }
    [Id(8)] public DateTimeOffset? ViolationTrainedAt { get; init; }
    [Id(9)] public int LabelledExamples { get; init; }
    [Id(10)] public int LabelledPositives { get; init; }
    [Id(11)] public QualityReport? LastQuality { get; init; }
    [Id(12)] public string? LastTrainingSkipped { get; init; }

    /// <summary>The labelled examples held now, by source (<c>analyst</c>, <c>simulation</c>).</summary>
    [Id(13)] public IReadOnlyDictionary<string, long>? LabelsBySource { get; init; }
}

/// <summary>The serialized models a silo loads into its local cache.</summary>
[GenerateSerializer, Immutable, Alias("ott.model-blobs")]
public sealed record ModelBlobs(
    [property: Id(0)] int? AnomalyVersion,
    [property: Id(1)] byte[]? Anomaly,
    [property: Id(2)] int? ViolationVersion,
    [property: Id(3)] byte[]? Violation);

/// <summary>
/// Singleton (key 0) owner of the models: a bounded reservoir of feature vectors (fed once a second by each silo's
/// feature sample batcher), the labelled examples (fed per outcome), training (every 24 h, after 5,000 new samples,
/// or on request), versions, persistence and the quality measurement. Silos poll <see cref="GetVersionsAsync"/> and
/// load new models into a local cache: no call per event.
/// </summary>
[Alias("ott.models")]
public interface IModelGrain : IGrainWithIntegerKey
{
    [Alias("samples")]
    Task AddSamplesAsync(FeatureSamples samples);

    [Alias("label")]
    Task AddLabelsAsync(IReadOnlyList<LabelledExample> examples);

    /// <summary>Trains both models now and measures their quality; returns the new state.</summary>
    [Alias("retrain")]
    Task<ModelsInfo> RetrainAsync(string reason);

    [Alias("info")]
    Task<ModelsInfo> GetInfoAsync();

    [Alias("versions")]
    Task<(int? Anomaly, int? Violation)> GetVersionsAsync();

    [Alias("blobs")]
    Task<ModelBlobs> GetModelsAsync();
}
