using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using Ott.Grains.Hosting;
using Ott.Grains.Interfaces;
using Ott.Grains.Logs;
using Ott.Hosting;

namespace Ott.Tests.Cluster;

/// <summary>One two-silo in-process cluster for every test in this namespace (in-memory transport, no ports).</summary>
[SetUpFixture]
public sealed class ClusterFixture
{
    public static InProcessTestCluster Cluster { get; private set; } = null!;

    /// <summary>Settings every test silo runs with: write-behind budget large enough that only deactivation writes.</summary>
    public static readonly Dictionary<string, string?> Settings = new()
    {
        ["Ott:WriteBehind:MaxUnsavedChanges"] = "1000",
        ["Ott:WriteBehind:MaxUnsavedAge"] = "00:10:00",
        ["Ott:Aggregation:FlushInterval"] = "00:00:00.200",
        ["Ott:Replay:Interval"] = "00:10:00",
        ["Ott:Detection:MinSamples"] = "1000000",
        ["Ott:Network:CacheRefresh"] = "00:00:00.200",
    };

    [OneTimeSetUp]
    public async Task StartAsync() => Cluster = await StartClusterAsync(Settings);

    /// <summary>Starts a two-silo cluster with the product's providers and the given settings.</summary>
    public static async Task<InProcessTestCluster> StartClusterAsync(IReadOnlyDictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var builder = new InProcessTestClusterBuilder(2);

        // One link log and one person log for both silos, as one database serves every silo of the SQL profiles: the
        // network and PIPL grains find their records on whichever silo they activate again.
        var links = new InMemoryNetworkLinkLog();
        var persons = new InMemoryPiplPersonLog();
        builder.ConfigureSilo((_, silo) =>
        {
            silo.Services.AddSingleton<INetworkLinkLog>(links);
            silo.Services.AddSingleton<IPiplPersonLog>(persons);
            silo.Services.AddOttGrains(configuration);
            var host = new OttHostOptions { Storage = GrainStorageProvider.Memory };
            silo.AddOttGrainStorage(host);
            silo.AddOttProviders(host);
        });
        builder.ConfigureClient(client => client.AddMemoryStreams(EventStreams.Provider));
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }

    [OneTimeTearDown]
    public async Task StopAsync() => await Cluster.DisposeAsync();
}
