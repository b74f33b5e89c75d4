namespace Ott.Grains.Common;

/// <summary>
/// The background loop of the silo-local caches (models, ring snapshot, policies): refresh every interval; a refresh
/// that fails is reported and what the cache holds stays in use until the next one.
/// </summary>
public static class RefreshLoop
{
    public static async Task RunAsync(TimeSpan interval, Func<Task> refresh, Action<Exception> failed, CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await refresh();
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    failed(ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
