using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Ott.Grains.Interfaces;

namespace Ott.Grains.Segments;

/// <summary>What the adaptive threshold reads besides the event and the policy.</summary>
public interface IThresholdInputs
{
    /// <summary>The region's 7-day violation rate, null while unknown.</summary>
    double? RegionRate(string region);

    /// <summary>The segment's learned threshold, null while it has too few outcomes.</summary>
    double? Learned(string segment);
}

/// <summary>A copy of the threshold inputs at one moment (backtests: the same inputs from the first event to the last).</summary>
public sealed class FrozenThresholdInputs(IReadOnlyDictionary<string, double?> regionRates, IReadOnlyDictionary<string, double?> learned) : IThresholdInputs
{
    public double? RegionRate(string region) => regionRates.GetValueOrDefault(region);

    public double? Learned(string segment) => learned.GetValueOrDefault(segment);
}

/// <summary>
/// Silo-local copies of what the adaptive threshold reads besides the event: each region's 7-day violation rate
/// and each segment's learned threshold. User grains read them without a grain call; a background loop refreshes
/// them from the region and learning grains every <see cref="ThresholdOptions.CacheRefresh"/> (so no hot grain).
/// </summary>
public sealed partial class ThresholdInputsCache(IGrainFactory grains, IOptions<ThresholdOptions> options, ILogger<ThresholdInputsCache> logger)
    : BackgroundService, IThresholdInputs
{
    private readonly ConcurrentDictionary<string, double?> _regionRates = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, double?> _learned = new(StringComparer.Ordinal);

    /// <summary>The region's last known 7-day violation rate (null until known); the region is refreshed from now on.</summary>
    public double? RegionRate(string region) => _regionRates.GetOrAdd(region, (double?)null);

    /// <summary>The segment's learned threshold, or null while it has too few outcomes.</summary>
    public double? Learned(string segment) => _learned.GetValueOrDefault(segment);

    /// <summary>The current values, copied.</summary>
    public FrozenThresholdInputs Snapshot() =>
        new(new Dictionary<string, double?>(_regionRates, StringComparer.Ordinal), new Dictionary<string, double?>(_learned, StringComparer.Ordinal));

    /// <summary>Refreshes every known region and every segment now.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken = default)
    {
        foreach (var region in _regionRates.Keys)
        {
            try
            {
                _regionRates[region] = (await grains.GetGrain<IRegionGrain>(region).GetAsync())?.ViolationRate7Days;
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                LogRefreshFailed(logger, ex);
            }
        }

        foreach (var segment in SegmentNames.All)
        {
            try
            {
                _learned[segment] = (await grains.GetGrain<ISegmentLearningGrain>(segment).GetAsync()).Value;
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                LogRefreshFailed(logger, ex);
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.CacheRefresh);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await RefreshAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refreshing threshold inputs failed; the last values stay in use")]
    private static partial void LogRefreshFailed(ILogger logger, Exception exception);
}
