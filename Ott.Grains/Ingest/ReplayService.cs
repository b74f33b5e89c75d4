using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Streams;
using Ott.Grains.Interfaces;
using Ott.Grains.Logs;

namespace Ott.Grains.Ingest;

/// <summary>
/// Publishes again the events the log holds without an assessment after the grace period (a publish that failed,
/// a delivery lost with a silo). User grains drop what they already assessed, so a replay never double-counts.
/// </summary>
public sealed partial class ReplayService(
    IEventLog log,
    IServiceProvider services,
    IOptions<ReplayOptions> options,
    TimeProvider time,
    ILogger<ReplayService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.Interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await ReplayOnceAsync(stoppingToken);
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    LogReplayFailed(logger, ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>One replay pass; returns how many events were published again.</summary>
    public async Task<int> ReplayOnceAsync(CancellationToken cancellationToken = default)
    {
        var due = await log.GetUnassessedAsync(time.GetUtcNow() - options.Value.GracePeriod, options.Value.BatchSize, cancellationToken);
        if (due.Count == 0)
        {
            return 0;
        }

        var provider = services.GetRequiredKeyedService<IStreamProvider>(EventStreams.Provider);
        var failed = await EventPublisher.PublishAsync(provider, due);
        LogReplayed(logger, due.Count - failed.Count, failed.Count);
        return due.Count - failed.Count;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Replayed {Published} unassessed events ({Failed} still unpublished)")]
    private static partial void LogReplayed(ILogger logger, int published, int failed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A replay pass failed; the next pass retries")]
    private static partial void LogReplayFailed(ILogger logger, Exception exception);
}
