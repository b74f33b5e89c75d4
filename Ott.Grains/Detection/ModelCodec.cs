namespace Ott.Grains.Detection;

/// <summary>
/// Compact binary form of the trained models (what the model grain persists and silos load): a format tag and
/// version, then the arrays. About 1.5 MB for a 100-tree forest with 2,048 LOF reference rows.
/// </summary>
public static class ModelCodec
{
    private const int EnsembleFormat = 0x4F455431; // "OET1"
    private const int LinearFormat = 0x4F4C4D31;   // "OLM1"

    public static byte[] Write(EnsembleModel m)
    {
        using var stream = new MemoryStream();
        using (var w = new BinaryWriter(stream))
        {
            w.Write(EnsembleFormat);
            w.Write(m.Version);
            w.Write(m.TrainedAt.UtcTicks);
            w.Write(m.FeatureCount);
            w.Write(m.Contamination);
            w.Write(m.Threshold);
            Doubles(w, m.ScalerMean);
            Doubles(w, m.ScalerScale);
            w.Write(m.Forest.FeatureCount);
            w.Write(m.Forest.SampleSize);
            Ints(w, m.Forest.TreeOffsets);
            Ints(w, m.Forest.NodeFeature);
            Doubles(w, m.Forest.NodeThreshold);
            Ints(w, m.Forest.NodeLeft);
            Ints(w, m.Forest.NodeRight);
            Ints(w, m.Forest.NodeSize);
            w.Write(m.Lof.FeatureCount);
            w.Write(m.Lof.K);
            w.Write(m.Lof.MaxReference);
            Doubles(w, m.Lof.Points);
            Doubles(w, m.Lof.KDistances);
            Doubles(w, m.Lof.Densities);
            Doubles(w, m.TrainingForestScores);
            Doubles(w, m.TrainingLofScores);
        }

        return stream.ToArray();
    }

    public static EnsembleModel ReadEnsemble(byte[] bytes)
    {
        using var r = new BinaryReader(new MemoryStream(bytes));
        Expect(r, EnsembleFormat);
        var model = new EnsembleModel
        {
            Version = r.ReadInt32(),
            TrainedAt = new DateTimeOffset(r.ReadInt64(), TimeSpan.Zero),
            FeatureCount = r.ReadInt32(),
            Contamination = r.ReadDouble(),
            Threshold = r.ReadDouble(),
            ScalerMean = Doubles(r),
            ScalerScale = Doubles(r),
        };
        model.Forest = new IsolationForestModel
        {
            FeatureCount = r.ReadInt32(),
            SampleSize = r.ReadInt32(),
            TreeOffsets = Ints(r),
            NodeFeature = Ints(r),
            NodeThreshold = Doubles(r),
            NodeLeft = Ints(r),
            NodeRight = Ints(r),
            NodeSize = Ints(r),
        };
        model.Lof = new LocalOutlierFactorModel
        {
            FeatureCount = r.ReadInt32(),
            K = r.ReadInt32(),
            MaxReference = r.ReadInt32(),
            Points = Doubles(r),
            KDistances = Doubles(r),
            Densities = Doubles(r),
        };
        model.TrainingForestScores = Doubles(r);
        model.TrainingLofScores = Doubles(r);
        return model;
    }

    public static byte[] Write(LinearModelData m)
    {
        using var stream = new MemoryStream();
        using (var w = new BinaryWriter(stream))
        {
            w.Write(LinearFormat);
            w.Write(m.Version);
            w.Write(m.TrainedAt.UtcTicks);
            Doubles(w, m.Mean);
            Doubles(w, m.Scale);
            Doubles(w, m.Weights);
            w.Write(m.Bias);
            w.Write(m.Slope);
            w.Write(m.Offset);
        }

        return stream.ToArray();
    }

    public static LinearModelData ReadLinear(byte[] bytes)
    {
        using var r = new BinaryReader(new MemoryStream(bytes));
        Expect(r, LinearFormat);
        var version = r.ReadInt32();
        var trainedAt = new DateTimeOffset(r.ReadInt64(), TimeSpan.Zero);
        return new LinearModelData(version, Doubles(r), Doubles(r), Doubles(r), r.ReadDouble(), r.ReadDouble(), r.ReadDouble(), trainedAt);
    }

    private static void Expect(BinaryReader r, int format)
    {
        if (r.ReadInt32() != format)
        {
            throw new InvalidDataException("not a model blob of the expected format");
        }
    }

    private static void Doubles(BinaryWriter w, double[] values)
    {
        w.Write(values.Length);
        foreach (var v in values)
        {
            w.Write(v);
        }
    }

    private static void Ints(BinaryWriter w, int[] values)
    {
        w.Write(values.Length);
        foreach (var v in values)
        {
            w.Write(v);
        }
    }

    private static double[] Doubles(BinaryReader r)
    {
        var values = new double[r.ReadInt32()];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = r.ReadDouble();
        }

        return values;
    }

    private static int[] Ints(BinaryReader r)
    {
        var values = new int[r.ReadInt32()];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = r.ReadInt32();
        }

        return values;
    }
}
