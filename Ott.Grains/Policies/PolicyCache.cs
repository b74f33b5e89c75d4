using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Ott.Grains.Common;
using Ott.Grains.Alerts;
using Ott.Grains.Compliance;
using Ott.Grains.Interfaces;
using Ott.Grains.Scoring;
using Ott.Grains.Segments;

namespace Ott.Grains.Policies;

/// <summary>
/// This silo's live policy. The first event to need it loads the active version from the registry (seeding version 1
/// from the configuration when the registry is empty), so nothing is judged under a policy the cluster did not
/// activate; then a background loop asks the registry for the active version every <see cref="PolicyOptions.Refresh"/>
/// and swaps in a new one when it changed. User grains read it without a grain call.
/// </summary>
public sealed partial class PolicyCache(
    IGrainFactory grains,
    IOptions<ScoringOptions> scoring,
    IOptions<ThresholdOptions> threshold,
    IOptions<SegmentOptions> segments,
    IOptions<AlertOptions> alerts,
    IOptions<PolicyOptions> options,
    RegulationPack pack,
    RegionClock clock,
    ILogger<PolicyCache> logger) : BackgroundService
{
    private readonly Lock _gate = new();
    private volatile Policy? _loaded;
    private volatile Policy? _shadow;
    private Task<Policy>? _loading;

    /// <summary>The shadow policy when one runs (docs/policies.md, "Shadow"); null otherwise.</summary>
    public Policy? Shadow => _loaded is null ? null : _shadow;

    /// <summary>The policy the configuration describes: version 1 of an empty registry.</summary>
    public PolicyDocument Configured() => FromConfiguration(scoring.Value, threshold.Value, segments.Value, alerts.Value, pack);

    /// <summary>The live policy once loaded; before that, the configuration's (version 0, for reads that cannot wait).</summary>
    public Policy Current => _loaded ?? (_fallback ??= new Policy(0, Configured(), clock));

    private Policy? _fallback;

    /// <summary>The live policy; loads it on first use.</summary>
    public ValueTask<Policy> GetAsync() => _loaded is { } policy ? ValueTask.FromResult(policy) : new ValueTask<Policy>(LoadAsync());

    /// <summary>Checks the registry now; returns the policy in use afterwards.</summary>
    public async Task<Policy> RefreshAsync()
    {
        if (_loaded is not { } current)
        {
            return await LoadAsync();
        }

        var registry = grains.GetGrain<IPolicyRegistryGrain>(0);
        var pointer = await registry.GetPointerAsync();
        if (pointer.Active != current.Version && await registry.GetActiveAsync() is { } active)
        {
            Use(active);
        }

        await FollowShadowAsync(registry, pointer);
        return _loaded!;
    }

    private async Task FollowShadowAsync(IPolicyRegistryGrain registry, PolicyPointer pointer)
    {
        if (pointer.Shadow == _shadow?.Version)
        {
            return;
        }

        var shadow = pointer.Shadow is { } version && await registry.GetAsync(version) is { } stored
            ? new Policy(stored.Version, PolicyJson.Read(stored.Document), clock)
            : null;
        _shadow = shadow;
        LogShadow(logger, shadow?.Version);
    }

    /// <summary>
    /// The version 1 a configuration describes: its scoring, threshold, segment and alert settings, the loaded
    /// regulation pack, no decision rules.
    /// </summary>
    public static PolicyDocument FromConfiguration(ScoringOptions scoring, ThresholdOptions threshold, SegmentOptions segments,
        AlertOptions alerts, RegulationPack pack) => new()
    {
        Description = "seeded from the configuration (Ott:Scoring, Ott:Threshold, Ott:Segments, Ott:Alerts)",
        RegulationPack = pack.Version,
        Scoring = scoring,
        Threshold = threshold,
        Segments = segments,
        Alerts = new AlertRules { DedupeWindow = alerts.DedupeWindow },
    };

    private Task<Policy> LoadAsync()
    {
        lock (_gate)
        {
            if (_loading is null || _loading.IsFaulted || _loading.IsCanceled)
            {
                // Off any grain's scheduler: the load is shared by every grain that waits for it.
                _loading = Task.Run(async () =>
                {
                    var registry = grains.GetGrain<IPolicyRegistryGrain>(0);
                    var active = await registry.SeedAsync(PolicyJson.Write(Configured()));
                    await FollowShadowAsync(registry, await registry.GetPointerAsync());
                    return Use(active);
                });
            }

            return _loading;
        }
    }

    private Policy Use(PolicyVersion version)
    {
        var policy = new Policy(version.Version, PolicyJson.Read(version.Document), clock);
        var previous = _loaded;
        _loaded = policy;
        LogLoaded(logger, policy.Version, previous?.Version);
        return policy;
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        RefreshLoop.RunAsync(options.Value.Refresh, RefreshAsync, ex => LogRefreshFailed(logger, ex), stoppingToken);

    [LoggerMessage(Level = LogLevel.Information, Message = "Judging with policy version {Version} (was {Previous})")]
    private static partial void LogLoaded(ILogger logger, int version, int? previous);

    [LoggerMessage(Level = LogLevel.Information, Message = "Shadow policy: version {Version} (none when empty)")]
    private static partial void LogShadow(ILogger logger, int? version);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Checking the active policy failed; the loaded version stays in use")]
    private static partial void LogRefreshFailed(ILogger logger, Exception exception);
}
