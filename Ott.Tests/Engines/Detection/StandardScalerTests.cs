using Ott.Grains.Detection;

namespace Ott.Tests.Engines.Detection;

public class StandardScalerTests
{
    [Test]
    public void Fit_UsesPopulationStd_AndOneForConstantColumns()
    {
        // Column 0: 1, 3, 5 -> mean 3, population variance (4 + 0 + 4) / 3 = 8/3. Column 1 is constant.
        var scaler = new StandardScaler([[1.0, 7.0], [3.0, 7.0], [5.0, 7.0]]);
        var z = new double[2];

        scaler.Transform([5.0, 9.0], z);

        Assert.Multiple(() =>
        {
            Assert.That(scaler.Mean.ToArray(), Is.EqualTo(new[] { 3.0, 7.0 }));
            Assert.That(scaler.Scale.ToArray(), Is.EqualTo(new[] { Math.Sqrt(8.0 / 3), 1.0 }));
            Assert.That(z, Is.EqualTo(new[] { 2 / Math.Sqrt(8.0 / 3), 2.0 }));
        });
    }

    [Test]
    public void Import_RejectsZeroScale() =>
        Assert.That(() => StandardScaler.Import([0.0], [0.0]), Throws.ArgumentException);
}
