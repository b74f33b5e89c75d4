using Microsoft.Extensions.Diagnostics.HealthChecks;
using Ott.Hosting;
using Ott.Tests.Api;

namespace Ott.Tests.Integration;

public class RedisHealthCheckTests
{
    [Test]
    public async Task RealRedis_IsHealthy()
    {
        using var check = new RedisHealthCheck(ExternalServices.Redis);

        var result = await check.CheckHealthAsync(new HealthCheckContext());

        Assert.That(result.Status, Is.EqualTo(HealthStatus.Healthy), result.Description);
    }

    [Test]
    public async Task NothingListening_IsUnhealthy_WithinTheLimit()
    {
        using var check = new RedisHealthCheck($"127.0.0.1:{ApiFactory.FreePort()}");
        var started = TimeProvider.System.GetTimestamp();

        var result = await check.CheckHealthAsync(new HealthCheckContext());

        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(HealthStatus.Unhealthy));
            Assert.That(TimeProvider.System.GetElapsedTime(started), Is.LessThan(TimeSpan.FromSeconds(10)));
        });
    }
}
