using Ott.Grains.Detection;

namespace Ott.Tests.Engines.Detection;

public class LocalOutlierFactorTests
{
    private const double Guard = 1e-10;
    private static readonly double Sqrt2 = Math.Sqrt(2.0);

    // p0 (0,0), p1 (0,1), p2 (1,0), p3 (0,-1), p4 (3,0), p5 (0,-2); k = 2.
    private static readonly double[][] Cross = [[0, 0], [0, 1], [1, 0], [0, -1], [3, 0], [0, -2]];

    // lrd = 1 / (mean reach-dist + 1e-10), as scikit-learn.
    private static double Lrd(double reach1, double reach2) => 1.0 / (((reach1 + reach2) / 2.0) + Guard);

    [Test]
    public void Cross_KDistances_FollowTheTwoNearestWithTiesByIndex()
    {
        // Neighbours (excluding self), by distance then index:
        //   p0: p1 1, p2 1, p3 1 (three-way tie at 1: p1, p2 kept)  -> k-distance 1
        //   p1: p0 1, p2 sqrt2                                     -> sqrt2
        //   p2: p0 1, p1 sqrt2, p3 sqrt2 (tie at sqrt2: p1 kept)   -> sqrt2
        //   p3: p0 1, p5 1                                         -> 1
        //   p4: p2 2, p0 3                                         -> 3
        //   p5: p3 1, p0 2                                         -> 2
        var lof = new LocalOutlierFactor(Cross, seed: 0, k: 2);

        Assert.Multiple(() =>
        {
            Assert.That(lof.K, Is.EqualTo(2));
            Assert.That(lof.ReferenceCount, Is.EqualTo(6));
            Assert.That(lof.KDistances.ToArray(), Is.EqualTo(new[] { 1.0, Sqrt2, Sqrt2, 1.0, 3.0, 2.0 }));
        });
    }

    [Test]
    public void Cross_Densities_AreInverseMeanReachDistances()
    {
        // reach-dist(a, b) = max(k-distance(b), d(a, b)):
        //   p0 -> p1 max(sqrt2, 1) = sqrt2, p2 max(sqrt2, 1) = sqrt2 -> lrd 1/sqrt2 (had the tie kept p3: reach 1, lrd would differ)
        //   p1 -> p0 max(1, 1) = 1, p2 max(sqrt2, sqrt2) = sqrt2   -> lrd 2/(1+sqrt2)
        //   p2 -> p0 1, p1 sqrt2                                   -> lrd 2/(1+sqrt2)
        //   p3 -> p0 max(1, 1) = 1, p5 max(2, 1) = 2               -> lrd 2/3
        //   p4 -> p2 max(sqrt2, 2) = 2, p0 max(1, 3) = 3           -> lrd 2/5
        //   p5 -> p3 max(1, 1) = 1, p0 max(1, 2) = 2               -> lrd 2/3
        var lof = new LocalOutlierFactor(Cross, seed: 0, k: 2);

        var expected = new[]
        {
            Lrd(Sqrt2, Sqrt2), Lrd(1, Sqrt2), Lrd(1, Sqrt2), Lrd(1, 2), Lrd(2, 3), Lrd(1, 2),
        };
        Assert.Multiple(() =>
        {
            Assert.That(lof.Densities.ToArray(), Is.EqualTo(expected).Within(1e-12));
            Assert.That(expected, Is.EqualTo(new[] { 1 / Sqrt2, 2 / (1 + Sqrt2), 2 / (1 + Sqrt2), 2.0 / 3, 0.4, 2.0 / 3 }).Within(1e-9));
        });
    }

    [Test]
    public void Cross_TrainingScores_AreMeanNeighbourDensityOverOwnDensity()
    {
        // LOF(p) = mean(lrd of p's neighbours) / lrd(p):
        //   p0: (lrd1 + lrd2)/2 / lrd0 = (2/(1+sqrt2)) * sqrt2            = 1.1715728752538...
        //   p1: (lrd0 + lrd2)/2 / lrd1 = (1/sqrt2 + 2/(1+sqrt2))/2 * (1+sqrt2)/2 = 0.9267766952966...
        //   p3: (lrd0 + lrd5)/2 / lrd3 = (1/sqrt2 + 2/3)/2 * 3/2         = 1.0303300858899...
        //   p4: (lrd2 + lrd0)/2 / lrd4 = (2/(1+sqrt2) + 1/sqrt2)/2 * 5/2 = 1.9194173824159...
        var lof = new LocalOutlierFactor(Cross, seed: 0, k: 2);
        double[] lrd = [Lrd(Sqrt2, Sqrt2), Lrd(1, Sqrt2), Lrd(1, Sqrt2), Lrd(1, 2), Lrd(2, 3), Lrd(1, 2)];

        Assert.Multiple(() =>
        {
            Assert.That(lof.ReferenceScore(0), Is.EqualTo((lrd[1] + lrd[2]) / 2 / lrd[0]).Within(1e-12));
            Assert.That(lof.ReferenceScore(1), Is.EqualTo((lrd[0] + lrd[2]) / 2 / lrd[1]).Within(1e-12));
            Assert.That(lof.ReferenceScore(3), Is.EqualTo((lrd[0] + lrd[5]) / 2 / lrd[3]).Within(1e-12));
            Assert.That(lof.ReferenceScore(4), Is.EqualTo((lrd[2] + lrd[0]) / 2 / lrd[4]).Within(1e-12));
            Assert.That(lof.ReferenceScore(0), Is.EqualTo(1.1715728752538).Within(1e-9));
            Assert.That(lof.ReferenceScore(4), Is.EqualTo(1.9194173824159).Within(1e-9));
        });
    }

