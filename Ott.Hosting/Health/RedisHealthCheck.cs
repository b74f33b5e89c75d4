using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace Ott.Hosting;

/// <summary>
/// Ready only while the membership store (Redis) answers a PING: a silo that cannot see membership changes
/// should not take new traffic. The connection is made on first use and kept (it reconnects by itself).
/// </summary>
public sealed class RedisHealthCheck(string connection) : IHealthCheck, IDisposable
{
    private readonly SemaphoreSlim _connecting = new(1, 1);
    private ConnectionMultiplexer? _redis;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var redis = await ConnectAsync();
            var latency = await redis.GetDatabase().PingAsync().WaitAsync(TimeSpan.FromSeconds(3), cancellationToken);
            return HealthCheckResult.Healthy($"Redis answers ({latency.TotalMilliseconds:0.0} ms)");
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException)
        {
            return HealthCheckResult.Unhealthy("Redis does not answer", ex);
        }
    }

    public void Dispose()
    {
        _redis?.Dispose();
        _connecting.Dispose();
    }

    private async Task<ConnectionMultiplexer> ConnectAsync()
    {
        if (_redis is { } ready)
        {
            return ready;
        }

        await _connecting.WaitAsync();
        try
        {
            if (_redis is null)
            {
                var options = ConfigurationOptions.Parse(connection);
                options.AbortOnConnectFail = false;
                options.ConnectTimeout = 2_000;
                options.SyncTimeout = 2_000;
                _redis = await ConnectionMultiplexer.ConnectAsync(options);
            }

            return _redis;
        }
        finally
        {
            _connecting.Release();
        }
    }
}
