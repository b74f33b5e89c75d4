namespace Ott.Grains.Detection;

/// <summary>Argument checks shared by the detection engines.</summary>
internal static class DetectionGuard
{
    /// <summary>Checks that every row exists and has the same, non-zero length; returns that length.</summary>
    public static int Rectangular(double[][] samples, int minRows)
    {
        if (samples.Length < minRows)
        {
            throw new ArgumentException($"At least {minRows} samples are needed; got {samples.Length}.", nameof(samples));
        }

        var features = samples[0]?.Length ?? 0;
        if (features == 0)
        {
            throw new ArgumentException("Samples must have at least one feature.", nameof(samples));
        }

        for (var i = 0; i < samples.Length; i++)
        {
            var row = samples[i];
            if (row is null || row.Length != features)
            {
                throw new ArgumentException($"Sample {i} has {row?.Length ?? 0} features; expected {features}.", nameof(samples));
            }

            foreach (var value in row)
            {
                if (!double.IsFinite(value))
                {
                    throw new ArgumentException($"Sample {i} holds a non-finite value.", nameof(samples));
                }
            }
        }

        return features;
    }

    /// <summary>Copies rows into one row-major array.</summary>
    public static double[] Flatten(double[][] samples, int features)
    {
        var flat = new double[samples.Length * features];
        for (var i = 0; i < samples.Length; i++)
        {
            samples[i].AsSpan().CopyTo(flat.AsSpan(i * features, features));
        }

        return flat;
    }

    public static void Length(ReadOnlySpan<double> values, int expected, string name)
    {
        if (values.Length != expected)
        {
            throw new ArgumentException($"Expected {expected} features; got {values.Length}.", name);
        }
    }
}
