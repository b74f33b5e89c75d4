using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Ott.Grains.Detection;
using Ott.Tests.Support;

namespace Ott.Tests.Api;

/// <summary>Models on a host of their own (the shared hosts never train, so their scores stay exact).</summary>
public class DetectionApiTests
{
    private ApiFactory _factory = null!;
    private HttpClient _admin = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _factory = new ApiFactory(new Dictionary<string, string?>
        {
            ["Ott:Detection:MinSamples"] = "256",
            ["Ott:Detection:CacheRefresh"] = "00:00:00.200",
        });
        _admin = await _factory.ClientForAsync("admin");
    }

    [OneTimeTearDown]
    public async Task StopAsync() => await _factory.DisposeAsync();

    private async Task<JsonElement> SimulateAsync(object request)
    {
        var response = await _admin.PostAsJsonAsync("/api/v1/simulations", request);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        var report = await response.JsonAsync();
        Interlocked.Add(ref _simulatedEvents, report.GetProperty("events").GetInt32());
        return report;
    }

    private long _simulatedEvents;

    private async Task<JsonElement> RetrainAsync()
    {
        // Feature vectors reach the model grain through the silo aggregators, shortly after the assessments: a retrain
        // right after a drain would train on part of the run. Wait until the model has seen every simulated event.
        var expected = Interlocked.Read(ref _simulatedEvents);
        await Eventually.WaitAsync(async () => await (await _admin.GetAsync("/api/v1/models")).JsonAsync(),
            m => m.TryGetProperty("samples_seen", out var seen) && seen.GetInt64() >= expected, $"the model grain to see {expected} samples");
        var info = await (await _admin.PostAsync("/api/v1/models/retrain", null)).JsonAsync();
        var version = info.GetProperty("anomaly_version").GetInt32();
        var cache = _factory.Services.GetRequiredService<ModelCache>();
        await Eventually.WaitAsync(() => Task.FromResult(cache.Anomaly?.Version), v => v == version, $"the silo to load model v{version}");
        return info;
    }

    [Test]
    public async Task BeforeAnyModel_TheAnomalyStageSaysNone_AndTheReportIsNotMeasured()
    {
        await using var factory = new ApiFactory();
        var admin = await factory.ClientForAsync("admin");
        var json = TestEvents.Json();
        await admin.PostEventAsync(json);
        await admin.DrainAsync();

        var assessment = await (await admin.GetAsync($"/api/v1/events/{json["event_id"]}/assessment")).JsonAsync();
        var report = await admin.GetAsync("/api/v1/analytics/ml-performance");
        var models = await (await admin.GetAsync("/api/v1/models")).JsonAsync();

        Assert.Multiple(() =>
        {
            Assert.That(assessment.GetProperty("anomaly").GetRawText(), Is.EqualTo("{\"model\":\"none\",\"top_features\":[]}"));
            Assert.That(report.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That(models.TryGetProperty("anomaly_version", out _), Is.False);
        });
    }

    [Test]
    public async Task SimulatedAttacker_IsExplainedByTheModel_AndQualityIsMeasuredOnHeldOutData()
    {
        var first = await SimulateAsync(new { scenario = "mixed", users = 200, seed = 1, days = 2, teach = true });
        var info = await RetrainAsync();
        var version = info.GetProperty("anomaly_version").GetInt32();
        var report1 = await (await _admin.GetAsync("/api/v1/analytics/ml-performance")).JsonAsync();

        var attack = await SimulateAsync(new { scenario = "credential_stuffing", users = 4, seed = 2, days = 1, teach = true });
        var prefix = attack.GetProperty("id_prefix").GetString()!;
        var latest = await (await _admin.GetAsync("/results/latest?limit=500")).JsonAsync();
        var anomalous = new List<JsonElement>();
        foreach (var item in latest.EnumerateArray().Where(i => i.GetProperty("event").GetProperty("event_id").GetString()!.StartsWith(prefix, StringComparison.Ordinal)))
        {
            var a = await (await _admin.GetAsync($"/api/v1/events/{item.GetProperty("event").GetProperty("event_id").GetString()}/assessment")).JsonAsync();
            if (a.GetProperty("anomaly").GetProperty("is_anomaly").GetBoolean())
            {
                anomalous.Add(a);
            }
        }

        await SimulateAsync(new { scenario = "mixed", users = 150, seed = 3, days = 2, attack_share = 0.3, teach = true });
        await RetrainAsync();
        var report2 = await (await _admin.GetAsync("/api/v1/analytics/ml-performance")).JsonAsync();

        var quality1 = report1.GetProperty("quality");
        var detectors = quality1.GetProperty("detectors").EnumerateArray().ToDictionary(d => d.GetProperty("detector").GetString()!);
        await TestContext.Out.WriteLineAsync($"held-out ROC AUC: anomaly_ensemble {detectors["anomaly_ensemble"].GetProperty("roc_auc")}, " +
            $"violation_model {detectors["violation_model"].GetProperty("roc_auc")}");
        Assert.Multiple(() =>
        {
            Assert.That(first.GetProperty("labels_recorded").GetInt32(), Is.EqualTo(first.GetProperty("events").GetInt32()));
            Assert.That(version, Is.GreaterThanOrEqualTo(1));
            Assert.That(anomalous, Is.Not.Empty, "a credential-stuffing user is flagged");
            var example = anomalous[0];
            Assert.That(example.GetProperty("anomaly").GetProperty("model_version").GetInt32(), Is.EqualTo(version));
            Assert.That(example.GetProperty("anomaly").GetProperty("model").GetString(), Is.EqualTo($"ensemble-v{version}"));
            Assert.That(example.GetProperty("anomaly").GetProperty("top_features").GetArrayLength(), Is.EqualTo(3));
            Assert.That(example.GetProperty("factors").EnumerateArray().Select(f => f.GetProperty("code").GetString()), Does.Contain("ml_anomaly"));

            Assert.That(detectors.Keys, Is.EquivalentTo(new[] { "violation_model", "violation_baseline", "anomaly_ensemble" }));
            // The simulated period is anchored at the time of the run, so the data (hours of day among the features) and
            // with it the model differ between runs: 0.77-0.99 over 23 runs (training no longer depends on arrival order,
            // ModelLifecycleTests). The bound here is "clearly better than chance"; the >= 0.90 target is asserted on
            // fixed simulator data in AnomalyEnsembleTests (docs/performance.md).
            Assert.That(detectors["anomaly_ensemble"].GetProperty("roc_auc").GetDouble(), Is.GreaterThan(0.7));
            Assert.That(detectors["violation_model"].GetProperty("test_samples").GetInt32(), Is.EqualTo(quality1.GetProperty("test_samples").GetInt32()));
            Assert.That(quality1.GetProperty("train_samples").GetInt32() + quality1.GetProperty("test_samples").GetInt32(),
                Is.EqualTo(report1.GetProperty("labelled_examples").GetInt32()));
            Assert.That(report2.GetProperty("quality").GetProperty("test_samples").GetInt32(), Is.GreaterThan(quality1.GetProperty("test_samples").GetInt32()),
                "more labelled data, a new measurement");
            Assert.That(report2.GetProperty("quality").GetProperty("measured_at").GetString(), Is.Not.EqualTo(quality1.GetProperty("measured_at").GetString()));
        });
        TestContext.Out.WriteLine(report1.GetRawText());
        TestContext.Out.WriteLine(report2.GetRawText());
    }

    [Test]
    public async Task Simulation_RejectsBadRequests() =>
        Assert.That((await _admin.PostAsJsonAsync("/api/v1/simulations", new { scenario = "alien_invasion", users = 0 })).StatusCode,
            Is.EqualTo(HttpStatusCode.UnprocessableEntity));
}
