using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Ott.Grains.Common;
using Ott.Grains.Interfaces;

namespace Ott.Grains.Detection;

/// <summary>Persisted state of the model grain: the samples, the labels and the trained models as blobs.</summary>
[GenerateSerializer, Alias("ott.model-state")]
public sealed class ModelGrainState
{
    [Id(0)] public int FeatureCount { get; set; }
    [Id(1)] public List<double> Reservoir { get; set; } = [];
    [Id(2)] public long VectorsSeen { get; set; }
    [Id(3)] public long EventsSeen { get; set; }
    [Id(4)] public long SinceTraining { get; set; }
    [Id(5)] public List<LabelledExample> Labels { get; set; } = [];
    [Id(6)] public long LabelsSeen { get; set; }
    [Id(7)] public byte[]? Anomaly { get; set; }
    [Id(8)] public int? AnomalyVersion { get; set; }
    [Id(9)] public DateTimeOffset? AnomalyTrainedAt { get; set; }
    [Id(10)] public double? TrainingSeconds { get; set; }
    [Id(11)] public int TrainingSamples { get; set; }
    [Id(12)] public byte[]? Violation { get; set; }
    [Id(13)] public int? ViolationVersion { get; set; }
    [Id(14)] public DateTimeOffset? ViolationTrainedAt { get; set; }
    [Id(15)] public QualityReport? LastQuality { get; set; }
    [Id(16)] public string? LastSkipped { get; set; }
}

