namespace Ott.Grains.Detection;

/// <summary>
/// The ensemble's verdict on one feature vector. <see cref="IForest"/> and <see cref="Lof"/> are each detector's
/// score normalised to [0, 1] by the training distribution (fraction of training scores at or below it);
/// <see cref="Ensemble"/> is their mean. <see cref="TopFeatures"/> holds the indices of the (up to) three features
/// with the largest |z|, largest first (ties: lower index first).
/// </summary>
public readonly record struct AnomalyScore(double Ensemble, double IForest, double Lof, bool IsAnomaly, int[] TopFeatures);

/// <summary>
/// Isolation Forest + LOF ensemble of docs/scoring.md ("Anomaly ensemble") over standardised features. Training fits a
/// <see cref="StandardScaler"/>, an <see cref="IsolationForest"/> and a <see cref="LocalOutlierFactor"/> on the
/// scaled data, scores every training row with both detectors (IForest on the trees; LOF leaving the row out of
/// its own neighbourhood, as scikit-learn's training scores), keeps both sorted score lists to normalise new scores
/// by rank, and sets <see cref="Threshold"/> to the (1 - contamination) quantile (linear interpolation) of the
/// training ensemble scores. A vector is anomalous when Ensemble &gt; 1 - (1 - Threshold) x sensitivity:
/// sensitivity 1 is the plain threshold, larger flags more, smaller fewer, 0 never.
/// Immutable once trained; <see cref="Score"/> allocates only the returned feature indices.
/// </summary>
public sealed class AnomalyEnsemble
{
    /// <summary>Up to this many features the standardised vector lives on the stack.</summary>
    private const int StackFeatures = 256;

    private const int TopFeatureCount = 3;

    private readonly double[] _forestScores;
    private readonly double[] _lofScores;

    private AnomalyEnsemble(
        StandardScaler scaler,
        IsolationForest forest,
        LocalOutlierFactor lof,
        double[] sortedForestScores,
        double[] sortedLofScores,
        double threshold,
        double contamination,
        int version,
        DateTimeOffset trainedAt)
    {
        Scaler = scaler;
        Forest = forest;
        Lof = lof;
        _forestScores = sortedForestScores;
        _lofScores = sortedLofScores;
        Threshold = threshold;
        Contamination = contamination;
        Version = version;
        TrainedAt = trainedAt;
    }

    public StandardScaler Scaler { get; }

    /// <summary>The forest, trained on standardised rows: score <c>Scaler</c>-transformed vectors with it.</summary>
    public IsolationForest Forest { get; }

    /// <summary>The LOF, fitted on standardised rows: score <c>Scaler</c>-transformed vectors with it.</summary>
    public LocalOutlierFactor Lof { get; }

    /// <summary>The (1 - contamination) quantile of the training ensemble scores.</summary>
    public double Threshold { get; }

    public double Contamination { get; }

    public int FeatureCount => Scaler.FeatureCount;

    /// <summary>Model version, as given by the host that trained it.</summary>
    public int Version { get; }

    public DateTimeOffset TrainedAt { get; }

    /// <summary>Raw IForest scores of the training rows, ascending.</summary>
    public ReadOnlySpan<double> TrainingForestScores => _forestScores;

    /// <summary>Raw LOF scores of the training rows, ascending.</summary>
    public ReadOnlySpan<double> TrainingLofScores => _lofScores;

