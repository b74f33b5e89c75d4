using Orleans.Dashboard;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Ott.Grains.Hosting;
using Ott.Grains.Interfaces;

namespace Ott.Silo.Hosting;

/// <summary>
/// The one place a silo is configured, used by the standalone silo (<c>Ott.Silo</c>), the co-hosted API
/// (<c>Ott.Api</c>) and the test cluster, so every shape runs the same grains, providers and services.
/// </summary>
public static class SiloHostingExtensions
{
    /// <summary>The API's choice: a co-hosted silo, or a client of standalone silos (<c>Ott:Api:Mode</c>).</summary>
    public static OttHostOptions AddOttSiloOrClient(this IHostApplicationBuilder builder) =>
        OttHostOptions.Load(builder.Configuration).ApiMode == ApiMode.Client ? builder.AddOttClient() : builder.AddOttSilo();

    /// <summary>Validates the hosting configuration and makes this host a silo of the configured profile.</summary>
    public static OttHostOptions AddOttSilo(this IHostApplicationBuilder builder)
    {
        var host = OttHostOptions.Load(builder.Configuration);
        PrometheusExport.Configure();
        builder.Services.AddOttStorage(host, builder.Environment.ContentRootPath);
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
                case ClusteringProvider.Redis:
                    silo.UseRedisClustering(host.RedisConnection!);
                    var advertised = AdvertisedAddress(host);
                    silo.ConfigureEndpoints(advertised, host.SiloPort, host.GatewayPort, listenOnAnyHostAddress: !IPAddress.IsLoopback(advertised));
                    break;
            }

            silo.Configure<ClusterMembershipOptions>(host.Membership.ApplyTo);
            silo.AddOttGrainStorage(host);
            silo.AddOttProviders(host);
            silo.AddOutgoingGrainCallFilter<SiloUnavailableRetryFilter>();
            if (host.DashboardEnabled)
            {
                silo.AddDashboard(o => o.HideTrace = host.Profile == HostProfile.Production);
            }
        });
        return host;
    }

    /// <summary>
    /// Makes this host an Orleans client of the configured cluster (the API in <see cref="ApiMode.Client"/>): the
    /// same stores (it reads the log and alerts the silos write) and the options the endpoints read, no grains.
    /// </summary>
    public static OttHostOptions AddOttClient(this IHostApplicationBuilder builder)
    {
        var host = OttHostOptions.Load(builder.Configuration);
        PrometheusExport.Configure();
        builder.Services.AddOttStorage(host, builder.Environment.ContentRootPath);
        builder.Services.AddOttClientServices(builder.Configuration);
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = host.ClusterId;
                o.ServiceId = host.ServiceId;
            });

            switch (host.Clustering)
            {
                case ClusteringProvider.Localhost:
                    client.UseLocalhostClustering(host.GatewayPort, host.ServiceId, host.ClusterId);
                    break;
                case ClusteringProvider.Redis:
                    client.UseRedisClustering(host.RedisConnection!);
                    break;
            }

            client.AddOutgoingGrainCallFilter<SiloUnavailableRetryFilter>();
            if (host.DashboardEnabled)
            {
                client.AddDashboard(o => o.HideTrace = host.Profile == HostProfile.Production);
            }
        });
        return host;
    }

    /// <summary>The configured address, else loopback (Localhost clustering) or the first up non-loopback IPv4 address.</summary>
    public static IPAddress AdvertisedAddress(OttHostOptions host)
    {
        if (host.AdvertisedIp is { Length: > 0 } configured)
        {
            return IPAddress.Parse(configured);
        }

        return System.Net.NetworkInformation.NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == System.Net.NetworkInformation.OperationalStatus.Up)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .FirstOrDefault(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && !IPAddress.IsLoopback(a))
            ?? IPAddress.Loopback;
    }

    /// <summary>Grain storage and streams of the profile (everything but clustering, which the test host owns).</summary>
    public static ISiloBuilder AddOttProviders(this ISiloBuilder silo, OttHostOptions host)
    {
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
