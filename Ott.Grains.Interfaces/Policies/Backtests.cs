namespace Ott.Grains.Interfaces;

/// <summary>What to replay: the candidate version, the period (event time, [from, to)), optional users, which outcomes count.</summary>
[GenerateSerializer, Immutable, Alias("ott.backtest-request")]
public sealed record BacktestRequest(
    [property: Id(0)] int Candidate,
    [property: Id(1)] DateTimeOffset From,
    [property: Id(2)] DateTimeOffset To,
    [property: Id(3)] IReadOnlyList<string>? Users,
    [property: Id(4)] IReadOnlyList<string> OutcomeSources,
    [property: Id(5)] string RequestedBy);

public enum BacktestStatus : byte
{
    Running = 1,
    Completed,
    Failed,
}

/// <summary>A backtest as the API shows it: the request, where it stands, and its report once completed.</summary>
[GenerateSerializer, Immutable, Alias("ott.backtest-view")]
public sealed record BacktestView
{
    [Id(0)] public required string Id { get; init; }
    [Id(1)] public required BacktestRequest Request { get; init; }

    /// <summary>The version live when the backtest started, which the candidate is compared with.</summary>
    [Id(2)] public required int Live { get; init; }
    [Id(3)] public required BacktestStatus Status { get; init; }
    [Id(4)] public required DateTimeOffset StartedAt { get; init; }
    [Id(5)] public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>Events the period holds (counted at the start).</summary>
    [Id(6)] public long EventsTotal { get; init; }
    [Id(7)] public long EventsReplayed { get; init; }
    [Id(8)] public string? Error { get; init; }
    [Id(9)] public BacktestReport? Report { get; init; }
}

/// <summary>Alerts one policy raised that the other did not, by severity, segment and region.</summary>
[GenerateSerializer, Immutable, Alias("ott.alert-delta")]
public sealed record AlertDelta(
    [property: Id(0)] long Total,
    [property: Id(1)] IReadOnlyDictionary<string, long> BySeverity,
    [property: Id(2)] IReadOnlyDictionary<string, long> BySegment,
    [property: Id(3)] IReadOnlyDictionary<string, long> ByRegion);

/// <summary>New alerts under each policy, and the differences.</summary>
[GenerateSerializer, Immutable, Alias("ott.alert-comparison")]
public sealed record AlertComparison(
    [property: Id(0)] long Live,
    [property: Id(1)] long Candidate,
    [property: Id(2)] AlertDelta Added,
    [property: Id(3)] AlertDelta Removed);

/// <summary>One factor's total points under each policy.</summary>
[GenerateSerializer, Immutable, Alias("ott.factor-points")]
public sealed record FactorPoints(
    [property: Id(0)] string Code,
    [property: Id(1)] double Live,
    [property: Id(2)] double Candidate,
    [property: Id(3)] double Delta,
    [property: Id(4)] long LiveEvents,
    [property: Id(5)] long CandidateEvents);

/// <summary>A user whose outcome changed, with the event that changed most under both policies.</summary>
[GenerateSerializer, Immutable, Alias("ott.changed-user")]
public sealed record ChangedUser(
    [property: Id(0)] string UserId,
    [property: Id(1)] long Events,
    [property: Id(2)] long ActionChanges,
    [property: Id(3)] long LevelChanges,
    [property: Id(4)] double ScoreDelta,
    [property: Id(5)] Assessment Live,
    [property: Id(6)] Assessment Candidate);

/// <summary>How a policy's alerts compare with recorded outcomes (alerted = raised or repeated an alert).</summary>
[GenerateSerializer, Immutable, Alias("ott.alert-quality")]
public sealed record AlertQuality(
    [property: Id(0)] long TruePositives,
    [property: Id(1)] long FalsePositives,
    [property: Id(2)] long FalseNegatives,
    [property: Id(3)] long TrueNegatives,
    [property: Id(4)] double? Precision,
    [property: Id(5)] double? Recall,
    [property: Id(6)] double? F1);

/// <summary>The replayed events that had an outcome of the requested sources, and each policy's quality on them.</summary>
[GenerateSerializer, Immutable, Alias("ott.outcome-comparison")]
public sealed record OutcomeComparison(
    [property: Id(0)] IReadOnlyList<string> Sources,
    [property: Id(1)] long Labelled,
    [property: Id(2)] IReadOnlyDictionary<string, long> BySource,
    [property: Id(3)] AlertQuality Live,
    [property: Id(4)] AlertQuality Candidate);

/// <summary>What replaying a period under the live and the candidate policy showed (docs/policies.md, "Backtest").</summary>
[GenerateSerializer, Immutable, Alias("ott.backtest-report")]
public sealed record BacktestReport
{
    [Id(0)] public required long Events { get; init; }
    [Id(1)] public required long Users { get; init; }
    [Id(2)] public required double Seconds { get; init; }

    /// <summary>Events replayed per second (each under both policies) on the share of a core the backtest may take.</summary>
    [Id(3)] public required double EventsPerSecond { get; init; }

    /// <summary>Level transitions: live level -> candidate level -> events.</summary>
    [Id(4)] public required IReadOnlyDictionary<string, IReadOnlyDictionary<string, long>> Levels { get; init; }

    /// <summary>Action transitions: live action -> candidate action -> events.</summary>
    [Id(5)] public required IReadOnlyDictionary<string, IReadOnlyDictionary<string, long>> Actions { get; init; }
    [Id(6)] public required AlertComparison Alerts { get; init; }
    [Id(7)] public required IReadOnlyList<FactorPoints> Factors { get; init; }
    [Id(8)] public required IReadOnlyList<ChangedUser> ChangedUsers { get; init; }
    [Id(9)] public required OutcomeComparison Outcomes { get; init; }

    /// <summary>What the replay used besides the two policies (models, learned thresholds): they are the silo's at the start.</summary>
    [Id(10)] public required IReadOnlyDictionary<string, string> Inputs { get; init; }
}

/// <summary>A backtest in the registry's list (newest first; the view itself is the backtest grain's).</summary>
[GenerateSerializer, Immutable, Alias("ott.backtest-summary")]
public sealed record BacktestSummary(
    [property: Id(0)] string Id,
    [property: Id(1)] int Candidate,
    [property: Id(2)] int Live,
    [property: Id(3)] DateTimeOffset From,
    [property: Id(4)] DateTimeOffset To,
    [property: Id(5)] DateTimeOffset StartedAt,
    [property: Id(6)] string RequestedBy);

/// <summary>One backtest (key: its id). Runs off the live path on the silo it activates on; progress is readable while it runs.</summary>
[Alias("ott.backtest")]
public interface IBacktestGrain : IGrainWithStringKey
{
    /// <summary>Starts the backtest once (a second call with the same id answers the first's view).</summary>
    [Alias("start")]
    Task<BacktestView> StartAsync(BacktestRequest request);

    /// <summary>Null when no backtest has this id.</summary>
    [Alias("get")]
    Task<BacktestView?> GetAsync();
}