/// <summary>
/// The singleton (key 0) that owns the models (see <see cref="IModelGrain"/>). Training runs off the grain's thread
/// (Task.Run) so a 10,000-sample fit does not hold the scheduler; the grain stays non-reentrant, so samples that
/// arrive meanwhile wait their turn. State is written after each training and behind otherwise.
/// </summary>
public sealed partial class ModelGrain(
    [PersistentState("models", StorageNames.Grains)] IPersistentState<ModelGrainState> state,
    IOptions<WriteBehindOptions> writeBehind,
    IOptions<DetectionOptions> options,
    TimeProvider time,
    ILogger<ModelGrain> logger) : WriteBehindGrain<ModelGrainState>(state, writeBehind), IModelGrain
{
    private readonly Random _random = new(options.Value.Seed);
    private AnomalyEnsemble? _ensemble;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await base.OnActivateAsync(cancellationToken);
        if (State.Anomaly is { } blob)
        {
            _ensemble = AnomalyEnsemble.Import(ModelCodec.ReadEnsemble(blob));
        }

        this.RegisterGrainTimer(CheckScheduleAsync, new GrainTimerCreationOptions(TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1)));
    }

    public async Task AddSamplesAsync(FeatureSamples samples)
    {
        var o = options.Value;
        if (State.FeatureCount != samples.FeatureCount)
        {
            State.FeatureCount = samples.FeatureCount;
            State.Reservoir.Clear();
            State.VectorsSeen = 0;
        }

        var width = samples.FeatureCount;
        for (var offset = 0; offset + width <= samples.Values.Length; offset += width)
        {
            State.VectorsSeen++;
            var count = State.Reservoir.Count / width;
            if (count < o.ReservoirCapacity)
            {
                State.Reservoir.AddRange(samples.Values.AsSpan(offset, width));
            }
            else if (_random.NextInt64(State.VectorsSeen) is var slot && slot < o.ReservoirCapacity)
            {
                samples.Values.AsSpan(offset, width).CopyTo(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(State.Reservoir).Slice((int)slot * width, width));
            }
        }

        State.EventsSeen += samples.Seen;
        State.SinceTraining += samples.Seen;
        await ChangedAsync();
        await CheckScheduleAsync(CancellationToken.None);
    }

    public async Task AddLabelsAsync(IReadOnlyList<LabelledExample> examples)
    {
        var o = options.Value;
        foreach (var example in examples)
        {
            State.LabelsSeen++;
            var known = State.Labels.FindIndex(l => l.EventId == example.EventId);
            if (known >= 0)
            {
                State.Labels[known] = example;
            }
            else if (State.Labels.Count < o.LabelCapacity)
            {
                State.Labels.Add(example);
            }
            else if (_random.NextInt64(State.LabelsSeen) is var slot && slot < o.LabelCapacity)
            {
                State.Labels[(int)slot] = example;
            }
        }

        await ChangedAsync(examples.Count);
    }

    public async Task<ModelsInfo> RetrainAsync(string reason)
    {
        await TrainAsync(reason);
        return Info();
    }

    public Task<ModelsInfo> GetInfoAsync() => Task.FromResult(Info());

    public Task<(int? Anomaly, int? Violation)> GetVersionsAsync() => Task.FromResult((State.AnomalyVersion, State.ViolationVersion));

    public Task<ModelBlobs> GetModelsAsync() =>
        Task.FromResult(new ModelBlobs(State.AnomalyVersion, State.Anomaly, State.ViolationVersion, State.Violation));

    private async Task CheckScheduleAsync(CancellationToken cancellationToken)
    {
        var reason = RetrainPolicy.Reason(time.GetUtcNow(), State.AnomalyTrainedAt, State.SinceTraining,
            State.FeatureCount == 0 ? 0 : State.Reservoir.Count / State.FeatureCount, options.Value);
        if (reason is not null)
        {
            await TrainAsync(reason);
        }
    }

    private async Task TrainAsync(string reason)
    {
        var o = options.Value;
        var width = State.FeatureCount;
        var rows = width == 0 ? 0 : State.Reservoir.Count / width;
        var labels = State.Labels.ToList();
        var now = time.GetUtcNow();
        if (rows >= Math.Max(2, o.MinSamples))
        {
            var samples = new double[rows][];
            for (var i = 0; i < rows; i++)
            {
                samples[i] = State.Reservoir.GetRange(i * width, width).ToArray();
            }

            TrainingData.InCanonicalOrder(samples);
            var version = (State.AnomalyVersion ?? 0) + 1;
            var watch = Stopwatch.StartNew();
            var ensemble = await Task.Run(() => AnomalyEnsemble.Train(samples, o.Ensemble, o.Seed, version, time));
            watch.Stop();
            (_ensemble, State.Anomaly, State.AnomalyVersion, State.AnomalyTrainedAt) = (ensemble, ModelCodec.Write(ensemble.Export()), version, now);
            (State.TrainingSeconds, State.TrainingSamples, State.SinceTraining, State.LastSkipped) = (Math.Round(watch.Elapsed.TotalSeconds, 3), rows, 0, null);
            LogTrained(logger, "anomaly ensemble", version, rows, watch.Elapsed.TotalSeconds, reason);
        }
        else
        {
            State.LastSkipped = $"anomaly model not trained: {rows} samples (minimum {o.MinSamples})";
        }

        if (labels.Count > 0)
        {
            var violationVersion = (State.ViolationVersion ?? 0) + 1;
            var (report, model) = await Task.Run(() => QualityEvaluator.Evaluate(labels, _ensemble, o, violationVersion, now));
            State.LastQuality = report;
            if (model is not null)
            {
                (State.Violation, State.ViolationVersion, State.ViolationTrainedAt) = (ModelCodec.Write(model.Export()), violationVersion, now);
                LogTrained(logger, "violation model", violationVersion, report.TrainSamples, 0, reason);
            }
            else
            {
                State.LastSkipped = (State.LastSkipped is null ? "" : State.LastSkipped + "; ") +
                    $"violation model not trained: {labels.Count} labels, {labels.Count(l => l.Label)} positive (minimum {o.MinLabels}, {o.MinLabelsPerClass} of each)";
            }
        }

        // A new model is written at once, not behind: silos load it from here and a restart must not lose it.
        await ChangedAsync();
        await FlushIfDirtyAsync(CancellationToken.None);
    }

    private ModelsInfo Info() => new()
    {
        AnomalyVersion = State.AnomalyVersion,
        AnomalyTrainedAt = State.AnomalyTrainedAt,
        AnomalyTrainingSeconds = State.TrainingSeconds,
        AnomalyTrainingSamples = State.TrainingSamples,
        ReservoirSamples = State.FeatureCount == 0 ? 0 : State.Reservoir.Count / State.FeatureCount,
        SamplesSeen = State.EventsSeen,
        SamplesSinceTraining = State.SinceTraining,
        ViolationVersion = State.ViolationVersion,
        ViolationTrainedAt = State.ViolationTrainedAt,
        LabelledExamples = State.Labels.Count,
        LabelledPositives = State.Labels.Count(l => l.Label),
        LastQuality = State.LastQuality,
        LastTrainingSkipped = State.LastSkipped,
        LabelsBySource = LabelSources.Count(State.Labels),
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "Trained {Model} v{Version} on {Samples} samples in {Seconds:0.###} s ({Reason})")]
    private static partial void LogTrained(ILogger logger, string model, int version, int samples, double seconds, string reason);
}
