namespace Ott.Grains.Interfaces;

/// <summary>
/// The assessment's <c>shadow</c> section: what the shadow policy would have decided for the same event, beside the live
/// decision (which is the one that counts). Its alert is "would raise": the shadow's alert level and severity rule,
/// without deduplication.
/// </summary>
[GenerateSerializer, Immutable, Alias("ott.shadow-verdict")]
public sealed record ShadowVerdict(
    [property: Id(0)] int PolicyVersion,
    [property: Id(1)] double RiskScore,
    [property: Id(2)] RiskLevel RiskLevel,
    [property: Id(3)] double Threshold,
    [property: Id(4)] RiskAction Action,
    [property: Id(5)] string? DecisionRule,
    [property: Id(6)] string? Segment,
    [property: Id(7)] RiskLevel? Alert);

/// <summary>The live and shadow versions the silos follow.</summary>
[GenerateSerializer, Immutable, Alias("ott.policy-pointer")]
public sealed record PolicyPointer(
    [property: Id(0)] int? Active,
    [property: Id(1)] int? Shadow,
    [property: Id(2)] DateTimeOffset? ShadowSince,
    [property: Id(3)] string? ShadowBy);

/// <summary>
/// Live against shadow, summed over assessments (one silo's deltas, or the grain's total): level and action
/// transitions, alerting assessments under each, and the differences by severity, segment and region.
/// </summary>
[GenerateSerializer, Alias("ott.shadow-tally")]
public sealed class ShadowTally
{
    [Id(0)] public long Events { get; set; }

    /// <summary>Live level x 5 + shadow level (levels are 1-4).</summary>
    [Id(1)] public long[] Levels { get; set; } = new long[25];

    /// <summary>Live action x 4 + shadow action (actions are 1-3).</summary>
    [Id(2)] public long[] Actions { get; set; } = new long[16];
    [Id(3)] public long LiveAlerting { get; set; }
    [Id(4)] public long ShadowAlerting { get; set; }

    /// <summary>Assessments the shadow would alert and the live did not, by "severity:x", "segment:x", "region:x".</summary>
    [Id(5)] public Dictionary<string, long> Added { get; set; } = new(StringComparer.Ordinal);
    [Id(6)] public Dictionary<string, long> Removed { get; set; } = new(StringComparer.Ordinal);
    [Id(7)] public long AddedTotal { get; set; }
    [Id(8)] public long RemovedTotal { get; set; }
    [Id(9)] public double LiveScore { get; set; }
    [Id(10)] public double ShadowScore { get; set; }

    /// <summary>Per factor code: points and events under the live policy and under the shadow.</summary>
    [Id(11)] public Dictionary<string, FactorTally> Factors { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Analysts' outcomes on shadow-judged events: each policy's alerts against them.</summary>
    [Id(12)] public OutcomeTally Outcomes { get; set; } = new();

    public void Merge(ShadowTally other)
    {
        Events += other.Events;
        for (var i = 0; i < Levels.Length; i++)
        {
            Levels[i] += other.Levels[i];
        }

        for (var i = 0; i < Actions.Length; i++)
        {
            Actions[i] += other.Actions[i];
        }

        (LiveAlerting, ShadowAlerting, AddedTotal, RemovedTotal) =
            (LiveAlerting + other.LiveAlerting, ShadowAlerting + other.ShadowAlerting, AddedTotal + other.AddedTotal, RemovedTotal + other.RemovedTotal);
        (LiveScore, ShadowScore) = (LiveScore + other.LiveScore, ShadowScore + other.ShadowScore);
        foreach (var (key, n) in other.Added)
        {
            Added[key] = Added.GetValueOrDefault(key) + n;
        }

        foreach (var (key, n) in other.Removed)
        {
            Removed[key] = Removed.GetValueOrDefault(key) + n;
        }

        foreach (var (code, f) in other.Factors)
        {
            var mine = Factors.TryGetValue(code, out var t) ? t : Factors[code] = new FactorTally();
            (mine.Live, mine.Shadow, mine.LiveEvents, mine.ShadowEvents) = (mine.Live + f.Live, mine.Shadow + f.Shadow, mine.LiveEvents + f.LiveEvents, mine.ShadowEvents + f.ShadowEvents);
        }

        for (var i = 0; i < Outcomes.Cells.Length; i++)
        {
            Outcomes.Cells[i] += other.Outcomes.Cells[i];
        }
    }
}

/// <summary>One factor's points and events under the live policy and the shadow.</summary>
[GenerateSerializer, Alias("ott.factor-tally")]
public sealed class FactorTally
{
    [Id(0)] public double Live { get; set; }
    [Id(1)] public double Shadow { get; set; }
    [Id(2)] public long LiveEvents { get; set; }
    [Id(3)] public long ShadowEvents { get; set; }
}

/// <summary>
/// Outcomes against alerts: cells [policy x 4 + (alerted ? 2 : 0) + (confirmed ? 1 : 0)], policy 0 = live, 1 = shadow.
/// </summary>
[GenerateSerializer, Alias("ott.outcome-tally")]
public sealed class OutcomeTally
{
    [Id(0)] public long[] Cells { get; set; } = new long[8];

    public void Add(bool liveAlerted, bool shadowAlerted, bool confirmed)
    {
        Cells[(liveAlerted ? 2 : 0) + (confirmed ? 1 : 0)]++;
        Cells[4 + (shadowAlerted ? 2 : 0) + (confirmed ? 1 : 0)]++;
    }
}

/// <summary>Live against shadow since the shadow started (docs/policies.md, "Shadow").</summary>
[GenerateSerializer, Immutable, Alias("ott.shadow-report")]
public sealed record ShadowReport
{
    [Id(0)] public required int Shadow { get; init; }
    [Id(1)] public required int Live { get; init; }
    [Id(2)] public required long Events { get; init; }
    [Id(3)] public required IReadOnlyDictionary<string, IReadOnlyDictionary<string, long>> Levels { get; init; }
    [Id(4)] public required IReadOnlyDictionary<string, IReadOnlyDictionary<string, long>> Actions { get; init; }

    /// <summary>Alerting assessments under each (live: raised or repeated; shadow: would raise) and the differences.</summary>
    [Id(5)] public required AlertComparison Alerts { get; init; }
    [Id(6)] public double? LiveMeanScore { get; init; }
    [Id(7)] public double? ShadowMeanScore { get; init; }

    /// <summary>Per factor: total points and events under each (Live, Candidate = shadow).</summary>
    [Id(8)] public IReadOnlyList<FactorPoints> Factors { get; init; } = [];

    /// <summary>Analysts' outcomes recorded on shadow-judged events, and each policy's alerts against them.</summary>
    [Id(9)] public OutcomeComparison? Outcomes { get; init; }
}

/// <summary>Totals of one (shadow, live) pair (key <c>"{shadow}:{live}"</c>), fed once per flush by each silo.</summary>
[Alias("ott.shadow-stats")]
public interface IShadowStatsGrain : IGrainWithStringKey
{
    [Alias("record")]
    Task RecordAsync(ShadowTally delta);

    /// <summary>An analyst's outcome on an event judged in shadow (the verdict arrives after the event).</summary>
    [Alias("record-outcome")]
    Task RecordOutcomeAsync(bool liveAlerted, bool shadowAlerted, bool confirmed);

    [Alias("get")]
    Task<ShadowReport> GetAsync();
}
