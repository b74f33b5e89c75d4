using Ott.Grains.Interfaces;

namespace Ott.Grains.Detection;

/// <summary>
/// Measures the detectors on a held-out split of the labelled examples (docs/scoring.md): a seeded shuffle of the
/// examples in event-id order (<see cref="TrainingData"/>) keeps <see cref="DetectionOptions.TestShare"/> apart; the
/// violation model is trained on the rest and, like the baseline (likelihood &gt; 0.7) and the anomaly ensemble (its
/// own anomaly rule), measured on the held-out part only.
/// </summary>
public static class QualityEvaluator
{
    public const int FeatureCount = 14;

    /// <summary>The detectors measured (the metrics' <c>detector</c> label).</summary>
    public static readonly IReadOnlyList<string> Detectors = [ViolationModelName, BaselineName, EnsembleName];

    private const string ViolationModelName = "violation_model";
    private const string BaselineName = "violation_baseline";
    private const string EnsembleName = "anomaly_ensemble";

    public static (QualityReport Report, ViolationModel? Model) Evaluate(
        IReadOnlyList<LabelledExample> examples, AnomalyEnsemble? ensemble, DetectionOptions o, int violationVersion, DateTimeOffset now)
    {
        // The split and the training depend on which examples there are, not on the order they arrived in.
        examples = TrainingData.InCanonicalOrder(examples);
        var order = Enumerable.Range(0, examples.Count).ToArray();
        new Random(o.Seed).Shuffle(order);
        var testCount = (int)Math.Round(examples.Count * o.TestShare);
        var test = order.Take(testCount).Select(i => examples[i]).ToList();
        var train = order.Skip(testCount).Select(i => examples[i]).ToList();

        ViolationModel? model = null;
        var figures = new List<QualityFigures>();
        var trainPositives = train.Count(e => e.Label);
        if (train.Count >= o.MinLabels * (1 - o.TestShare) && trainPositives >= o.MinLabelsPerClass && train.Count - trainPositives >= o.MinLabelsPerClass)
        {
            model = ViolationModel.Train(train.Select(e => e.Features).ToList(), train.Select(e => e.Label).ToList(), o.Seed, violationVersion, now);
            figures.Add(Figures(ViolationModelName, test, test.Select(e => model.Predict(e.Features)).ToList(), 0.5, "probability > 0.5"));
        }

        // The baseline's likelihood is the weighted sum of its indicators (the last 6 features of an example).
        figures.Add(Figures(BaselineName, test, test.Select(e => BaselineLikelihood(e.Features)).ToList(), 0.7, "likelihood > 0.7"));

        if (ensemble is not null)
        {
            var scores = test.Select(e => ensemble.Score(e.Features.AsSpan(0, FeatureCount)).Ensemble).ToList();
            figures.Add(Figures(EnsembleName, test, scores, ensemble.Threshold, $"ensemble > {ensemble.Threshold:0.####} (sensitivity 1)"));
        }

        return (new QualityReport(now, train.Count, test.Count, ensemble?.Version, model?.Version, figures,
            $"seeded shuffle (seed {o.Seed}), {o.TestShare:P0} held out") { LabelSources = LabelSources.Count(examples) }, model);
    }

    private static readonly double[] BaselineWeights = [0.35, 0.45, 0.25, 0.15, 0.20, 0.10];

    private static double BaselineLikelihood(double[] features)
    {
        var sum = 0.0;
        for (var i = 0; i < BaselineWeights.Length; i++)
        {
            sum += BaselineWeights[i] * features[FeatureCount + i];
        }

        return Math.Min(1, sum);
    }

    private static QualityFigures Figures(string detector, List<LabelledExample> test, List<double> scores, double threshold, string rule)
    {
        var labels = test.Select(e => e.Label).ToList();
        var positives = labels.Count(l => l);
        double? auc = positives > 0 && positives < labels.Count ? Math.Round(RocAuc.Compute(scores, labels), 4) : null;
        var metrics = Metrics.AtThreshold(scores, labels, threshold);
        return new QualityFigures(detector, Math.Round(metrics.Precision, 4), Math.Round(metrics.Recall, 4), Math.Round(metrics.F1, 4),
            auc, labels.Count, positives, rule);
    }
}
