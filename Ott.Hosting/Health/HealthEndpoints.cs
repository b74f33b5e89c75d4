using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Ott.Hosting;

/// <summary>The probes every process serves (API and standalone silo): liveness, readiness = cluster + storage (+ Redis), and /metrics.</summary>
public static class HealthEndpoints
{
    /// <summary>Adds the cluster check, and the Redis check with Redis clustering (the storage check comes with the SQL storage).</summary>
    public static IServiceCollection AddOttHealthChecks(this IServiceCollection services, OttHostOptions host)
    {
        var checks = services.AddHealthChecks().AddCheck<ClusterHealthCheck>("cluster", tags: [StorageHostingExtensions.ReadyTag]);
        if (host.Clustering == ClusteringProvider.Redis)
        {
            services.AddSingleton(new RedisHealthCheck(host.RedisConnection!));
            checks.AddCheck<RedisHealthCheck>("redis", tags: [StorageHostingExtensions.ReadyTag]);
        }

        return services;
    }

    public static IEndpointRouteBuilder MapOttHealth(this IEndpointRouteBuilder endpoints)
    {
        // Prometheus text format: prometheus-net's own process metrics plus every .NET meter (Ott.Pipeline, Ott.Api,
        // Microsoft.Orleans, ASP.NET Core), converted to Prometheus names by its meter adapter.
        Prometheus.MetricServerMiddlewareExtensions.MapMetrics(endpoints);
        endpoints.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        endpoints.MapHealthChecks("/health/ready", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(StorageHostingExtensions.ReadyTag),
            ResponseWriter = WriteAsync,
        });
        return endpoints;
    }

    /// <summary>The status word plus each check's state, so an operator sees which dependency is down.</summary>
    private static Task WriteAsync(Microsoft.AspNetCore.Http.HttpContext context, Microsoft.Extensions.Diagnostics.HealthChecks.HealthReport report)
    {
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(System.Text.Json.JsonSerializer.Serialize(new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), description = e.Value.Description }),
        }));
    }
}
