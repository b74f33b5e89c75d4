using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Streams;
using Ott.Grains.Interfaces;
using Ott.Grains.Logs;

namespace Ott.Grains.Ingest;

/// <summary>
/// Publishes again the events the log holds without an assessment: every <see cref="ReplayOptions.Interval"/> those
/// older than the grace period (a publish that failed, a delivery lost in a way nobody saw), and at once when the
/// membership declares a silo dead, every event pending at that moment (what the dead silo's queues, agents and
/// grains held is among them; docs/reliability.md). User grains drop what they already assessed, so a replay never
/// double-counts; the log's claim makes each event replayed by one silo per pass.
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
        var deaths = services.GetService<IClusterMembershipService>() is { } membership
            ? WatchDeathsAsync(membership, stoppingToken)
            : Task.CompletedTask;
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

        await deaths;
    }

    /// <summary>One replay pass over the events older than the grace period; returns how many were published again.</summary>
    public async Task<int> ReplayOnceAsync(CancellationToken cancellationToken = default) =>
        (await ReplayPassAsync(time.GetUtcNow() - options.Value.GracePeriod, retryFailed: false, cancellationToken)).Published;

    /// <summary>
    /// Replays the events accepted before <paramref name="acceptedBefore"/> that are still pending, oldest first, in
    /// batches, until none is left or <see cref="ReplayOptions.MaxOnSiloDeath"/> were published; returns how many.
    /// Run when a silo dies: its share is among them.
    /// </summary>
    public async Task<int> ReplayPendingAsync(DateTimeOffset acceptedBefore, CancellationToken cancellationToken = default)
    {
        // Each pass claims what it read, so the next one reads the next batch; the bound keeps a log that does not
        // claim (the in-process one) from looping.
        var total = 0;
        for (var pass = 0; pass < MaxDeathPasses && total < options.Value.MaxOnSiloDeath; pass++)
        {
            var (due, published) = await ReplayPassAsync(acceptedBefore, retryFailed: true, cancellationToken);
            total += published;
            if (due < options.Value.BatchSize)
            {
                break;
            }
        }

        return total;
    }

    private async Task<(int Due, int Published)> ReplayPassAsync(DateTimeOffset acceptedBefore, bool retryFailed, CancellationToken cancellationToken)
    {
        var due = await log.GetUnassessedAsync(acceptedBefore, options.Value.BatchSize, cancellationToken);
        if (due.Count == 0)
        {
            return (0, 0);
        }

        var provider = services.GetRequiredKeyedService<IStreamProvider>(EventStreams.Provider);
        var failed = await EventPublisher.PublishAsync(provider, due);

        // Right after a silo's death the queues it held are being placed again; the claimed events would otherwise
        // wait for the grace period, so the death pass tries them again for a short while.
        for (var attempt = 0; retryFailed && failed.Count > 0 && attempt < DeathPassRetries; attempt++)
        {
            await Task.Delay(DeathPassRetryDelay, time, cancellationToken);
            failed = await EventPublisher.PublishAsync(provider, failed);
        }

        LogReplayed(logger, due.Count - failed.Count, failed.Count);
        return (due.Count, due.Count - failed.Count);
    }

    private const int DeathPassRetries = 10;
    private const int MaxDeathPasses = 1_000;
    private static readonly TimeSpan DeathPassRetryDelay = TimeSpan.FromMilliseconds(500);

    /// <summary>On every silo newly declared dead, replays what is pending at that moment.</summary>
    private async Task WatchDeathsAsync(IClusterMembershipService membership, CancellationToken stoppingToken)
    {
        try
        {
            // This silo's own end (a shutdown) is not a loss to recover from.
            var self = services.GetService<ILocalSiloDetails>()?.SiloAddress;
            var previous = membership.CurrentSnapshot;
            await foreach (var snapshot in membership.MembershipUpdates.WithCancellation(stoppingToken))
            {
                var died = snapshot.CreateUpdate(previous).Changes
                    .Where(m => m.Status == SiloStatus.Dead && !m.SiloAddress.Equals(self)
                                && previous.GetSiloStatus(m.SiloAddress) is not (SiloStatus.Dead or SiloStatus.None))
                    .Select(m => m.SiloAddress)
                    .ToList();
                previous = snapshot;
                if (died.Count == 0)
                {
                    continue;
                }

                var declaredAt = time.GetUtcNow();
                try
                {
                    var published = await ReplayPendingAsync(declaredAt, stoppingToken);
                    LogReplayedAfterDeath(logger, string.Join(", ", died), published);
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    // The periodic pass still replays them after the grace period.
                    LogReplayFailed(logger, ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            // The membership feed itself failed: deaths are no longer followed, the periodic replay goes on.
            LogDeathWatchFailed(logger, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Following the membership for silo deaths failed; unassessed events are replayed after the grace period only")]
    private static partial void LogDeathWatchFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Replayed {Published} unassessed events ({Failed} still unpublished)")]
    private static partial void LogReplayed(ILogger logger, int published, int failed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Silo {Silos} was declared dead; replayed the {Published} events pending at that moment")]
    private static partial void LogReplayedAfterDeath(ILogger logger, string silos, int published);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A replay pass failed; the next pass retries")]
    private static partial void LogReplayFailed(ILogger logger, Exception exception);
}
