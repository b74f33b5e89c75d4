using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Ott.Hosting;
using Ott.Tests.Integration;
using Ott.Tests.Support;

namespace Ott.Tests.Api;

/// <summary>/metrics: public, Prometheus text that promtool accepts, moving with the pipeline; the Grafana dashboard in
/// deploy/ queries only names the application really exports.</summary>
public partial class MetricsTests
{
    private static HttpClient Client => ApiFixture.Client;

    private static async Task<string> ScrapeAsync()
    {
        using var anonymous = ApiFixture.Factory.CreateClient();
        var response = await anonymous.GetAsync("/metrics");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), "/metrics is public");
        return await response.Content.ReadAsStringAsync();
    }

    private static double Sum(string text, string name, string? labelFilter = null) => PrometheusText.Sum(text, name, labelFilter);

    [Test]
    public async Task Metrics_MoveWithThePipeline()
    {
        await Client.DrainAsync();
        var before = await ScrapeAsync();
        var events = Enumerable.Range(0, 5).Select(_ => TestEvents.Json(e =>
        {
            e["region"] = "DE";
            e["is_eu"] = true;
            e["has_consent"] = false;
            e["purpose"] = "advertising";
        })).ToArray();
        await Client.PostBatchAsync(events);
        await Client.PostEventAsync(TestEvents.Json(e => e["event_id"] = "bad id with spaces"));
        await Client.DrainAsync();

        var after = await Eventually.WaitAsync(ScrapeAsync,
            text => Sum(text, "ott_pipeline_events_assessed") - Sum(before, "ott_pipeline_events_assessed") >= 5, "5 more assessments counted");

        Assert.Multiple(() =>
        {
            Assert.That(Sum(after, "ott_pipeline_events_received", "outcome=\"accepted\"") - Sum(before, "ott_pipeline_events_received", "outcome=\"accepted\""),
                Is.GreaterThanOrEqualTo(5));
            Assert.That(Sum(after, "ott_pipeline_compliance_violations", "regulation=\"GDPR\"") - Sum(before, "ott_pipeline_compliance_violations", "regulation=\"GDPR\""),
                Is.GreaterThanOrEqualTo(5));
            Assert.That(Sum(after, "ott_api_input_rejected") - Sum(before, "ott_api_input_rejected"), Is.GreaterThanOrEqualTo(1));
            Assert.That(after, Does.Contain("ott_pipeline_events_processing_latency_bucket{le=\"0.001\"}"), "latency buckets in seconds");
            Assert.That(after, Does.Contain("microsoft_orleans_"), "Orleans' own meters are exported");
            Assert.That(after, Does.Not.Match("(user_id|event_id|ip_address|ip)=\""), "no unbounded labels");
        });
    }

    [Test]
    public async Task Promtool_AcceptsTheOutput()
    {
        var text = await ScrapeAsync();
        var promtool = new[] { "/usr/bin/promtool", "/usr/local/bin/promtool" }.FirstOrDefault(File.Exists);
        if (promtool is null)
        {
            const string message = "promtool is not installed (apt-get install prometheus; deploy/install-deps.sh --with-prometheus)";
            if (ExternalServices.Required)
            {
                Assert.Fail(message);
            }

            Assert.Ignore(message);
        }

        var start = new ProcessStartInfo(promtool, ["check", "metrics"]) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        await process.StandardInput.WriteAsync(text);
        process.StandardInput.Close();
        var output = await process.StandardOutput.ReadToEndAsync() + await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.That(process.ExitCode, Is.Zero, output);
    }

    [Test]
    public async Task GrafanaDashboard_QueriesOnlyExportedNames()
    {
        var exported = Declared();
        var scraped = ExportedNames(await ScrapeAsync());
        Assert.That(scraped.Where(n => n.StartsWith("ott_", StringComparison.Ordinal)), Is.SubsetOf(exported),
            "the name mapping below matches the exporter's");
        exported.UnionWith(scraped);

        var file = Path.Combine(ExternalServices.RepositoryRoot, "deploy", "grafana", "dashboards", "ott-compliance.json");
        var dashboard = JsonDocument.Parse(await File.ReadAllTextAsync(file)).RootElement;
        var queried = dashboard.GetProperty("panels").EnumerateArray()
            .SelectMany(p => p.GetProperty("targets").EnumerateArray())
            .SelectMany(t => MetricName().Matches(t.GetProperty("expr").GetString()!).Select(m => m.Value))
            .ToHashSet();

        Assert.Multiple(() =>
        {
            Assert.That(queried, Has.Count.GreaterThan(10));
            Assert.That(queried, Is.SubsetOf(exported), "every dashboard query names an exported metric");
        });
    }

    [Test]
    public async Task FreshProcess_ExportsEveryProductFamily_AtZero()
    {
        _ = await ScrapeAsync(); // the shared host is up, so every product instrument is declared in this process
        var expected = Declared().Where(n => n.StartsWith("ott_", StringComparison.Ordinal)).ToHashSet(StringComparer.Ordinal);
        var port = ApiFactory.FreePort();
        var api = typeof(Program).Assembly.Location;
        var start = new ProcessStartInfo("dotnet",
        [
            api, "--urls", $"http://127.0.0.1:{port}", "--Ott:Storage=Memory", "--Ott:OrleansDashboard:Enabled=false",
            $"--Ott:SiloPort={ApiFactory.FreePort()}", $"--Ott:GatewayPort={ApiFactory.FreePort()}", $"--Ott:ClusterId=metrics-{port}",
        ])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            WorkingDirectory = Path.GetDirectoryName(api)!,
        };
        using var process = Process.Start(start)!;
        _ = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(5) };
            await Eventually.WaitAsync(async () =>
            {
                try
                {
                    return (await http.GetAsync("/health/ready")).StatusCode;
                }
                catch (HttpRequestException)
                {
                    return HttpStatusCode.ServiceUnavailable;
                }
            }, status => status == HttpStatusCode.OK, "the fresh API to be ready", TimeSpan.FromSeconds(90));
            var text = await http.GetStringAsync("/metrics");
            var samples = text.Split('\n').Where(l => l.StartsWith("ott_", StringComparison.Ordinal)).ToList();
            var exported = ExportedNames(text);
            var moved = samples.Where(l => !l.StartsWith("ott_pipeline_models_f1", StringComparison.Ordinal)
                                            && !l.StartsWith("ott_pipeline_models_roc_auc", StringComparison.Ordinal)
                                            && !l.EndsWith(" 0", StringComparison.Ordinal)).ToList();

            Assert.Multiple(() =>
            {
                Assert.That(expected, Has.Count.GreaterThanOrEqualTo(20));
                Assert.That(expected.Where(n => !exported.Contains(n) && !exported.Contains(n + "_count")), Is.Empty, "families missing right after start");
                Assert.That(moved, Is.Empty, "every product series reads 0 before any event");
                Assert.That(samples.Where(l => l.StartsWith("ott_pipeline_models_f1", StringComparison.Ordinal)).ToList(),
                    Has.All.EndsWith(" NaN"), "quality is not measured yet");
            });
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    /// <summary>Prometheus names of every instrument of the exported meters created in this process so far.</summary>
    private static HashSet<string> Declared()
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, _) =>
        {
            if (!PrometheusExport.Meters.Contains(instrument.Meter.Name))
            {
                return;
            }

            var name = Regex.Replace($"{instrument.Meter.Name}_{instrument.Name}".ToLowerInvariant(), "[^a-z0-9_]", "_");
            names.Add(name);
            if (instrument.GetType().Name.StartsWith("Histogram", StringComparison.Ordinal))
            {
                names.UnionWith([name + "_bucket", name + "_sum", name + "_count"]);
            }
        };
        listener.Start();

        // The pipeline latency is a native Prometheus histogram, recorded into directly (PrometheusLatencyRecorder).
        names.UnionWith(new[] { "", "_bucket", "_sum", "_count" }.Select(suffix => PrometheusExport.PipelineLatency + suffix));
        return names;
    }

    private static HashSet<string> ExportedNames(string text) =>
        text.Split('\n').Where(l => l.Length > 0 && l[0] != '#').Select(l => l.Split('{', ' ')[0]).ToHashSet(StringComparer.Ordinal);

    /// <summary>Metric names in a PromQL expression: the product's, Orleans', ASP.NET Core's and the process's.</summary>
    [GeneratedRegex(@"\b(ott|microsoft|process)_[a-z0-9_]+\b")]
    private static partial Regex MetricName();
}
