using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Ott.Grains.Logs;

namespace Ott.Grains.Compliance;

/// <summary>
/// The retention job: every <see cref="ComplianceOptions.RetentionInterval"/> it removes events and assessments
/// older than the retention of their region's laws (the shortest one, per storage limitation) and reports what it
/// removed in the log and the <c>ott.retention.removed</c> counter (by region).
/// </summary>
public sealed partial class RetentionService(
    IAssessmentLog log,
    ComplianceEngine engine,
    IOptions<ComplianceOptions> options,
    TimeProvider time,
    IMeterFactory meters,
    ILogger<RetentionService> logger) : BackgroundService
{
    // One total (per-region counts are in the log line): a region label would appear only after its first removal.
    private readonly Metrics.LabeledCounter _removed = new(meters.Create(Common.PipelineCounters.MeterName),
        "retention.removed", "Assessments removed by the retention job");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.RetentionInterval, time);
        try
        {
            do
            {
                try
                {
                    await RunOnceAsync(stoppingToken);
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    LogFailed(logger, ex);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>One pass; returns what was removed per region.</summary>
    public async Task<IReadOnlyDictionary<string, long>> RunOnceAsync(CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var removed = await log.PurgeAsync(region => now.AddDays(-engine.RetentionDays(region)), cancellationToken);
        foreach (var (region, count) in removed)
        {
            _removed.Add(count);
            LogRemoved(logger, count, region, engine.RetentionDays(region));
        }

        return removed;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention removed {Count} assessments of region {Region} (older than {Days} days)")]
    private static partial void LogRemoved(ILogger logger, long count, string region, int days);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The retention pass failed; the next one retries")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
