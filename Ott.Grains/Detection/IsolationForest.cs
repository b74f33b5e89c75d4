using System.Numerics;

namespace Ott.Grains.Detection;

/// <summary>
/// Isolation Forest (Liu, Ting and Zhou 2008) with scikit-learn's defaults: each tree is grown on a subsample of
/// min(256, n) rows drawn without replacement, to the height limit ceil(log2(subsample)); a node splits on a random
/// feature (among those not constant in the node) at a uniform random value in [min, max) of the node's data, and
/// rows with value &lt;= split go left. The path length of x in a tree is the depth of the external node it reaches
/// plus c(size) of that node; the score is s(x) = 2^(-E[h(x)] / c(subsample)): near 1 for anomalies, well below
/// 0.5 for normal points. All trees live in flat node arrays; scoring does not allocate. Immutable once built.
/// </summary>
public sealed class IsolationForest
{
    public const int DefaultTrees = 100;
    public const int DefaultSampleSize = 256;

    private const double EulerGamma = 0.5772156649015329;

    private readonly int _featureCount;
    private readonly int _sampleSize;
    private readonly int[] _treeOffsets;
    private readonly int[] _feature;
    private readonly double[] _threshold;
    private readonly int[] _left;
    private readonly int[] _right;
    private readonly int[] _size;

    // Derived, not exported: the nodes packed for scoring (one cache line holds two or three), with c(size) of each
    // external node precomputed so scoring takes no logarithms.
    private readonly Node[] _nodes;
    private readonly double _normaliser;

