using Microsoft.Extensions.DependencyInjection;
using Ott.Grains.Detection;
using Ott.Grains.Interfaces;
using Ott.Tests.Support;

namespace Ott.Tests.Cluster;

/// <summary>On a cluster of its own: a trained model would change the exact scores the other cluster tests expect.</summary>
public class ModelGrainTests
{
    private Orleans.TestingHost.InProcessTestCluster _cluster = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => _cluster = await ClusterFixture.StartClusterAsync(new Dictionary<string, string?>(ClusterFixture.Settings)
    {
        ["Ott:Detection:MinSamples"] = "300",
        ["Ott:Detection:CacheRefresh"] = "00:00:00.200",
        ["Ott:Detection:RetrainAfterSamples"] = "100000000",
    });

    [OneTimeTearDown]
    public async Task StopAsync() => await _cluster.DisposeAsync();

    [Test]
    public async Task FirstModel_IsTrainedFromSamples_AndReachesEverySilo()
    {
        var model = _cluster.Client.GetGrain<IModelGrain>(0);
        var random = new Random(11);
        var before = await model.GetInfoAsync();

        // 300 samples of 14 features in three flushes: the first model needs ClusterFixture's minimum of 300.
        for (var flush = 0; flush < 3; flush++)
        {
            var values = Enumerable.Range(0, 100 * 14).Select(_ => random.NextDouble()).ToArray();
            await model.AddSamplesAsync(new FeatureSamples(14, values, 100));
        }

        var info = await model.GetInfoAsync();
        Assert.That(info.AnomalyVersion, Is.EqualTo((before.AnomalyVersion ?? 0) + 1), info.LastTrainingSkipped);

        foreach (var silo in _cluster.Silos)
        {
            var cache = _cluster.GetSiloServiceProvider(silo.SiloAddress).GetRequiredService<ModelCache>();
            await Eventually.WaitAsync(() => Task.FromResult(cache.Anomaly?.Version), v => v == info.AnomalyVersion,
                $"silo {silo.SiloAddress} to load model v{info.AnomalyVersion}");
        }

        Assert.Multiple(() =>
        {
            Assert.That(info.AnomalyTrainingSamples, Is.GreaterThanOrEqualTo(300));
            Assert.That(info.SamplesSinceTraining, Is.EqualTo(0));
            Assert.That(info.AnomalyTrainingSeconds, Is.GreaterThan(0));
        });
    }
}
