using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Ott.Grains.Aggregation;

/// <summary>
/// Flushes every <see cref="IAggregateBatcher"/> of the silo each <see cref="AggregationOptions.FlushInterval"/>,
/// with <see cref="AggregationOptions.MaxConcurrentCalls"/> grain calls in flight at most across all of them, and
/// once more at shutdown so a graceful stop loses nothing observed. One flush at a time.
/// </summary>
public sealed partial class AggregateFlusher(
    IEnumerable<IAggregateBatcher> batchers,
    IOptions<AggregationOptions> options,
    TimeProvider time,
    ILogger<AggregateFlusher> logger) : BackgroundService
{
    private readonly IAggregateBatcher[] _batchers = [.. batchers];
    private readonly SemaphoreSlim _flushing = new(1, 1);

    /// <summary>Sends everything every batcher gathered so far to the grains now (the drain endpoint, tests).</summary>
    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        await _flushing.WaitAsync(cancellationToken);
        try
        {
            using var calls = new FlushCalls(options.Value.MaxConcurrentCalls, logger);
            var flushes = new Task[_batchers.Length];
            for (var i = 0; i < _batchers.Length; i++)
            {
                flushes[i] = _batchers[i].FlushAsync(calls, cancellationToken);
            }

            await Task.WhenAll(flushes);
        }
        finally
        {
            _flushing.Release();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.FlushInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await FlushAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            // Last flush so a graceful shutdown loses nothing that was observed.
            await FlushAsync(cancellationToken);
        }
        catch (Exception ex)
        {
            LogFinalFlushFailed(logger, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The final flush of aggregates at shutdown failed")]
    private static partial void LogFinalFlushFailed(ILogger logger, Exception exception);
}
