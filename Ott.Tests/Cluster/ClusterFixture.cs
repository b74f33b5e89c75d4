using Microsoft.Extensions.Configuration;
using Orleans.TestingHost;
using Ott.Grains.Hosting;
using Ott.Grains.Interfaces;
using Ott.Silo.Hosting;

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
    };

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(Settings).Build();
        var builder = new InProcessTestClusterBuilder(2);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.Services.AddOttGrains(configuration);
            silo.AddOttProviders(new OttHostOptions());
        });
        builder.ConfigureClient(client => client.AddMemoryStreams(EventStreams.Provider));
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    [OneTimeTearDown]
    public async Task StopAsync() => await Cluster.DisposeAsync();
}
