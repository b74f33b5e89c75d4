using System.Runtime.Intrinsics;

namespace Ott.Grains.Detection;

/// <summary>
/// Local Outlier Factor (Breunig et al. 2000) in scikit-learn's novelty mode, Euclidean distance, brute-force search.
/// Fitting on a reference set computes, for each reference point p, its k nearest other reference points (exactly
/// k, ties broken by lower index), k-distance(p) = distance to the k-th of them, and
/// lrd(p) = 1 / (mean over neighbours o of max(k-distance(o), d(p, o)) + 1e-10); the 1e-10 (scikit-learn's guard)
/// keeps duplicates finite. A new point x gets its k nearest reference points, lrd(x) the same way, and
/// LOF(x) = mean(lrd(o)) / lrd(x): about 1 inside a cluster, larger for outliers.
/// k is min(K, reference size - 1). More than <see cref="MaxReference"/> points are subsampled (seeded) because
/// scoring costs O(reference size x features). Immutable once fitted; scoring does not allocate.
/// </summary>
public sealed class LocalOutlierFactor
{
    public const int DefaultK = 20;
    public const int DefaultMaxReference = 2048;

    /// <summary>Largest supported k: neighbour buffers live on the stack.</summary>
    public const int MaxK = 256;

    private const double DuplicateGuard = 1e-10;

    /// <summary>Up to this padded width the query copy lives on the stack.</summary>
    private const int StackStride = 256;

    private readonly int _featureCount;

    // Rows are padded with zeros to a multiple of 4 so distances run four lanes at a time (see SquaredDistance).
    private readonly int _stride;
    private readonly int _k;
    private readonly int _maxReference;
    private readonly int _referenceCount;
    private readonly double[] _points;
    private readonly double[] _kDistance;
    private readonly double[] _lrd;

