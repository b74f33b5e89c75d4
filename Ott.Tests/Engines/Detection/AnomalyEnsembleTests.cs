using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Ott.Grains.Detection;

namespace Ott.Tests.Engines.Detection;

public class AnomalyEnsembleTests
{
    private static readonly DateTimeOffset TrainedAt = new(2025, 3, 4, 5, 6, 7, TimeSpan.Zero);

    private double[][] _training = null!;
    private double[][] _heldOut = null!;
    private bool[] _heldOutOutliers = null!;
    private AnomalyEnsemble _ensemble = null!;

    [OneTimeSetUp]
    public void Train()
    {
        (_training, _) = SyntheticData.Planted14D(seed: 21);
        (_heldOut, _heldOutOutliers) = SyntheticData.Planted14D(seed: 22);
        _ensemble = AnomalyEnsemble.Train(_training, new EnsembleOptions(), seed: 5, version: 3, new FakeTimeProvider(TrainedAt));
    }

    [Test]
    public void PlantedOutliers_InHeldOutData_AucAtLeast090()
    {
        var scores = _heldOut.Select(x => _ensemble.Score(x, 1.0).Ensemble).ToArray();

        Assert.That(RocAuc.Compute(scores, _heldOutOutliers), Is.GreaterThanOrEqualTo(0.9));
    }

    [Test]
    public void Threshold_IsThe95thPercentileOfTrainingEnsembleScores()
    {
        // Rebuilt from the parts: IForest on the scaled row, LOF of the row left out of its own neighbourhood
        // (1000 rows <= 2048, so reference index = row), each ranked by the fraction of training scores <= it.
        var n = _training.Length;
        var forest = new double[n];
        var lof = new double[n];
        var z = new double[14];
        for (var i = 0; i < n; i++)
        {
            _ensemble.Scaler.Transform(_training[i], z);
            forest[i] = _ensemble.Forest.Score(z);
            lof[i] = _ensemble.Lof.ReferenceScore(i);
        }

        var ensemble = new double[n];
        for (var i = 0; i < n; i++)
        {
            int forestAtOrBelow = 0, lofAtOrBelow = 0;
            for (var j = 0; j < n; j++)
            {
                forestAtOrBelow += forest[j] <= forest[i] ? 1 : 0;
                lofAtOrBelow += lof[j] <= lof[i] ? 1 : 0;
            }

            ensemble[i] = ((forestAtOrBelow / (double)n) + (lofAtOrBelow / (double)n)) / 2;
        }

        Array.Sort(ensemble);
        // Linear interpolation at position (n - 1) * 0.95 = 949.05.
        var expected = ensemble[949] + (0.05 * (ensemble[950] - ensemble[949]));

        Assert.Multiple(() =>
        {
            Assert.That(_ensemble.TrainingForestScores.ToArray(), Is.EqualTo(forest.Order().ToArray()));
            Assert.That(_ensemble.TrainingLofScores.ToArray(), Is.EqualTo(lof.Order().ToArray()));
            Assert.That(_ensemble.Threshold, Is.EqualTo(expected).Within(1e-12));
            Assert.That(ensemble.Count(s => s > _ensemble.Threshold), Is.InRange(1, 50));
        });
    }

    [Test]
    public void Sensitivity_HigherFlagsAtLeastAsMany_ZeroFlagsNone()
    {
        int Flagged(double sensitivity) => _heldOut.Take(400).Count(x => _ensemble.Score(x, sensitivity).IsAnomaly);

        var plain = Flagged(1.0);
        var stricter = Flagged(1.5);

        Assert.Multiple(() =>
        {
            Assert.That(plain, Is.GreaterThan(0));
            Assert.That(stricter, Is.GreaterThanOrEqualTo(plain));
            Assert.That(Flagged(0.0), Is.EqualTo(0));
        });
    }

    [Test]
    public void Score_IsMeanOfNormalisedDetectorScores_AndFlagsByTheSensitivityRule()
    {
        var score = _ensemble.Score(_heldOut[19], 1.2);

        Assert.Multiple(() =>
        {
            Assert.That(score.Ensemble, Is.EqualTo((score.IForest + score.Lof) / 2));
            Assert.That(score.IForest, Is.InRange(0.0, 1.0));
            Assert.That(score.Lof, Is.InRange(0.0, 1.0));
            Assert.That(score.IsAnomaly, Is.EqualTo(score.Ensemble > 1 - ((1 - _ensemble.Threshold) * 1.2)));
        });
    }

    [Test]
    public void OneFeaturePerturbed_TopFeaturesLeadWithIt_ThenTiesByIndex()
    {
        // At the training mean every z is 0; feature 7 moved by 8 standard deviations.
        var x = _ensemble.Scaler.Mean.ToArray();
        x[7] += 8 * _ensemble.Scaler.Scale[7];

        var score = _ensemble.Score(x, 1.0);

        Assert.That(score.TopFeatures, Is.EqualTo(new[] { 7, 0, 1 }));
    }

