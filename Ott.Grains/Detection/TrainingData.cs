using Ott.Grains.Interfaces;

namespace Ott.Grains.Detection;

/// <summary>
/// Training data in an order that depends only on its content. The model grain's reservoir and labels fill in the
/// order feature vectors arrive from the silos, which differs from run to run; the detectors draw seeded subsamples by
/// position (forest samples, LOF reference rows, the held-out split), so the same data in another order trained a
/// different model. Sorted first, the same data always gives the same model and the same quality figures.
/// </summary>
public static class TrainingData
{
    /// <summary>Sorts <paramref name="rows"/> in place, lexicographically by feature value; returns them.</summary>
    public static double[][] InCanonicalOrder(double[][] rows)
    {
        Array.Sort(rows, CompareRows);
        return rows;
    }

    /// <summary>The examples by event id (ordinal), then by features and label for examples without distinct ids.</summary>
    public static List<LabelledExample> InCanonicalOrder(IEnumerable<LabelledExample> examples)
    {
        var sorted = examples.ToList();
        sorted.Sort((a, b) =>
        {
            var byId = string.CompareOrdinal(a.EventId, b.EventId);
            if (byId != 0)
            {
                return byId;
            }

            var byFeatures = CompareRows(a.Features, b.Features);
            return byFeatures != 0 ? byFeatures : a.Label.CompareTo(b.Label);
        });
        return sorted;
    }

    private static int CompareRows(double[]? a, double[]? b)
    {
        if (ReferenceEquals(a, b))
        {
            return 0;
        }

        if (a is null || b is null)
        {
            return a is null ? -1 : 1;
        }

        var shared = Math.Min(a.Length, b.Length);
        for (var i = 0; i < shared; i++)
        {
            var byValue = a[i].CompareTo(b[i]);
            if (byValue != 0)
            {
                return byValue;
            }
        }

        return a.Length.CompareTo(b.Length);
    }
}
