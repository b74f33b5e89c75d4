using Microsoft.Extensions.Options;
using Ott.Grains.Common;
using Ott.Grains.Interfaces;

namespace Ott.Grains.Segments;

/// <summary>Persisted outcome sample of one segment.</summary>
[GenerateSerializer, Alias("ott.segment-learning-state")]
public sealed class SegmentLearningState
{
    [Id(0)] public List<double> Scores { get; set; } = [];
    [Id(1)] public long Outcomes { get; set; }
    [Id(2)] public long Confirmed { get; set; }
    [Id(3)] public double? Quantile { get; set; }
    [Id(4)] public double? Value { get; set; }
    [Id(5)] public DateTimeOffset? LearnedAt { get; set; }
    [Id(6)] public Dictionary<string, long> Sources { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>
/// One per segment: a reservoir sample (Algorithm R, seeded) of the scores of assessments with known outcomes, and the
/// learned threshold recomputed on each outcome once the minimum is reached. Written behind.
/// </summary>
public sealed class SegmentLearningGrain(
    [PersistentState("segment-learning", StorageNames.Grains)] IPersistentState<SegmentLearningState> state,
    IOptions<WriteBehindOptions> writeBehind,
    IOptions<ThresholdOptions> thresholds,
    Policies.PolicyCache policies,
    TimeProvider time) : WriteBehindGrain<SegmentLearningState>(state, writeBehind), ISegmentLearningGrain
{
    private readonly Random _random = new(17);

    public Task AddAsync(Outcome outcome) => AddManyAsync([outcome]);

    public async Task AddManyAsync(IReadOnlyList<Outcome> outcomes)
    {
        foreach (var outcome in outcomes)
        {
            Add(outcome);
        }

        // The live policy's learning settings and segment threshold; the sample capacity is configuration.
        var policy = await policies.GetAsync();
        var (quantile, value) = AdaptiveThreshold.Learn(State.Scores, policy.For(this.GetPrimaryKeyString()).ThresholdHigh, policy.Document.Threshold);
        if (value is not null)
        {
            (State.Quantile, State.Value, State.LearnedAt) = (quantile, value, time.GetUtcNow());
        }

        await ChangedAsync(outcomes.Count);
    }

    private void Add(Outcome outcome)
    {
        var o = thresholds.Value;
        State.Outcomes++;
        State.Confirmed += outcome.ConfirmedViolation ? 1 : 0;
        State.Sources[outcome.Source] = State.Sources.GetValueOrDefault(outcome.Source) + 1;
        if (State.Scores.Count < o.LearningSampleCapacity)
        {
            State.Scores.Add(outcome.RiskScore);
        }
        else if (_random.NextInt64(State.Outcomes) is var slot && slot < o.LearningSampleCapacity)
        {
            State.Scores[(int)slot] = outcome.RiskScore;
        }
    }

    public Task<LearnedThreshold> GetAsync() => Task.FromResult(new LearnedThreshold(
        this.GetPrimaryKeyString(), (int)Math.Min(int.MaxValue, State.Outcomes), State.Quantile, State.Value, State.LearnedAt)
    {
        Sources = new Dictionary<string, long>(State.Sources, StringComparer.Ordinal),
    });
}

/// <summary>Users per current segment (key 0), fed once a second by each silo's <see cref="SegmentMoveBatcher"/>.</summary>
public sealed class SegmentStatsGrain(
    [PersistentState("segment-stats", StorageNames.Grains)] IPersistentState<Dictionary<string, long>> state,
    IOptions<WriteBehindOptions> writeBehind) : WriteBehindGrain<Dictionary<string, long>>(state, writeBehind), ISegmentStatsGrain
{
    public async Task RecordAsync(IReadOnlyDictionary<string, long> deltas)
    {
        foreach (var (segment, delta) in deltas)
        {
            State[segment] = Math.Max(0, State.GetValueOrDefault(segment) + delta);
        }

        await ChangedAsync();
    }

    public Task<IReadOnlyDictionary<string, long>> GetAsync() =>
        Task.FromResult<IReadOnlyDictionary<string, long>>(SegmentNames.All.ToDictionary(s => s, s => State.GetValueOrDefault(s)));
}
