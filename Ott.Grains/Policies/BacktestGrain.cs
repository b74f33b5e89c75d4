using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Ott.Grains.Common;
using Ott.Grains.Compliance;
using Ott.Grains.Detection;
using Ott.Grains.Geo;
using Ott.Grains.Interfaces;
using Ott.Grains.Logs;
using Ott.Grains.Network;
using Ott.Grains.Segments;
using Ott.Grains.Users;

namespace Ott.Grains.Policies;

/// <summary>
/// One backtest (key: its id). <see cref="StartAsync"/> stores the request and returns at once; the replay runs in the
/// background on this silo, off the grain scheduler and off the live path (its own pipeline over fresh state, the
/// threshold inputs frozen at the start), at most <see cref="BacktestOptions.MaxCpuShare"/> of a core. Progress is
/// read from the running job; the finished view (with its report) is written to the grain storage, so it outlives
/// the activation. A backtest whose silo stopped mid-run reads as failed, with the reason.
/// </summary>
public sealed partial class BacktestGrain(
    [PersistentState("backtest", StorageNames.Grains)] IPersistentState<BacktestGrainState> state,
    IEventHistory history,
    ComplianceStage compliance,
    ThresholdInputsCache inputs,
    ModelCache models,
    GeoStage geo,
    NetworkCache network,
    RegionClock clock,
    IOptions<RollingWindowOptions> rolling,
    IOptions<BacktestOptions> options,
    TimeProvider time,
    ILogger<BacktestGrain> logger) : Grain, IBacktestGrain
{
    private long _replayed;
    private Task? _job;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (state.State.View is { Status: BacktestStatus.Running } running && _job is null)
        {
            // Activated again with a run on record: the silo that ran it stopped.
            state.State.View = running with
            {
                Status = BacktestStatus.Failed,
                Error = "interrupted: the silo running the backtest stopped; start it again",
                FinishedAt = time.GetUtcNow(),
            };
            return state.WriteStateAsync(cancellationToken);
        }

        return Task.CompletedTask;
    }

    public async Task<BacktestView> StartAsync(BacktestRequest request)
    {
        if (state.State.View is { } existing)
        {
            return Progress(existing);
        }

        var registry = GrainFactory.GetGrain<IPolicyRegistryGrain>(0);
        var live = await registry.GetActiveAsync() ?? throw new InvalidOperationException("No policy is active yet.");
        var candidate = await registry.GetAsync(request.Candidate) ?? throw new ArgumentException($"There is no policy version {request.Candidate}.");
        var total = await history.CountAsync(request.From, request.To, request.Users);
        var view = new BacktestView
        {
            Id = this.GetPrimaryKeyString(),
            Request = request,
            Live = live.Version,
            Status = BacktestStatus.Running,
            StartedAt = time.GetUtcNow(),
            EventsTotal = total,
        };
        state.State.View = view;
        await state.WriteStateAsync();
        await registry.AddBacktestAsync(new BacktestSummary(view.Id, request.Candidate, live.Version, request.From, request.To, view.StartedAt, request.RequestedBy));

        // Stays active while it runs (nothing calls it); the job's end is written from this grain's scheduler.
        DelayDeactivation(TimeSpan.FromDays(1));
        _job = RunAsync(view, live, candidate);
        LogStarted(logger, view.Id, request.Candidate, live.Version, total);
        return view;
    }

    public Task<BacktestView?> GetAsync() => Task.FromResult(state.State.View is { } view ? Progress(view) : null);

    private BacktestView Progress(BacktestView view) =>
        view.Status == BacktestStatus.Running ? view with { EventsReplayed = Interlocked.Read(ref _replayed) } : view;

    private async Task RunAsync(BacktestView view, PolicyVersion live, PolicyVersion candidate)
    {
        BacktestView finished;
        try
        {
            var report = await Task.Run(() => ReplayAsync(view.Request, live, candidate));
            finished = view with { Status = BacktestStatus.Completed, EventsReplayed = report.Events, Report = report, FinishedAt = time.GetUtcNow() };
            LogFinished(logger, view.Id, report.Events, report.Seconds);
        }
        catch (Exception ex)
        {
            LogFailed(logger, view.Id, ex);
            finished = view with { Status = BacktestStatus.Failed, EventsReplayed = Interlocked.Read(ref _replayed), Error = ex.Message, FinishedAt = time.GetUtcNow() };
        }

        state.State.View = finished;
        await state.WriteStateAsync();
        DelayDeactivation(TimeSpan.Zero);
    }

    /// <summary>The replay loop: streams the period, assesses each event under both policies, sleeps to keep to its CPU share.</summary>
    private async Task<BacktestReport> ReplayAsync(BacktestRequest request, PolicyVersion liveVersion, PolicyVersion candidateVersion)
    {
        var frozen = inputs.Snapshot();
        var pipeline = new UserPipeline(compliance, frozen, models, geo, network);
        var live = new Policy(liveVersion.Version, PolicyJson.Read(liveVersion.Document), clock);
        var candidate = new Policy(candidateVersion.Version, PolicyJson.Read(candidateVersion.Document), clock);
        var replay = new BacktestReplay(pipeline, rolling.Value, live, candidate, request.OutcomeSources);
        var share = options.Value.MaxCpuShare;
        var total = Stopwatch.StartNew();
        var slice = Stopwatch.StartNew();
        await foreach (var e in history.ReadAsync(request.From, request.To, request.Users))
        {
            replay.Add(in e);
            Interlocked.Increment(ref _replayed);
            if (slice.ElapsedMilliseconds >= 50 && share < 1.0)
            {
                // Busy for `slice`, so rest slice x (1 - share) / share: the backtest's share of wall time stays at `share`.
                await Task.Delay(TimeSpan.FromMilliseconds(slice.Elapsed.TotalMilliseconds * (1 - share) / share));
                slice.Restart();
            }
        }

        return replay.Finish(total.Elapsed.TotalSeconds, new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["anomaly_model"] = models.Anomaly is { } a ? $"ensemble-v{a.Version}" : "none",
            ["violation_model"] = models.Violation is { } v ? $"v{v.Version}" : "baseline",
            ["network_snapshot"] = network.Snapshot.Version.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["threshold_inputs"] = "learned thresholds and region rates as this silo held them at the start",
            ["max_cpu_share"] = share.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Backtest {Id} started: candidate v{Candidate} against live v{Live}, {Events} events")]
    private static partial void LogStarted(ILogger logger, string id, int candidate, int live, long events);

    [LoggerMessage(Level = LogLevel.Information, Message = "Backtest {Id} completed: {Events} events in {Seconds} s")]
    private static partial void LogFinished(ILogger logger, string id, long events, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Backtest {Id} failed")]
    private static partial void LogFailed(ILogger logger, string id, Exception exception);
}

/// <summary>Persisted view of one backtest.</summary>
[GenerateSerializer, Alias("ott.backtest-state")]
public sealed class BacktestGrainState
{
    [Id(0)] public BacktestView? View { get; set; }
}