    [Test]
    public void Cross_NoveltyScores_UseTheKNearestReferencePoints()
    {
        // q = (6,0): nearest p4 at 3, p2 at 5; reach max(3, 3) = 3, max(sqrt2, 5) = 5 -> lrd(q) = 1/4;
        //   LOF = (lrd4 + lrd2)/2 / lrd(q) = 2 (2/5 + 2/(1+sqrt2)) = 2.4568542494923...
        // q = (0,0), a duplicate of p0: nearest p0 at 0, then p1 (tie with p2, p3 at 1, index wins);
        //   reach max(1, 0) = 1, max(sqrt2, 1) = sqrt2 -> lrd(q) = lrd1; LOF = (lrd0 + lrd1)/2 / lrd1 = 0.9267766952966...
        var lof = new LocalOutlierFactor(Cross, seed: 0, k: 2);
        double[] lrd = [Lrd(Sqrt2, Sqrt2), Lrd(1, Sqrt2), Lrd(1, Sqrt2), Lrd(1, 2), Lrd(2, 3), Lrd(1, 2)];

        Assert.Multiple(() =>
        {
            Assert.That(lof.Score([6.0, 0.0]), Is.EqualTo((lrd[4] + lrd[2]) / 2 / Lrd(3, 5)).Within(1e-12));
            Assert.That(lof.Score([6.0, 0.0]), Is.EqualTo(2.4568542494924).Within(1e-9));
            Assert.That(lof.Score([0.0, 0.0]), Is.EqualTo((lrd[0] + lrd[1]) / 2 / Lrd(1, Sqrt2)).Within(1e-12));
        });
    }

    [Test]
    public void DuplicatePoints_StayFiniteThroughTheGuard()
    {
        // a0 = a1 = a2 = 0, a3 = 5; k = 2.
        //   a0..a2: two neighbours at 0 -> k-distance 0, reach-dists 0, lrd = 1 / (0 + 1e-10) = 1e10.
        //   a3: a0, a1 at 5 (tie with a2, index wins) -> k-distance 5, reach max(0, 5) = 5, lrd = 1 / (5 + 1e-10).
        //   LOF(a0) = 1e10 / 1e10 = 1; LOF(a3) = 1e10 (5 + 1e-10) = 5e10 + 1.
        //   New x = 0: neighbours a0, a1, reach 0 -> LOF 1; x = 1: reach max(0, 1) = 1 -> LOF = 1e10 (1 + 1e-10) = 1e10 + 1.
        var lof = new LocalOutlierFactor([[0.0], [0.0], [0.0], [5.0]], seed: 0, k: 2);

        Assert.Multiple(() =>
        {
            Assert.That(lof.KDistances.ToArray(), Is.EqualTo(new[] { 0.0, 0.0, 0.0, 5.0 }));
            Assert.That(lof.Densities.ToArray(), Is.EqualTo(new[] { 1 / Guard, 1 / Guard, 1 / Guard, 1 / (5 + Guard) }));
            Assert.That(lof.ReferenceScore(0), Is.EqualTo(1.0));
            Assert.That(lof.ReferenceScore(3), Is.EqualTo(5e10 + 1).Within(1e-9).Percent);
            Assert.That(lof.Score([0.0]), Is.EqualTo(1.0));
            Assert.That(lof.Score([1.0]), Is.EqualTo(1e10 + 1).Within(1e-9).Percent);
        });
    }

    [Test]
    public void KAboveReferenceSize_IsCutToSizeMinusOne()
    {
        var lof = new LocalOutlierFactor([[0.0], [1.0], [3.0]], seed: 0);

        Assert.Multiple(() =>
        {
            Assert.That(lof.K, Is.EqualTo(2));
            Assert.That(lof.KDistances.ToArray(), Is.EqualTo(new[] { 3.0, 2.0, 3.0 }));
        });
    }

    [Test]
    public void MoreRowsThanMaxReference_KeepsASeededSubsampleInOriginalOrder()
    {
        var samples = Enumerable.Range(0, 100).Select(i => new[] { (double)i }).ToArray();

        var first = new LocalOutlierFactor(samples, seed: 4, k: 3, maxReference: 30).Export();
        var again = new LocalOutlierFactor(samples, seed: 4, k: 3, maxReference: 30).Export();

        Assert.Multiple(() =>
        {
            Assert.That(first.Points, Has.Length.EqualTo(30));
            Assert.That(first.Points, Is.Ordered.Ascending);
            Assert.That(first.Points, Is.Unique);
            Assert.That(again.Points, Is.EqualTo(first.Points));
        });
    }

    [Test]
    public void SquaredDistance_AddsInFourFixedLanes()
    {
        var random = new Random(8);
        var a = Enumerable.Range(0, 16).Select(_ => SyntheticData.Gaussian(random)).ToArray();
        var b = Enumerable.Range(0, 16).Select(_ => SyntheticData.Gaussian(random)).ToArray();
        var lanes = new double[4];
        for (var i = 0; i < 16; i++)
        {
            lanes[i % 4] += (a[i] - b[i]) * (a[i] - b[i]);
        }

        Assert.That(LocalOutlierFactor.SquaredDistance(a, b), Is.EqualTo((lanes[0] + lanes[1]) + (lanes[2] + lanes[3])));
    }

    [Test]
    public void ExportImport_RoundTrip_GivesIdenticalScores()
    {
        var samples = SyntheticData.Ring2D(seed: 2).Samples[..200];
        var lof = new LocalOutlierFactor(samples, seed: 1);

        var imported = LocalOutlierFactor.Import(lof.Export());

        Assert.Multiple(() =>
        {
            Assert.That(imported.K, Is.EqualTo(20));
            Assert.That(samples.Select(s => imported.Score(s)), Is.EqualTo(samples.Select(s => lof.Score(s))));
        });
    }
}
