using Microsoft.ML;
using Microsoft.ML.Calibrators;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;

namespace Ott.Grains.Detection;

/// <summary>
/// The learned violation model (docs/scoring.md): ML.NET's L-BFGS logistic regression on standardised features
/// (the 14 anomaly features and the 6 baseline indicators), trained on assessments with known outcomes. After
/// training, the weights, bias and Platt calibration are read out, so scoring is a dot product: thread-safe, no
/// prediction engine, no allocation.
/// </summary>
public sealed class ViolationModel
{
    private ViolationModel(int version, StandardScaler scaler, double[] weights, double bias, double slope, double offset, DateTimeOffset trainedAt)
    {
        Version = version;
        Scaler = scaler;
        Weights = weights;
        Bias = bias;
        Slope = slope;
        Offset = offset;
        TrainedAt = trainedAt;
    }

    public int Version { get; }
    public StandardScaler Scaler { get; }
    public double[] Weights { get; }
    public double Bias { get; }
    public double Slope { get; }
    public double Offset { get; }
    public DateTimeOffset TrainedAt { get; }

    /// <summary>Trains on <paramref name="features"/> (rows of equal length) and <paramref name="labels"/>.</summary>
    public static ViolationModel Train(IReadOnlyList<double[]> features, IReadOnlyList<bool> labels, int seed, int version, DateTimeOffset trainedAt)
    {
        var scaler = new StandardScaler([.. features]);
        var width = features[0].Length;
        var rows = new Row[features.Count];
        var scaled = new double[width];
        for (var i = 0; i < rows.Length; i++)
        {
            scaler.Transform(features[i], scaled);
            rows[i] = new Row { Label = labels[i], Features = scaled.Select(v => (float)v).ToArray() };
        }

        var ml = new MLContext(seed);
        var schema = SchemaDefinition.Create(typeof(Row));
        schema[nameof(Row.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, width);
        var data = ml.Data.LoadFromEnumerable(rows, schema);
        var trainer = ml.BinaryClassification.Trainers.LbfgsLogisticRegression(new LbfgsLogisticRegressionBinaryTrainer.Options
        {
            L2Regularization = 0.1f,
            NumberOfThreads = 1,
        });
        var model = trainer.Fit(data).Model;
        var linear = model.SubModel;
        var calibrator = (PlattCalibrator)model.Calibrator;
        return new ViolationModel(version, scaler, linear.Weights.Select(w => (double)w).ToArray(), linear.Bias,
            calibrator.Slope, calibrator.Offset, trainedAt);
    }

    /// <summary>The calibrated probability of a confirmed violation.</summary>
    public double Predict(ReadOnlySpan<double> features)
    {
        Span<double> scaled = stackalloc double[features.Length];
        Scaler.Transform(features, scaled);
        var score = Bias;
        for (var i = 0; i < scaled.Length; i++)
        {
            score += Weights[i] * scaled[i];
        }

        return 1.0 / (1.0 + Math.Exp((Slope * score) + Offset));
    }

    public LinearModelData Export() => new(Version, Scaler.Mean.ToArray(), Scaler.Scale.ToArray(), Weights, Bias, Slope, Offset, TrainedAt);

    public static ViolationModel Import(LinearModelData data) =>
        new(data.Version, StandardScaler.Import(data.Mean, data.Scale), data.Weights, data.Bias, data.Slope, data.Offset, data.TrainedAt);

    private sealed class Row
    {
        public bool Label { get; set; }
        public float[] Features { get; set; } = [];
    }
}

/// <summary>A <see cref="ViolationModel"/> as plain data.</summary>
public sealed record LinearModelData(
    int Version, double[] Mean, double[] Scale, double[] Weights, double Bias, double Slope, double Offset, DateTimeOffset TrainedAt);
