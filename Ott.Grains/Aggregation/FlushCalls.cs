using Microsoft.Extensions.Logging;

namespace Ott.Grains.Aggregation;

/// <summary>
/// The grain calls of one flush, shared by every batcher: at most <see cref="AggregationOptions.MaxConcurrentCalls"/>
/// in flight at once across all of them. A call that fails is logged and its restore runs, so its data waits for the
/// next flush.
/// </summary>
public sealed partial class FlushCalls(int maxConcurrentCalls, ILogger logger) : IDisposable
{
    private readonly SemaphoreSlim _throttle = new(maxConcurrentCalls, maxConcurrentCalls);

    /// <summary>
    /// Runs <paramref name="call"/> when a slot is free. On failure runs <paramref name="restore"/> (the data goes back
    /// to the batcher's buffer) or, when it is null, drops the data. Never throws.
    /// </summary>
    public async Task RunAsync(Func<Task> call, Action? restore)
    {
        await _throttle.WaitAsync();
        try
        {
            await call();
        }
        catch (Exception ex)
        {
            if (restore is null)
            {
                LogFlushDropped(logger, ex);
            }
            else
            {
                LogFlushFailed(logger, ex);
                restore();
            }
        }
        finally
        {
            _throttle.Release();
        }
    }

    public void Dispose() => _throttle.Dispose();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Flushing aggregates to a grain failed; they are kept for the next flush")]
    private static partial void LogFlushFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Flushing a sample to a grain failed; it is dropped, the next flush sends a new one")]
    private static partial void LogFlushDropped(ILogger logger, Exception exception);
}
