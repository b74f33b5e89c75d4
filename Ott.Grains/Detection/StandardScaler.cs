namespace Ott.Grains.Detection;

/// <summary>
/// Per-column standardisation z = (x - mean) / std with the population standard deviation, fitted once and then
/// immutable (safe to share between threads). A column whose std is zero (below ten machine epsilons, as in
/// scikit-learn) gets scale 1, so a constant feature neither divides by zero nor dominates.
/// </summary>
public sealed class StandardScaler
{
    // Ten machine epsilons (2^-52), scikit-learn's cut-off for "zero" variance.
    private const double ZeroScale = 10 * 2.220446049250313e-16;

    private readonly double[] _mean;
    private readonly double[] _scale;

    /// <summary>Fits mean and population std per column of <paramref name="samples"/> (rows of equal length).</summary>
    public StandardScaler(double[][] samples)
    {
        var features = DetectionGuard.Rectangular(samples, minRows: 1);
        _mean = new double[features];
        _scale = new double[features];
        var n = samples.Length;

        foreach (var row in samples)
        {
            for (var f = 0; f < features; f++)
            {
                _mean[f] += row[f];
            }
        }

        for (var f = 0; f < features; f++)
        {
            _mean[f] /= n;
        }

        // Two passes: the sum of squared deviations avoids the cancellation of E[x^2] - E[x]^2.
        foreach (var row in samples)
        {
            for (var f = 0; f < features; f++)
            {
                var deviation = row[f] - _mean[f];
                _scale[f] += deviation * deviation;
            }
        }

        for (var f = 0; f < features; f++)
        {
            var std = Math.Sqrt(_scale[f] / n);
            _scale[f] = std < ZeroScale ? 1.0 : std;
        }
    }

    private StandardScaler(double[] mean, double[] scale)
    {
        _mean = mean;
        _scale = scale;
    }

    /// <summary>Number of columns.</summary>
    public int FeatureCount => _mean.Length;

    /// <summary>Fitted column means.</summary>
    public ReadOnlySpan<double> Mean => _mean;

    /// <summary>Fitted column scales (population std, or 1 where it was zero).</summary>
    public ReadOnlySpan<double> Scale => _scale;

    /// <summary>Rebuilds a scaler from exported <see cref="Mean"/> and <see cref="Scale"/> (copied).</summary>
    public static StandardScaler Import(double[] mean, double[] scale)
    {
        if (mean.Length == 0 || mean.Length != scale.Length)
        {
            throw new ArgumentException($"Scaler arrays must be non-empty and of equal length (mean {mean.Length}, scale {scale.Length}).", nameof(scale));
        }

        for (var f = 0; f < mean.Length; f++)
        {
            if (!double.IsFinite(mean[f]) || !double.IsFinite(scale[f]) || scale[f] <= 0)
            {
                throw new ArgumentException($"Scaler column {f} is invalid (mean {mean[f]}, scale {scale[f]}).", nameof(scale));
            }
        }

        return new StandardScaler((double[])mean.Clone(), (double[])scale.Clone());
    }

    /// <summary>Writes the standardised <paramref name="source"/> into <paramref name="destination"/>.</summary>
    public void Transform(ReadOnlySpan<double> source, Span<double> destination)
    {
        DetectionGuard.Length(source, _mean.Length, nameof(source));
        if (destination.Length < _mean.Length)
        {
            throw new ArgumentException($"Destination holds {destination.Length} values; {_mean.Length} needed.", nameof(destination));
        }

        for (var f = 0; f < _mean.Length; f++)
        {
            destination[f] = (source[f] - _mean[f]) / _scale[f];
        }
    }
}