    /// <summary>
    /// Fits on <paramref name="samples"/> (at least 2 rows of equal length). When there are more than
    /// <paramref name="maxReference"/> rows, a uniform subsample of that many, drawn with <c>new Random(seed)</c>
    /// and kept in original order, becomes the reference set.
    /// </summary>
    public LocalOutlierFactor(double[][] samples, int seed, int k = DefaultK, int maxReference = DefaultMaxReference)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(k, MaxK);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxReference, 2);
        var features = DetectionGuard.Rectangular(samples, minRows: 2);

        var chosen = ReferenceIndices(samples.Length, maxReference, seed);
        var n = chosen.Length;
        _featureCount = features;
        _stride = Stride(features);
        _maxReference = maxReference;
        _referenceCount = n;
        _k = Math.Min(k, n - 1);
        _points = new double[n * _stride];
        for (var r = 0; r < n; r++)
        {
            samples[chosen[r]].AsSpan().CopyTo(_points.AsSpan(r * _stride, features));
        }

        // Every reference point's neighbours first (k-distances need all of them), then the densities.
        var neighbours = new int[n * _k];
        var distances = new double[n * _k];
        _kDistance = new double[n];
        for (var r = 0; r < n; r++)
        {
            Nearest(Point(r), exclude: r, neighbours.AsSpan(r * _k, _k), distances.AsSpan(r * _k, _k));
            _kDistance[r] = distances[(r * _k) + _k - 1];
        }

        _lrd = new double[n];
        for (var r = 0; r < n; r++)
        {
            _lrd[r] = Density(neighbours.AsSpan(r * _k, _k), distances.AsSpan(r * _k, _k));
        }
    }

    private LocalOutlierFactor(LocalOutlierFactorModel model)
    {
        _featureCount = model.FeatureCount;
        _stride = Stride(model.FeatureCount);
        _k = model.K;
        _maxReference = model.MaxReference;
        _referenceCount = model.Densities.Length;
        _points = new double[_referenceCount * _stride];
        for (var r = 0; r < _referenceCount; r++)
        {
            model.Points.AsSpan(r * _featureCount, _featureCount).CopyTo(_points.AsSpan(r * _stride, _featureCount));
        }

        _kDistance = (double[])model.KDistances.Clone();
        _lrd = (double[])model.Densities.Clone();
    }

    public int FeatureCount => _featureCount;

    /// <summary>The k in use: min(requested k, reference size - 1).</summary>
    public int K => _k;

    /// <summary>Cap on the reference set given at fit time.</summary>
    public int MaxReference => _maxReference;

    public int ReferenceCount => _referenceCount;

    /// <summary>k-distance of each reference point.</summary>
    public ReadOnlySpan<double> KDistances => _kDistance;

    /// <summary>Local reachability density (lrd) of each reference point.</summary>
    public ReadOnlySpan<double> Densities => _lrd;

    /// <summary>LOF of a new point against the reference set.</summary>
    public double Score(ReadOnlySpan<double> x)
    {
        DetectionGuard.Length(x, _featureCount, nameof(x));
        Span<double> padded = _stride <= StackStride ? stackalloc double[_stride] : new double[_stride];
        padded.Clear();
        x.CopyTo(padded);
        return Factor(padded, exclude: -1);
    }

    /// <summary>
    /// LOF of reference point <paramref name="index"/> against the others (the point itself excluded), which is
    /// scikit-learn's <c>negative_outlier_factor_</c> negated: the training-time score.
    /// </summary>
    public double ReferenceScore(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, ReferenceCount);
        return Factor(Point(index), exclude: index);
    }

    /// <summary>Copies the fitted reference set and its statistics into plain arrays the host can persist.</summary>
    public LocalOutlierFactorModel Export() => new()
    {
        FeatureCount = _featureCount,
        K = _k,
        MaxReference = _maxReference,
        Points = Unpadded(),
        KDistances = (double[])_kDistance.Clone(),
        Densities = (double[])_lrd.Clone(),
    };

    /// <summary>Rebuilds a fitted LOF from an exported model, checking its shape.</summary>
    public static LocalOutlierFactor Import(LocalOutlierFactorModel model)
    {
        var n = model.Densities.Length;
        if (model.FeatureCount < 1 || n < 2 || model.MaxReference < n || model.K < 1 || model.K > Math.Min(MaxK, n - 1)
            || model.Points.Length != n * model.FeatureCount || model.KDistances.Length != n)
        {
            throw new ArgumentException("LOF model arrays are empty, of different lengths or k is out of range.", nameof(model));
        }

        for (var r = 0; r < n; r++)
        {
            if (!(model.KDistances[r] >= 0) || !double.IsFinite(model.KDistances[r])
                || !(model.Densities[r] > 0) || !double.IsFinite(model.Densities[r]))
            {
                throw new ArgumentException($"LOF reference point {r} has an invalid k-distance or density.", nameof(model));
            }
        }

        foreach (var value in model.Points)
        {
            if (!double.IsFinite(value))
            {
                throw new ArgumentException("LOF reference points hold a non-finite value.", nameof(model));
            }
        }

        return new LocalOutlierFactor(model);
    }

    /// <summary>
    /// The sample indices that form the reference set: all of them up to <paramref name="maxReference"/>, else a
    /// seeded uniform subsample, ascending.
    /// </summary>
    internal static int[] ReferenceIndices(int count, int maxReference, int seed)
    {
        var indices = new int[count];
        for (var i = 0; i < count; i++)
        {
            indices[i] = i;
        }

        if (count <= maxReference)
        {
            return indices;
        }

        var random = new Random(seed);
        for (var i = 0; i < maxReference; i++)
        {
            var j = random.Next(i, count);
            (indices[i], indices[j]) = (indices[j], indices[i]);
        }

        var chosen = indices[..maxReference];
        Array.Sort(chosen);
        return chosen;
    }

    private static int Stride(int features) => (features + 3) & ~3;

    private ReadOnlySpan<double> Point(int index) => _points.AsSpan(index * _stride, _stride);

    private double[] Unpadded()
    {
        var points = new double[_referenceCount * _featureCount];
        for (var r = 0; r < _referenceCount; r++)
        {
            _points.AsSpan(r * _stride, _featureCount).CopyTo(points.AsSpan(r * _featureCount, _featureCount));
        }

        return points;
    }

    private double Factor(ReadOnlySpan<double> x, int exclude)
    {
        Span<int> neighbours = stackalloc int[_k];
        Span<double> distances = stackalloc double[_k];
        Nearest(x, exclude, neighbours, distances);
        var lrd = Density(neighbours, distances);

        var sum = 0.0;
        foreach (var o in neighbours)
        {
            sum += _lrd[o];
        }

        return sum / _k / lrd;
    }

    private double Density(ReadOnlySpan<int> neighbours, ReadOnlySpan<double> distances)
    {
        var reach = 0.0;
        for (var i = 0; i < neighbours.Length; i++)
        {
            reach += Math.Max(_kDistance[neighbours[i]], distances[i]);
        }

        return 1.0 / ((reach / neighbours.Length) + DuplicateGuard);
    }

    /// <summary>
    /// The k nearest reference points to <paramref name="x"/> (skipping <paramref name="exclude"/>), ascending by
    /// distance and then index, kept in an insertion array: a candidate displaces the current k-th only when strictly
    /// closer, and candidates arrive in index order, so among equal distances the lower index wins.
    /// </summary>
    private void Nearest(ReadOnlySpan<double> x, int exclude, Span<int> neighbours, Span<double> distances)
    {
        var k = neighbours.Length;
        var count = 0;
        for (var r = 0; r < _referenceCount; r++)
        {
            if (r == exclude)
            {
                continue;
            }

            var squared = SquaredDistance(x, Point(r));
            if (count == k && squared >= distances[k - 1])
            {
                continue;
            }

            var at = count < k ? count++ : k - 1;
            while (at > 0 && distances[at - 1] > squared)
            {
                distances[at] = distances[at - 1];
                neighbours[at] = neighbours[at - 1];
                at--;
            }

            distances[at] = squared;
            neighbours[at] = r;
        }

        // Squared distances order the same way; take roots only for the k kept.
        for (var i = 0; i < k; i++)
        {
            distances[i] = Math.Sqrt(distances[i]);
        }
    }

    /// <summary>
    /// Squared Euclidean distance of two rows of equal length, a multiple of 4, summed in four lanes (lane i takes
    /// features i, i + 4, ...) and then (lane0 + lane1) + (lane2 + lane3). The vector and scalar paths add in the
    /// same order, so every machine gets the same bits.
    /// </summary>
    internal static double SquaredDistance(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        if (Vector256.IsHardwareAccelerated)
        {
            var sum = Vector256<double>.Zero;
            for (var i = 0; i < a.Length; i += 4)
            {
                var delta = Vector256.Create(a.Slice(i, 4)) - Vector256.Create(b.Slice(i, 4));
                sum += delta * delta;
            }

            return (sum.GetElement(0) + sum.GetElement(1)) + (sum.GetElement(2) + sum.GetElement(3));
        }

        double lane0 = 0, lane1 = 0, lane2 = 0, lane3 = 0;
        for (var i = 0; i < a.Length; i += 4)
        {
            var d0 = a[i] - b[i];
            var d1 = a[i + 1] - b[i + 1];
            var d2 = a[i + 2] - b[i + 2];
            var d3 = a[i + 3] - b[i + 3];
            lane0 += d0 * d0;
            lane1 += d1 * d1;
            lane2 += d2 * d2;
            lane3 += d3 * d3;
        }

        return (lane0 + lane1) + (lane2 + lane3);
    }
}

/// <summary>
/// A fitted <see cref="LocalOutlierFactor"/> as plain arrays: the reference points row-major
/// (<c>Points[r * FeatureCount + f]</c>), their k-distances and local reachability densities, and the k in use.
/// </summary>
public sealed class LocalOutlierFactorModel
{
    public int FeatureCount { get; set; }

    public int K { get; set; }

    public int MaxReference { get; set; }

    public double[] Points { get; set; } = [];

    public double[] KDistances { get; set; } = [];

    public double[] Densities { get; set; } = [];
}
