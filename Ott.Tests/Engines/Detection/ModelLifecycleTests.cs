using Ott.Grains.Detection;
using Ott.Grains.Interfaces;
using Ott.Grains.Users;
using static Ott.Tests.Support.TestEvents;

namespace Ott.Tests.Engines.Detection;

public class ModelLifecycleTests
{
    private static readonly DetectionOptions Options = new();

    [Test]
    public void Retrain_NeedsTheMinimum_ThenFirstModel_FiveThousandSamples_OrADay()
    {
        Assert.Multiple(() =>
        {
            Assert.That(RetrainPolicy.Reason(T0, null, 10_000, 255, Options), Is.Null, "255 < 256 samples");
            Assert.That(RetrainPolicy.Reason(T0, null, 0, 256, Options), Is.EqualTo("first model (256 samples)"));
            Assert.That(RetrainPolicy.Reason(T0, T0.AddHours(-1), 4_999, 10_000, Options), Is.Null);
            Assert.That(RetrainPolicy.Reason(T0, T0.AddHours(-1), 5_000, 10_000, Options), Is.EqualTo("5000 new samples (>= 5000)"));
            Assert.That(RetrainPolicy.Reason(T0, T0.AddHours(-23.9), 10, 10_000, Options), Is.Null);
            Assert.That(RetrainPolicy.Reason(T0, T0.AddHours(-24), 10, 10_000, Options), Is.EqualTo("24 h since the last training"));
        });
    }

    private static UserRollingState StateOf(params OttEvent[] events)
    {
        var window = new RollingWindow(new RollingWindowOptions());
        var state = new UserRollingState();
        foreach (var e in events)
        {
            window.Observe(state, e);
        }

        return state;
    }

    [Test]
    public void Baseline_FiresItsSixFactorsExactly()
    {
        // 6 German events without consent (gdpr pattern: 6 > 3), 6 login failures (> 5), 11 exports (> 10); the last 5
        // events come from 5 IPs (> 3). Not fired: no-consent share of the last 20 is 2/20 = 0.1 (not > 0.3); errors
        // 6 of 23 = 26 % (not > 40 %).
        var events = Enumerable.Range(0, 6).Select(i => Event("b", EventType.Play, T0.AddMinutes(i), region: "DE", hasConsent: false))
            .Concat(Enumerable.Range(0, 6).Select(i => Event("b", EventType.LoginFailed, T0.AddMinutes(10 + i))))
            .Concat(Enumerable.Range(0, 11).Select(i => Event("b", EventType.Export, T0.AddMinutes(20 + i), ip: $"10.0.0.{i}")))
            .ToArray();
        var indicators = new double[6];

        var (likelihood, confidence, factors) = ViolationBaseline.Predict(StateOf(events), indicators);

        Assert.Multiple(() =>
        {
            Assert.That(factors, Is.EqualTo(new[]
            {
                "gdpr_violation_pattern", "high_data_access_frequency", "repeated_auth_failures", "suspicious_geo_variance",
            }));
            Assert.That(indicators, Is.EqualTo(new double[] { 0, 1, 1, 1, 1, 0 }));
            Assert.That(likelihood, Is.EqualTo(1.0), "0.45 + 0.25 + 0.15 + 0.20 = 1.05, capped at 1");
            Assert.That(confidence, Is.EqualTo(23 / 50.0));
        });
    }

    [Test]
    public void Baseline_NoConsentInTheLastTwenty_AboveThirtyPercent_IsPointThreeFive()
    {
        var events = Enumerable.Range(0, 20).Select(i => Event("n", EventType.Play, T0.AddMinutes(i), hasConsent: i >= 13)).ToArray();
        var (likelihood, _, factors) = ViolationBaseline.Predict(StateOf(events), new double[6]);
        Assert.Multiple(() =>
        {
            Assert.That(factors, Is.EqualTo(new[] { "frequent_no_consent" }), "7 of 20 without consent = 0.35 > 0.3 (US: not GDPR)");
            Assert.That(likelihood, Is.EqualTo(0.35));
        });
    }

    [Test]
    public void Baseline_ErrorRateAboveFortyPercent_AloneIsPointOne()
    {
        var events = Enumerable.Range(0, 10).Select(i => Event("e", i < 5 ? EventType.Error : EventType.Play, T0.AddMinutes(i))).ToArray();
        var (likelihood, _, factors) = ViolationBaseline.Predict(StateOf(events), new double[6]);
        Assert.Multiple(() =>
        {
            Assert.That(factors, Is.EqualTo(new[] { "elevated_error_rate" }));
            Assert.That(likelihood, Is.EqualTo(0.1));
        });
    }

    private static (List<double[]> Features, List<bool> Labels) Separable(int n, int seed)
    {
        var random = new Random(seed);
        var features = new List<double[]>();
        var labels = new List<bool>();
        for (var i = 0; i < n; i++)
        {
            var positive = i % 4 == 0;
            var row = new double[20];
            for (var j = 0; j < row.Length; j++)
            {
                row[j] = random.NextDouble() + (positive && j < 3 ? 1.5 : 0);
            }

            features.Add(row);
            labels.Add(positive);
        }

        return (features, labels);
    }