    /// <summary>
    /// Trains on <paramref name="samples"/> (at least 2 rows of equal length, finite values). Random choices come
    /// from <paramref name="seed"/> (forest) and a value derived from it (LOF subsample), so training is reproducible.
    /// </summary>
    public static AnomalyEnsemble Train(
        double[][] samples,
        EnsembleOptions options,
        int seed,
        int version = 1,
        TimeProvider? timeProvider = null)
    {
        options.Validate();
        var features = DetectionGuard.Rectangular(samples, minRows: 2);
        var n = samples.Length;

        var scaler = new StandardScaler(samples);
        var scaled = new double[n][];
        for (var i = 0; i < n; i++)
        {
            scaled[i] = new double[features];
            scaler.Transform(samples[i], scaled[i]);
        }

        var lofSeed = unchecked((seed * 31) + 17);
        var forest = new IsolationForest(scaled, seed, options.Trees, options.SampleSize);
        var lof = new LocalOutlierFactor(scaled, lofSeed, options.K, options.MaxLofReference);

        var referenceOf = new int[n];
        Array.Fill(referenceOf, -1);
        var chosen = LocalOutlierFactor.ReferenceIndices(n, options.MaxLofReference, lofSeed);
        for (var r = 0; r < chosen.Length; r++)
        {
            referenceOf[chosen[r]] = r;
        }

        var forestScores = new double[n];
        var lofScores = new double[n];
        for (var i = 0; i < n; i++)
        {
            forestScores[i] = forest.Score(scaled[i]);
            lofScores[i] = referenceOf[i] >= 0 ? lof.ReferenceScore(referenceOf[i]) : lof.Score(scaled[i]);
        }

        var sortedForest = (double[])forestScores.Clone();
        var sortedLof = (double[])lofScores.Clone();
        Array.Sort(sortedForest);
        Array.Sort(sortedLof);

        var ensemble = new double[n];
        for (var i = 0; i < n; i++)
        {
            ensemble[i] = (Rank(sortedForest, forestScores[i]) + Rank(sortedLof, lofScores[i])) / 2.0;
        }

        Array.Sort(ensemble);
        var threshold = Quantile(ensemble, 1.0 - options.Contamination);
        var trainedAt = (timeProvider ?? TimeProvider.System).GetUtcNow();
        return new AnomalyEnsemble(
            scaler, forest, lof, sortedForest, sortedLof, threshold, options.Contamination, version, trainedAt);
    }

    /// <summary>Scores one raw (unscaled) feature vector; <paramref name="sensitivity"/> scales the threshold rule.</summary>
    public AnomalyScore Score(ReadOnlySpan<double> features, double sensitivity = 1.0)
    {
        DetectionGuard.Length(features, FeatureCount, nameof(features));
        if (!(sensitivity >= 0) || !double.IsFinite(sensitivity))
        {
            throw new ArgumentOutOfRangeException(nameof(sensitivity), sensitivity, "Sensitivity must be finite and >= 0.");
        }

        foreach (var value in features)
        {
            if (!double.IsFinite(value))
            {
                throw new ArgumentException("Features must be finite.", nameof(features));
            }
        }

        var count = FeatureCount;
        var z = count <= StackFeatures ? stackalloc double[count] : new double[count];
        Scaler.Transform(features, z);

        var forest = Rank(_forestScores, Forest.Score(z));
        var lof = Rank(_lofScores, Lof.Score(z));
        var ensemble = (forest + lof) / 2.0;
        var isAnomaly = ensemble > 1.0 - ((1.0 - Threshold) * sensitivity);
        return new AnomalyScore(ensemble, forest, lof, isAnomaly, TopFeatures(z));
    }

    /// <summary>Copies the trained ensemble into plain data the host can persist.</summary>
    public EnsembleModel Export() => new()
    {
        Version = Version,
        TrainedAt = TrainedAt,
        FeatureCount = FeatureCount,
        Contamination = Contamination,
        Threshold = Threshold,
        ScalerMean = Scaler.Mean.ToArray(),
        ScalerScale = Scaler.Scale.ToArray(),
        Forest = Forest.Export(),
        Lof = Lof.Export(),
        TrainingForestScores = (double[])_forestScores.Clone(),
        TrainingLofScores = (double[])_lofScores.Clone(),
    };

