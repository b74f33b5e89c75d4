using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Ott.Grains.Common;
using Ott.Grains.Hosting;
using Ott.Grains.Interfaces;

namespace Ott.Silo.Hosting;

/// <summary>
/// The one place a silo is configured, used by the standalone silo (<c>Ott.Silo</c>), the co-hosted API
/// (<c>Ott.Api</c>) and the test cluster, so every shape runs the same grains, providers and services.
/// </summary>
public static class SiloHostingExtensions
{
    /// <summary>Validates the hosting configuration and makes this host a silo of the configured profile.</summary>
    public static OttHostOptions AddOttSilo(this IHostApplicationBuilder builder)
    {
        var host = OttHostOptions.Load(builder.Configuration);
        builder.Services.AddOttGrains(builder.Configuration);
        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = host.ClusterId;
                o.ServiceId = host.ServiceId;
            });

            switch (host.Clustering)
            {
                case ClusteringProvider.Localhost:
                    silo.UseLocalhostClustering(host.SiloPort, host.GatewayPort, serviceId: host.ServiceId, clusterId: host.ClusterId);
                    silo.Configure<EndpointOptions>(o => o.AdvertisedIPAddress = IPAddress.Loopback);
                    break;
            }

            silo.AddOttProviders(host);
        });
        return host;
    }

    /// <summary>Grain storage and streams of the profile (everything but clustering, which the test host owns).</summary>
    public static ISiloBuilder AddOttProviders(this ISiloBuilder silo, OttHostOptions host)
    {
        switch (host.Storage)
        {
            case GrainStorageProvider.Memory:
                silo.AddMemoryGrainStorage(StorageNames.Grains);
                break;
        }

        silo.AddMemoryStreams(EventStreams.Provider, streams =>
        {
            streams.ConfigurePartitioning(host.Streams.Queues);
            streams.ConfigureStreamPubSub(Orleans.Streams.StreamPubSubType.ImplicitOnly);
            streams.ConfigurePullingAgent(agent => agent.Configure(o =>
            {
                o.GetQueueMsgsTimerPeriod = host.Streams.PullPeriod;
                o.BatchContainerBatchSize = host.Streams.BatchSize;
            }));

            // Delivered events are never rewound (recovery is the log's replay), so the agents' cache need not
            // hold them for the default 5-30 minutes.
            streams.ConfigureCacheEviction(eviction => eviction.Configure(o =>
            {
                o.DataMinTimeInCache = host.Streams.CacheMinTime;
                o.DataMaxAgeInCache = host.Streams.CacheMaxAge;
            }));
        });
        return silo;
    }
}
