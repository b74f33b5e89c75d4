namespace Ott.Grains.Detection;

/// <summary>
/// Area under the ROC curve: the probability that a random positive scores above a random negative, ties counting
/// one half (Mann-Whitney U with average ranks for tied scores).
/// </summary>
public static class RocAuc
{
    /// <summary>AUC of <paramref name="scores"/> (higher = more positive) against <paramref name="positives"/>.</summary>
    public static double Compute(IReadOnlyList<double> scores, IReadOnlyList<bool> positives)
    {
        var n = Metrics.CheckAligned(scores, positives);
        var order = new int[n];
        var values = new double[n];
        long positiveCount = 0;
        for (var i = 0; i < n; i++)
        {
            order[i] = i;
            values[i] = scores[i];
            positiveCount += positives[i] ? 1 : 0;
        }

        var negativeCount = n - positiveCount;
        if (positiveCount == 0 || negativeCount == 0)
        {
            throw new ArgumentException("AUC needs at least one positive and one negative.", nameof(positives));
        }

        Array.Sort(values, order);
        var positiveRankSum = 0.0;
        for (var start = 0; start < n;)
        {
            var end = start + 1;
            while (end < n && values[end] == values[start])
            {
                end++;
            }

            // Ranks start + 1 .. end share their average.
            var rank = (start + 1 + end) / 2.0;
            for (var i = start; i < end; i++)
            {
                if (positives[order[i]])
                {
                    positiveRankSum += rank;
                }
            }

            start = end;
        }

        var u = positiveRankSum - (positiveCount * (positiveCount + 1) / 2.0);
        return u / ((double)positiveCount * negativeCount);
    }
}

/// <summary>
/// Confusion counts of a score threshold (a score strictly above it predicts positive, as
/// <see cref="AnomalyScore.IsAnomaly"/>) with precision, recall and F1; each is 0 when its denominator is 0.
/// </summary>
public readonly record struct Metrics(int TruePositives, int FalsePositives, int TrueNegatives, int FalseNegatives)
{
    public double Precision => Ratio(TruePositives, TruePositives + FalsePositives);

    public double Recall => Ratio(TruePositives, TruePositives + FalseNegatives);

    /// <summary>Harmonic mean of precision and recall, computed as 2 TP / (2 TP + FP + FN).</summary>
    public double F1 => Ratio(2 * TruePositives, (2 * TruePositives) + FalsePositives + FalseNegatives);

    /// <summary>Counts predictions "score &gt; threshold" against <paramref name="positives"/>.</summary>
    public static Metrics AtThreshold(IReadOnlyList<double> scores, IReadOnlyList<bool> positives, double threshold)
    {
        var n = CheckAligned(scores, positives);
        int tp = 0, fp = 0, tn = 0, fn = 0;
        for (var i = 0; i < n; i++)
        {
            var predicted = scores[i] > threshold;
            if (predicted && positives[i])
            {
                tp++;
            }
            else if (predicted)
            {
                fp++;
            }
            else if (positives[i])
            {
                fn++;
            }
            else
            {
                tn++;
            }
        }

        return new Metrics(tp, fp, tn, fn);
    }

    internal static int CheckAligned(IReadOnlyList<double> scores, IReadOnlyList<bool> positives)
    {
        if (scores.Count != positives.Count)
        {
            throw new ArgumentException($"{scores.Count} scores but {positives.Count} labels.", nameof(positives));
        }

        for (var i = 0; i < scores.Count; i++)
        {
            if (double.IsNaN(scores[i]))
            {
                throw new ArgumentException($"Score {i} is NaN.", nameof(scores));
            }
        }

        return scores.Count;
    }

    private static double Ratio(int numerator, int denominator) => denominator == 0 ? 0.0 : (double)numerator / denominator;
}