    /// <summary>Rebuilds a trained ensemble from an exported model, checking that its parts agree.</summary>
    public static AnomalyEnsemble Import(EnsembleModel model)
    {
        var scaler = StandardScaler.Import(model.ScalerMean, model.ScalerScale);
        var forest = IsolationForest.Import(model.Forest);
        var lof = LocalOutlierFactor.Import(model.Lof);
        if (model.FeatureCount != scaler.FeatureCount || forest.FeatureCount != scaler.FeatureCount
            || lof.FeatureCount != scaler.FeatureCount)
        {
            throw new ArgumentException(
                $"Feature counts disagree: model {model.FeatureCount}, scaler {scaler.FeatureCount}, forest {forest.FeatureCount}, LOF {lof.FeatureCount}.",
                nameof(model));
        }

        if (!(model.Threshold >= 0 && model.Threshold <= 1) || !(model.Contamination > 0 && model.Contamination < 1))
        {
            throw new ArgumentException($"Threshold {model.Threshold} or contamination {model.Contamination} is out of range.", nameof(model));
        }

        return new AnomalyEnsemble(
            scaler,
            forest,
            lof,
            SortedScores(model.TrainingForestScores, nameof(EnsembleModel.TrainingForestScores)),
            SortedScores(model.TrainingLofScores, nameof(EnsembleModel.TrainingLofScores)),
            model.Threshold,
            model.Contamination,
            model.Version,
            model.TrainedAt);
    }

    /// <summary>Empirical CDF: the fraction of <paramref name="sorted"/> that is &lt;= <paramref name="value"/>.</summary>
    internal static double Rank(double[] sorted, double value)
    {
        // Upper bound: first index whose score exceeds the value.
        int low = 0, high = sorted.Length;
        while (low < high)
        {
            var middle = low + ((high - low) >> 1);
            if (sorted[middle] <= value)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return (double)low / sorted.Length;
    }

    /// <summary>The q quantile of ascending <paramref name="sorted"/>, interpolating linearly (numpy's default).</summary>
    internal static double Quantile(double[] sorted, double q)
    {
        var position = (sorted.Length - 1) * q;
        var low = (int)Math.Floor(position);
        var high = Math.Min(low + 1, sorted.Length - 1);
        return sorted[low] + ((position - low) * (sorted[high] - sorted[low]));
    }

    private static int[] TopFeatures(ReadOnlySpan<double> z)
    {
        var top = new int[Math.Min(TopFeatureCount, z.Length)];
        Span<double> magnitudes = stackalloc double[TopFeatureCount];
        var count = 0;
        for (var f = 0; f < z.Length; f++)
        {
            var magnitude = Math.Abs(z[f]);
            if (count == top.Length && magnitude <= magnitudes[count - 1])
            {
                continue;
            }

            var at = count < top.Length ? count++ : count - 1;
            while (at > 0 && magnitudes[at - 1] < magnitude)
            {
                magnitudes[at] = magnitudes[at - 1];
                top[at] = top[at - 1];
                at--;
            }

            magnitudes[at] = magnitude;
            top[at] = f;
        }

        return top;
    }

    private static double[] SortedScores(double[] scores, string name)
    {
        if (scores.Length == 0)
        {
            throw new ArgumentException($"{name} is empty.", nameof(scores));
        }

        for (var i = 0; i < scores.Length; i++)
        {
            if (!double.IsFinite(scores[i]) || (i > 0 && scores[i] < scores[i - 1]))
            {
                throw new ArgumentException($"{name} must be finite and ascending (index {i}).", nameof(scores));
            }
        }

        return (double[])scores.Clone();
    }
}

/// <summary>
/// A trained <see cref="AnomalyEnsemble"/> as plain data for persistence: scaler arrays, forest and LOF arrays,
/// both detectors' ascending training scores, the threshold, the feature count, the host's version and when it
/// was trained.
/// </summary>
public sealed class EnsembleModel
{
    public int Version { get; set; }

    public DateTimeOffset TrainedAt { get; set; }

    public int FeatureCount { get; set; }

    public double Contamination { get; set; }

    public double Threshold { get; set; }

    public double[] ScalerMean { get; set; } = [];

    public double[] ScalerScale { get; set; } = [];

    public IsolationForestModel Forest { get; set; } = new();

    public LocalOutlierFactorModel Lof { get; set; } = new();

    public double[] TrainingForestScores { get; set; } = [];

    public double[] TrainingLofScores { get; set; } = [];
}
