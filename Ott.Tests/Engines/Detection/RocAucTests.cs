using Ott.Grains.Detection;

namespace Ott.Tests.Engines.Detection;

public class RocAucTests
{
    [Test]
    public void OneMisorderedPair_GivesThreeQuarters() =>
        Assert.That(RocAuc.Compute([0.1, 0.4, 0.35, 0.8], [false, false, true, true]), Is.EqualTo(0.75));

    [Test]
    public void TiedPositiveAndNegative_CountHalf()
    {
        // Ranks 0.2 -> 1, 0.5 and 0.5 -> 2.5 each, 0.9 -> 4; positives 2.5 + 4 - 3 = 3.5 of 4 pairs.
        Assert.That(RocAuc.Compute([0.5, 0.5, 0.2, 0.9], [true, false, false, true]), Is.EqualTo(0.875));
    }

    [Test]
    public void AllScoresTied_GivesOneHalf() =>
        Assert.That(RocAuc.Compute([1.0, 1.0, 1.0], [true, false, false]), Is.EqualTo(0.5));

    [Test]
    public void SingleClass_IsRejected() =>
        Assert.That(() => RocAuc.Compute([0.1, 0.2], [true, true]), Throws.ArgumentException);

    [Test]
    public void Metrics_AtThreshold_CountStrictlyAbove()
    {
        // Above 0.35: 0.4 (negative), 0.8 (positive); 0.35 itself is not above.
        var metrics = Metrics.AtThreshold([0.1, 0.4, 0.35, 0.8], [false, false, true, true], 0.35);

        Assert.Multiple(() =>
        {
            Assert.That(metrics, Is.EqualTo(new Metrics(TruePositives: 1, FalsePositives: 1, TrueNegatives: 1, FalseNegatives: 1)));
            Assert.That(metrics.Precision, Is.EqualTo(0.5));
            Assert.That(metrics.Recall, Is.EqualTo(0.5));
            Assert.That(metrics.F1, Is.EqualTo(0.5));
        });
    }

    [Test]
    public void Metrics_NothingPredicted_GivesZeroes()
    {
        var metrics = Metrics.AtThreshold([0.1, 0.9], [false, true], 1.0);

        Assert.That((metrics.Precision, metrics.Recall, metrics.F1), Is.EqualTo((0.0, 0.0, 0.0)));
    }

    [Test]
    public void Metrics_TwoOfThreeFlaggedCorrect_PrecisionTwoThirdsRecallOneF1FourFifths()
    {
        var metrics = Metrics.AtThreshold([0.1, 0.4, 0.35, 0.8], [false, false, true, true], 0.3);

        Assert.Multiple(() =>
        {
            Assert.That(metrics.Precision, Is.EqualTo(2.0 / 3));
            Assert.That(metrics.Recall, Is.EqualTo(1.0));
            Assert.That(metrics.F1, Is.EqualTo(0.8));
        });
    }
}