    [Test]
    public void ViolationModel_LearnsASeparableSignal_AndRoundTripsThroughItsBlob()
    {
        var (features, labels) = Separable(400, 3);
        var model = ViolationModel.Train(features, labels, seed: 1, version: 4, T0);
        var copy = ViolationModel.Import(ModelCodec.ReadLinear(ModelCodec.Write(model.Export())));

        var scores = features.Select(f => model.Predict(f)).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(RocAuc.Compute(scores, labels), Is.GreaterThan(0.95));
            Assert.That(features.Select(f => copy.Predict(f)), Is.EqualTo(scores));
            Assert.That(copy.Version, Is.EqualTo(4));
            Assert.That(scores, Has.All.InRange(0.0, 1.0));
        });
    }

    [Test]
    public void EnsembleBlob_RoundTripsToIdenticalScores()
    {
        var random = new Random(5);
        var samples = Enumerable.Range(0, 300).Select(_ => Enumerable.Range(0, 14).Select(_ => random.NextDouble()).ToArray()).ToArray();
        var ensemble = AnomalyEnsemble.Train(samples, new EnsembleOptions(), seed: 9, version: 2);

        var copy = AnomalyEnsemble.Import(ModelCodec.ReadEnsemble(ModelCodec.Write(ensemble.Export())));

        Assert.Multiple(() =>
        {
            Assert.That(samples.Select(s => copy.Score(s).Ensemble), Is.EqualTo(samples.Select(s => ensemble.Score(s).Ensemble)));
            Assert.That(copy.Version, Is.EqualTo(2));
            Assert.That(() => ModelCodec.ReadEnsemble([1, 2, 3, 4]), Throws.InstanceOf<InvalidDataException>());
        });
    }

    [Test]
    public void Quality_IsMeasuredOnAHeldOutSplit_AndMovesWithTheData()
    {
        var (features, labels) = Separable(400, 7);
        var examples = features.Select((f, i) => new LabelledExample($"e{i}", f, labels[i], "test")).ToList();
        var noisy = examples.Select((e, i) => e with { Label = i % 3 == 0 }).ToList();

        var (report, model) = QualityEvaluator.Evaluate(examples, null, Options, 1, T0);
        var (noisyReport, _) = QualityEvaluator.Evaluate(noisy, null, Options, 1, T0);

        var learned = report.Detectors.Single(d => d.Detector == "violation_model");
        Assert.Multiple(() =>
        {
            Assert.That(model, Is.Not.Null);
            Assert.That((report.TrainSamples, report.TestSamples), Is.EqualTo((280, 120)));
            Assert.That(learned.TestSamples, Is.EqualTo(120));
            Assert.That(learned.TestPositives, Is.InRange(1, 119));
            Assert.That(learned.RocAuc, Is.GreaterThan(0.95));
            Assert.That(report.Detectors.Select(d => d.Detector), Is.EqualTo(new[] { "violation_model", "violation_baseline" }));
            Assert.That(noisyReport.Detectors.Single(d => d.Detector == "violation_model").RocAuc, Is.LessThan(learned.RocAuc!.Value),
                "random labels give a worse, measured figure");
        });
    }

    [Test]
    public void Quality_DependsOnWhichExamples_NotOnTheOrderTheyArrived()
    {
        var (features, labels) = Separable(400, 11);
        var examples = features.Select((f, i) => new LabelledExample($"e{i}", f, labels[i], "test")).ToList();
        var arrived = examples.ToList();
        new Random(3).Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(arrived));

        var (report, model) = QualityEvaluator.Evaluate(examples, null, Options, 1, T0);
        var (again, modelAgain) = QualityEvaluator.Evaluate(arrived, null, Options, 1, T0);

        Assert.Multiple(() =>
        {
            Assert.That(again.Detectors, Is.EqualTo(report.Detectors), "same held-out split, same figures");
            Assert.That(features.Select(f => modelAgain!.Predict(f)), Is.EqualTo(features.Select(f => model!.Predict(f))), "same trained model");
        });
    }

    [Test]
    public void TrainingRows_InCanonicalOrder_GiveTheSameEnsembleWhateverTheArrivalOrder()
    {
        var random = new Random(8);
        var rows = Enumerable.Range(0, 600).Select(i => Enumerable.Range(0, 14).Select(_ => random.NextDouble() + (i % 50 == 0 ? 3 : 0)).ToArray()).ToArray();
        var arrived = rows.ToArray();
        new Random(4).Shuffle(arrived);

        var plain = AnomalyEnsemble.Train(rows, new EnsembleOptions(), seed: 9);
        var plainArrived = AnomalyEnsemble.Train(arrived, new EnsembleOptions(), seed: 9);
        var canonical = AnomalyEnsemble.Train(TrainingData.InCanonicalOrder(rows), new EnsembleOptions(), seed: 9);
        var canonicalArrived = AnomalyEnsemble.Train(TrainingData.InCanonicalOrder(arrived), new EnsembleOptions(), seed: 9);

        Assert.Multiple(() =>
        {
            Assert.That(rows.Select(r => plainArrived.Score(r).Ensemble), Is.Not.EqualTo(rows.Select(r => plain.Score(r).Ensemble)),
                "the detectors draw their subsamples by position, so order alone changes a model trained as the rows came");
            Assert.That(rows.Select(r => canonicalArrived.Score(r).Ensemble), Is.EqualTo(rows.Select(r => canonical.Score(r).Ensemble)));
            Assert.That(canonicalArrived.Threshold, Is.EqualTo(canonical.Threshold));
            Assert.That(TrainingData.InCanonicalOrder(arrived).Select(r => r[0]).Take(3), Is.Ordered, "lexicographic by feature");
        });
    }

    [Test]
    public void Quality_WithoutEnoughOfEachClass_TrainsNoModel()
    {
        var examples = Enumerable.Range(0, 300).Select(i => new LabelledExample($"e{i}", new double[20], i < 5, "test")).ToList();
        var (report, model) = QualityEvaluator.Evaluate(examples, null, Options, 1, T0);
        Assert.Multiple(() =>
        {
            Assert.That(model, Is.Null);
            Assert.That(report.Detectors.Select(d => d.Detector), Is.EqualTo(new[] { "violation_baseline" }));
        });
    }
}
