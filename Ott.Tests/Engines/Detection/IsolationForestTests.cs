using Ott.Grains.Detection;

namespace Ott.Tests.Engines.Detection;

public class IsolationForestTests
{
    private const double EulerGamma = 0.5772156649015329;

    [Test]
    public void AveragePathLength_MatchesLiuEquationOne()
    {
        Assert.Multiple(() =>
        {
            Assert.That(IsolationForest.AveragePathLength(0), Is.EqualTo(0.0));
            Assert.That(IsolationForest.AveragePathLength(1), Is.EqualTo(0.0));
            Assert.That(IsolationForest.AveragePathLength(2), Is.EqualTo(1.0));
            // c(3) = 2 (ln 2 + gamma) - 2 * 2 / 3 = 1.3862943611198906 + 1.1544313298030657 - 1.3333333333333333
            Assert.That(IsolationForest.AveragePathLength(3), Is.EqualTo((2 * (Math.Log(2) + EulerGamma)) - (4.0 / 3.0)).Within(1e-12));
            Assert.That(IsolationForest.AveragePathLength(3), Is.EqualTo(1.2073923575896230).Within(1e-12));
            Assert.That(IsolationForest.AveragePathLength(256), Is.EqualTo((2 * (Math.Log(255) + EulerGamma)) - (2.0 * 255 / 256)).Within(1e-12));
        });
    }

    [TestCase(2, 1)]
    [TestCase(3, 2)]
    [TestCase(255, 8)]
    [TestCase(256, 8)]
    [TestCase(257, 9)]
    public void HeightLimit_IsCeilingOfLog2(int sampleSize, int expected) =>
        Assert.That(IsolationForest.HeightLimit(sampleSize), Is.EqualTo(expected));

    [Test]
    public void TwoSamples_EveryPointIsolatesAtDepthOne_ScoreOneHalf()
    {
        // One split at the root (depth 0 < limit 1), two external nodes of size 1: h = 1 + c(1) = 1, c(2) = 1.
        var forest = new IsolationForest([[0.0, 0.0], [1.0, 1.0]], seed: 3, trees: 10);

        Assert.Multiple(() =>
        {
            Assert.That(forest.NodeCount, Is.EqualTo(30));
            Assert.That(forest.MeanPathLength([0.5, 0.5]), Is.EqualTo(1.0));
            Assert.That(forest.Score([100.0, -100.0]), Is.EqualTo(0.5));
        });
    }

    [Test]
    public void ConstantData_RootStaysExternal_PathIsCOfSampleSize()
    {
        var samples = Enumerable.Range(0, 10).Select(_ => new[] { 4.0, 4.0 }).ToArray();

        var forest = new IsolationForest(samples, seed: 1, trees: 5);

        Assert.Multiple(() =>
        {
            Assert.That(forest.SampleSize, Is.EqualTo(10));
            Assert.That(forest.NodeCount, Is.EqualTo(5));
            Assert.That(forest.MeanPathLength([4.0, 4.0]), Is.EqualTo(IsolationForest.AveragePathLength(10)).Within(1e-12));
            Assert.That(forest.Score([4.0, 4.0]), Is.EqualTo(0.5).Within(1e-12));
        });
    }

    [Test]
    public void DefaultForest_HasHundredTreesOf256Samples_WithinTheNodeBound()
    {
        var (samples, _) = SyntheticData.Ring2D(seed: 11);

        var forest = new IsolationForest(samples, seed: 5);

        Assert.Multiple(() =>
        {
            Assert.That(forest.TreeCount, Is.EqualTo(100));
            Assert.That(forest.SampleSize, Is.EqualTo(256));
            Assert.That(forest.NodeCount, Is.InRange(100 * 3, 100 * 511));
        });
    }

    [Test]
    public void SameSeed_GivesIdenticalScores_DifferentSeedDiffers()
    {
        var (samples, _) = SyntheticData.Ring2D(seed: 11);

        var first = ScoreAll(new IsolationForest(samples, seed: 42), samples);
        var again = ScoreAll(new IsolationForest(samples, seed: 42), samples);
        var other = ScoreAll(new IsolationForest(samples, seed: 43), samples);

        Assert.Multiple(() =>
        {
            Assert.That(again, Is.EqualTo(first));
            Assert.That(other, Is.Not.EqualTo(first));
        });
    }

    [Test]
    public void PlantedRingOutliers_RankAboveGaussianInliers_AucAtLeast095()
    {
        var (samples, outliers) = SyntheticData.Ring2D(seed: 11);

        var auc = RocAuc.Compute(ScoreAll(new IsolationForest(samples, seed: 7), samples), outliers);

        Assert.That(auc, Is.GreaterThanOrEqualTo(0.95));
    }

    [Test]
    public void ExportImport_RoundTrip_GivesIdenticalScores()
    {
        var (samples, _) = SyntheticData.Ring2D(seed: 11);
        var forest = new IsolationForest(samples, seed: 9);

        var imported = IsolationForest.Import(forest.Export());

        Assert.That(ScoreAll(imported, samples), Is.EqualTo(ScoreAll(forest, samples)));
    }

    [Test]
    public void Import_ChildBeforeParent_IsRejected()
    {
        var model = new IsolationForest([[0.0], [1.0]], seed: 1, trees: 1).Export();
        model.NodeLeft[0] = 0;

        Assert.That(() => IsolationForest.Import(model), Throws.ArgumentException.With.Message.Contains("node 0"));
    }

    private static double[] ScoreAll(IsolationForest forest, double[][] samples) =>
        samples.Select(s => forest.Score(s)).ToArray();
}
