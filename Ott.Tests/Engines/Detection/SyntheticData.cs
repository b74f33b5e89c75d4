namespace Ott.Tests.Engines.Detection;

/// <summary>Seeded data sets with planted outliers for the detector tests.</summary>
internal static class SyntheticData
{
    /// <summary>Standard normal by Box-Muller (one of the pair).</summary>
    public static double Gaussian(Random random)
    {
        var u1 = 1.0 - random.NextDouble();
        var u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    /// <summary>950 inliers N(0, I) in 2-D and 50 outliers at radius 6 + N(0, 0.5^2) in a uniform direction; every 20th row is an outlier.</summary>
    public static (double[][] Samples, bool[] Outliers) Ring2D(int seed)
    {
        var random = new Random(seed);
        var samples = new double[1000][];
        var outliers = new bool[1000];
        for (var i = 0; i < samples.Length; i++)
        {
            outliers[i] = i % 20 == 19;
            if (outliers[i])
            {
                var angle = 2.0 * Math.PI * random.NextDouble();
                var radius = 6.0 + (0.5 * Gaussian(random));
                samples[i] = [radius * Math.Cos(angle), radius * Math.Sin(angle)];
            }
            else
            {
                samples[i] = [Gaussian(random), Gaussian(random)];
            }
        }

        return (samples, outliers);
    }

    /// <summary>
    /// 1000 rows of 14 features: column f is N(f, (f + 1)^2) so the scaler matters; every 20th row (5%) is an outlier
    /// with three random columns moved by 5 to 7 of their standard deviations, either way.
    /// </summary>
    public static (double[][] Samples, bool[] Outliers) Planted14D(int seed)
    {
        const int Features = 14;
        var random = new Random(seed);
        var samples = new double[1000][];
        var outliers = new bool[1000];
        for (var i = 0; i < samples.Length; i++)
        {
            var row = new double[Features];
            for (var f = 0; f < Features; f++)
            {
                row[f] = f + ((f + 1) * Gaussian(random));
            }

            outliers[i] = i % 20 == 19;
            if (outliers[i])
            {
                for (var moved = 0; moved < 3; moved++)
                {
                    var f = random.Next(Features);
                    var shift = (5.0 + (2.0 * random.NextDouble())) * (random.Next(2) == 0 ? -1 : 1);
                    row[f] = f + ((f + 1) * shift);
                }
            }

            samples[i] = row;
        }

        return (samples, outliers);
    }
}