    /// <summary>
    /// Grows <paramref name="trees"/> trees on <paramref name="samples"/> (at least 2 rows of equal length), drawing
    /// every random choice from <c>new Random(seed)</c> so the forest is reproducible.
    /// </summary>
    public IsolationForest(double[][] samples, int seed, int trees = DefaultTrees, int sampleSize = DefaultSampleSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(trees, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(sampleSize, 2);
        var features = DetectionGuard.Rectangular(samples, minRows: 2);
        var n = samples.Length;

        _featureCount = features;
        _sampleSize = Math.Min(sampleSize, n);
        var nodesPerTree = (2 * _sampleSize) - 1;
        _treeOffsets = new int[trees];
        _feature = new int[trees * nodesPerTree];
        _threshold = new double[_feature.Length];
        _left = new int[_feature.Length];
        _right = new int[_feature.Length];
        _size = new int[_feature.Length];

        var builder = new Builder(
            DetectionGuard.Flatten(samples, features),
            features,
            HeightLimit(_sampleSize),
            new Random(seed),
            this);
        var permutation = new int[n];
        for (var i = 0; i < n; i++)
        {
            permutation[i] = i;
        }

        var subsample = new int[_sampleSize];
        for (var t = 0; t < trees; t++)
        {
            // Partial Fisher-Yates: the first sampleSize entries become a uniform draw without replacement.
            for (var i = 0; i < _sampleSize; i++)
            {
                var j = builder.Random.Next(i, n);
                (permutation[i], permutation[j]) = (permutation[j], permutation[i]);
                subsample[i] = permutation[i];
            }

            _treeOffsets[t] = builder.NodeCount;
            builder.Grow(subsample, 0, _sampleSize, 0);
        }

        Array.Resize(ref _feature, builder.NodeCount);
        Array.Resize(ref _threshold, builder.NodeCount);
        Array.Resize(ref _left, builder.NodeCount);
        Array.Resize(ref _right, builder.NodeCount);
        Array.Resize(ref _size, builder.NodeCount);
        (_nodes, _normaliser) = Derive(_feature, _threshold, _left, _right, _size, _sampleSize);
    }

    private IsolationForest(IsolationForestModel model)
    {
        _featureCount = model.FeatureCount;
        _sampleSize = model.SampleSize;
        _treeOffsets = (int[])model.TreeOffsets.Clone();
        _feature = (int[])model.NodeFeature.Clone();
        _threshold = (double[])model.NodeThreshold.Clone();
        _left = (int[])model.NodeLeft.Clone();
        _right = (int[])model.NodeRight.Clone();
        _size = (int[])model.NodeSize.Clone();
        (_nodes, _normaliser) = Derive(_feature, _threshold, _left, _right, _size, _sampleSize);
    }

    /// <summary>Number of features a scored vector must have.</summary>
    public int FeatureCount => _featureCount;

    /// <summary>Rows per tree: min(requested sample size, number of training rows).</summary>
    public int SampleSize => _sampleSize;

    public int TreeCount => _treeOffsets.Length;

    /// <summary>Nodes in all trees together.</summary>
    public int NodeCount => _feature.Length;

    /// <summary>
    /// c(n), the average path length of an unsuccessful search in a binary search tree of n nodes (Liu et al. eq. 1):
    /// 0 for n &lt;= 1, 1 for n = 2, else 2 (ln(n - 1) + Euler's gamma) - 2 (n - 1) / n.
    /// </summary>
    public static double AveragePathLength(int n) => n switch
    {
        <= 1 => 0.0,
        2 => 1.0,
        _ => (2.0 * (Math.Log(n - 1.0) + EulerGamma)) - (2.0 * (n - 1.0) / n),
    };

    /// <summary>Anomaly score s(x) = 2^(-E[h(x)] / c(SampleSize)) in (0, 1].</summary>
    public double Score(ReadOnlySpan<double> x) => Math.Pow(2.0, -MeanPathLength(x) / _normaliser);

    /// <summary>E[h(x)]: the path length of <paramref name="x"/> averaged over the trees.</summary>
    public double MeanPathLength(ReadOnlySpan<double> x)
    {
        DetectionGuard.Length(x, _featureCount, nameof(x));
        var nodes = _nodes;
        var total = 0.0;
        foreach (var root in _treeOffsets)
        {
            var node = nodes[root];
            var depth = 0;
            while (node.Feature >= 0)
            {
                node = nodes[x[node.Feature] <= node.Value ? node.Left : node.Right];
                depth++;
            }

            total += depth + node.Value;
        }

        return total / _treeOffsets.Length;
    }

    /// <summary>Copies the forest into plain arrays the host can persist.</summary>
    public IsolationForestModel Export() => new()
    {
        FeatureCount = _featureCount,
        SampleSize = _sampleSize,
        TreeOffsets = (int[])_treeOffsets.Clone(),
        NodeFeature = (int[])_feature.Clone(),
        NodeThreshold = (double[])_threshold.Clone(),
        NodeLeft = (int[])_left.Clone(),
        NodeRight = (int[])_right.Clone(),
        NodeSize = (int[])_size.Clone(),
    };

    /// <summary>Rebuilds a forest from an exported model, checking that the arrays form valid trees.</summary>
    public static IsolationForest Import(IsolationForestModel model)
    {
        Validate(model);
        return new IsolationForest(model);
    }

    /// <summary>ceil(log2(n)) for n &gt;= 1.</summary>
    internal static int HeightLimit(int n) => n <= 1 ? 0 : 32 - BitOperations.LeadingZeroCount((uint)(n - 1));

    private static (Node[] Nodes, double Normaliser) Derive(
        int[] feature, double[] threshold, int[] left, int[] right, int[] size, int sampleSize)
    {
        var nodes = new Node[feature.Length];
        for (var i = 0; i < nodes.Length; i++)
        {
            nodes[i] = feature[i] < 0
                ? new Node(AveragePathLength(size[i]), -1, -1, -1)
                : new Node(threshold[i], feature[i], left[i], right[i]);
        }

        return (nodes, AveragePathLength(sampleSize));
    }

    private static void Validate(IsolationForestModel model)
    {
        var nodes = model.NodeFeature.Length;
        if (model.FeatureCount < 1 || model.SampleSize < 2 || model.TreeOffsets.Length == 0 || nodes == 0
            || model.NodeThreshold.Length != nodes || model.NodeLeft.Length != nodes
            || model.NodeRight.Length != nodes || model.NodeSize.Length != nodes)
        {
            throw new ArgumentException("Isolation forest model arrays are empty or of different lengths.", nameof(model));
        }

        for (var t = 0; t < model.TreeOffsets.Length; t++)
        {
            var offset = model.TreeOffsets[t];
            var previous = t == 0 ? -1 : model.TreeOffsets[t - 1];
            if (offset <= previous || offset >= nodes || (t == 0 && offset != 0))
            {
                throw new ArgumentException($"Tree offset {t} ({offset}) is out of order or range.", nameof(model));
            }
        }

        for (var i = 0; i < nodes; i++)
        {
            var feature = model.NodeFeature[i];
            var valid = model.NodeSize[i] >= 0 && (feature < 0
                ? feature == -1 && model.NodeLeft[i] == -1 && model.NodeRight[i] == -1
                // Children after their parent: no cycles, so every walk ends at an external node.
                : feature < model.FeatureCount && double.IsFinite(model.NodeThreshold[i])
                    && model.NodeLeft[i] > i && model.NodeLeft[i] < nodes
                    && model.NodeRight[i] > i && model.NodeRight[i] < nodes);
            if (!valid)
            {
                throw new ArgumentException($"Isolation forest node {i} is invalid.", nameof(model));
            }
        }
    }

    /// <summary>A node for scoring: split value (internal) or c(size) (external, Feature = -1).</summary>
    private readonly record struct Node(double Value, int Feature, int Left, int Right);

    /// <summary>Grows trees into the forest's node arrays (construction only).</summary>
    private sealed class Builder(double[] data, int features, int heightLimit, Random random, IsolationForest forest)
    {
        private readonly int[] _featureOrder = Enumerable.Range(0, features).ToArray();

        public Random Random { get; } = random;

        public int NodeCount { get; private set; }

        public int Grow(int[] rows, int start, int end, int depth)
        {
            var node = NodeCount++;
            var size = end - start;
            forest._size[node] = size;
            if (depth >= heightLimit || size <= 1 || !TryChooseSplit(rows, start, end, out var feature, out var split))
            {
                forest._feature[node] = -1;
                forest._left[node] = -1;
                forest._right[node] = -1;
                return node;
            }

            var middle = Partition(rows, start, end, feature, split);
            forest._feature[node] = feature;
            forest._threshold[node] = split;
            forest._left[node] = Grow(rows, start, middle, depth + 1);
            forest._right[node] = Grow(rows, middle, end, depth + 1);
            return node;
        }

        // As scikit-learn's random splitter: draw features without replacement until one is not constant in the
        // node; a node where every feature is constant becomes external.
        private bool TryChooseSplit(int[] rows, int start, int end, out int feature, out double split)
        {
            for (var remaining = features; remaining > 0; remaining--)
            {
                var pick = Random.Next(remaining);
                feature = _featureOrder[pick];
                (_featureOrder[pick], _featureOrder[remaining - 1]) = (_featureOrder[remaining - 1], _featureOrder[pick]);

                var min = double.PositiveInfinity;
                var max = double.NegativeInfinity;
                for (var i = start; i < end; i++)
                {
                    var value = data[(rows[i] * features) + feature];
                    min = Math.Min(min, value);
                    max = Math.Max(max, value);
                }

                if (max > min)
                {
                    split = min + (Random.NextDouble() * (max - min));
                    // Rounding can land on max, which would send every row left.
                    if (split >= max)
                    {
                        split = min;
                    }

                    return true;
                }
            }

            feature = -1;
            split = 0;
            return false;
        }

        private int Partition(int[] rows, int start, int end, int feature, double split)
        {
            var low = start;
            var high = end - 1;
            while (low <= high)
            {
                if (data[(rows[low] * features) + feature] <= split)
                {
                    low++;
                }
                else
                {
                    (rows[low], rows[high]) = (rows[high], rows[low]);
                    high--;
                }
            }

            return low;
        }
    }
}

/// <summary>
/// An <see cref="IsolationForest"/> as plain arrays. Node i of the forest has feature <c>NodeFeature[i]</c>
/// (-1 for an external node), split value <c>NodeThreshold[i]</c> (rows with value &lt;= split go left), children
/// <c>NodeLeft[i]</c> / <c>NodeRight[i]</c> (-1 for an external node) and <c>NodeSize[i]</c> training rows; tree t
/// starts at node <c>TreeOffsets[t]</c>.
/// </summary>
public sealed class IsolationForestModel
{
    public int FeatureCount { get; set; }

    public int SampleSize { get; set; }

    public int[] TreeOffsets { get; set; } = [];

    public int[] NodeFeature { get; set; } = [];

    public double[] NodeThreshold { get; set; } = [];

    public int[] NodeLeft { get; set; } = [];

    public int[] NodeRight { get; set; } = [];

    public int[] NodeSize { get; set; } = [];
}
