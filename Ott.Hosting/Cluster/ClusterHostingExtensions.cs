using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Dashboard;
using Ott.Grains.Hosting;
using Ott.Grains.Interfaces;
using Ott.Hosting.Alerts;

namespace Ott.Hosting;

/// <summary>
/// The one place a process joins the cluster, in the shape of a service-defaults library: the standalone silo
/// (<c>Ott.Silo</c>), the API's co-hosted silo or cluster client (<c>Ott.Api</c>) and the test cluster all call these,
/// so every shape runs the same grains, providers, stores, health checks and metrics export.
/// </summary>
public static class HostingExtensions
{
    /// <summary>
    /// The hosting configuration, bound and validated once per builder (the first call; later calls return the same
    /// instance) and registered in DI as <see cref="OttHostOptions"/> and <see cref="IOptions{OttHostOptions}"/>.
    /// </summary>
    public static OttHostOptions OttHost(this IHostApplicationBuilder builder)
    {
        if (builder.Properties.TryGetValue(typeof(OttHostOptions), out var loaded))
        {
            return (OttHostOptions)loaded;
        }

        var host = OttHostOptions.Load(builder.Configuration);
        builder.Properties[typeof(OttHostOptions)] = host;
        builder.Services.AddSingleton(host);
        builder.Services.AddSingleton(Options.Create(host));
        return host;
    }

    /// <summary>The API's choice (<c>Ott:Api:Mode</c>): a co-hosted silo, or a client of standalone silos.</summary>
    public static OttHostOptions AddOttSiloOrClient(this IHostApplicationBuilder builder) =>
        builder.OttHost().Api.Mode == ApiMode.Client ? builder.AddOttClient() : builder.AddOttSilo();

    /// <summary>Makes this host a silo of the configured profile, with its stores, health checks and metrics export.</summary>
    public static OttHostOptions AddOttSilo(this IHostApplicationBuilder builder)
    {
        var host = builder.AddOttProcess();
        builder.Services.AddOttGrains(builder.Configuration);
        builder.Services.AddSingleton(sp => new GatewayFailover(sp.GetRequiredService<ILogger<GatewayFailover>>(), watching: false));
        builder.UseOrleans(silo =>
        {
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
        var host = builder.AddOttProcess();
        builder.Services.AddOttClientServices(builder.Configuration);
        builder.Services.AddSingleton(sp => new GatewayFailover(sp.GetRequiredService<ILogger<GatewayFailover>>(), watching: true));
        builder.Services.AddSingleton<IClusterConnectionStatusObserver>(sp => sp.GetRequiredService<GatewayFailover>());
        builder.UseOrleansClient(client =>
        {
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

    /// <summary>What every process of the product has, silo or client: cluster identity, stores, health checks, metrics export, alert channels.</summary>
    private static OttHostOptions AddOttProcess(this IHostApplicationBuilder builder)
    {
        var host = builder.OttHost();
        PrometheusExport.Configure();
        builder.Services.AddSingleton<Ott.Grains.Metrics.ILatencyRecorder, PrometheusLatencyRecorder>();
        builder.Services.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = host.ClusterId;
            o.ServiceId = host.ServiceId;
        });
        builder.Services.AddOttStorage(host, builder.Environment.ContentRootPath);
        builder.Services.AddOttHealthChecks(host);
        builder.Services.AddOttAlertChannels();
        return host;
    }
}