    [Test]
    public void TopFeatures_AreTheThreeLargestAbsoluteZ_LargestFirst()
    {
        var x = _ensemble.Scaler.Mean.ToArray();
        double[] z = [0.5, -3, 0, 2, 0, 0, -2.5, 0, 0, 0, 0, 0, 1, 0];
        for (var f = 0; f < 14; f++)
        {
            x[f] += z[f] * _ensemble.Scaler.Scale[f];
        }

        Assert.That(_ensemble.Score(x, 1.0).TopFeatures, Is.EqualTo(new[] { 1, 6, 3 }));
    }

    [Test]
    public void ExportImport_ThroughJson_GivesIdenticalScores()
    {
        var json = JsonSerializer.Serialize(_ensemble.Export());
        var model = JsonSerializer.Deserialize<EnsembleModel>(json)!;

        var imported = AnomalyEnsemble.Import(model);

        Assert.Multiple(() =>
        {
            Assert.That(imported.Version, Is.EqualTo(3));
            Assert.That(imported.TrainedAt, Is.EqualTo(TrainedAt));
            Assert.That(imported.FeatureCount, Is.EqualTo(14));
            Assert.That(imported.Threshold, Is.EqualTo(_ensemble.Threshold));
            foreach (var x in _heldOut.Take(200))
            {
                var expected = _ensemble.Score(x, 1.3);
                var actual = imported.Score(x, 1.3);
                Assert.That(
                    (actual.Ensemble, actual.IForest, actual.Lof, actual.IsAnomaly),
                    Is.EqualTo((expected.Ensemble, expected.IForest, expected.Lof, expected.IsAnomaly)));
                Assert.That(actual.TopFeatures, Is.EqualTo(expected.TopFeatures));
            }
        });
    }

    [Test]
    public void Scoring_AllocatesOnlyTheReturnedIndices()
    {
        var x = _heldOut[0];
        var z = new double[14];
        _ensemble.Scaler.Transform(x, z);
        _ensemble.Score(x, 1.0);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            _ensemble.Forest.Score(z);
            _ensemble.Lof.Score(z);
        }

        var detectors = GC.GetAllocatedBytesForCurrentThread() - before;
        before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            _ensemble.Score(x, 1.0);
        }

        var ensemble = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Multiple(() =>
        {
            Assert.That(detectors, Is.EqualTo(0));
            Assert.That(ensemble, Is.LessThanOrEqualTo(100 * 40), "one int[3] per call");
        });
    }

    [Test]
    public void SameSeed_TrainsTheSameModel()
    {
        var options = new EnsembleOptions { Trees = 20, MaxLofReference = 300 };

        var first = AnomalyEnsemble.Train(_training, options, seed: 5);
        var again = AnomalyEnsemble.Train(_training, options, seed: 5);

        Assert.Multiple(() =>
        {
            Assert.That(again.Threshold, Is.EqualTo(first.Threshold));
            Assert.That(again.TrainingForestScores.ToArray(), Is.EqualTo(first.TrainingForestScores.ToArray()));
            Assert.That(again.TrainingLofScores.ToArray(), Is.EqualTo(first.TrainingLofScores.ToArray()));
            Assert.That(_heldOut.Take(100).Select(x => again.Score(x, 1.0).Ensemble), Is.EqualTo(_heldOut.Take(100).Select(x => first.Score(x, 1.0).Ensemble)));
        });
    }

    [Test]
    public void MoreRowsThanMaxLofReference_TrainsOnASubsample()
    {
        var options = new EnsembleOptions { MaxLofReference = 300, Trees = 20 };

        var small = AnomalyEnsemble.Train(_training, options, seed: 5);

        Assert.Multiple(() =>
        {
            Assert.That(small.Lof.ReferenceCount, Is.EqualTo(300));
            Assert.That(small.TrainingLofScores.Length, Is.EqualTo(1000));
            Assert.That(small.Threshold, Is.InRange(0.5, 1.0));
        });
    }

    [Test]
    public void InvalidInputs_AreRejected()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => AnomalyEnsemble.Train(_training, new EnsembleOptions { Contamination = 0.9 }, seed: 1),
                Throws.InstanceOf<System.ComponentModel.DataAnnotations.ValidationException>());
            Assert.That(() => _ensemble.Score(new double[13], 1.0), Throws.ArgumentException);
            Assert.That(() => _ensemble.Score(Enumerable.Repeat(double.NaN, 14).ToArray(), 1.0), Throws.ArgumentException);
            Assert.That(() => _ensemble.Score(new double[14], -1.0), Throws.InstanceOf<ArgumentOutOfRangeException>());
        });
    }
}
