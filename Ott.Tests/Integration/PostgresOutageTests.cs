using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Ott.Tests.Api;
using Ott.Tests.Support;

namespace Ott.Tests.Integration;

/// <summary>
/// PostgreSQL stops under a running API (its own throwaway server, started with deploy/postgres.sh, so the shared
/// one stays up): readiness turns false, ingest answers 503 with Retry-After and acknowledges nothing; once the
/// server is back, everything acknowledged before the outage (including what was in flight) gets its assessment.
/// </summary>
[NonParallelizable]
public class PostgresOutageTests
{
    private const string Password = "ott-outage-password";
    private string _folder = null!;
    private int _port;

    [SetUp]
    public async Task StartServerAsync()
    {
        _ = ExternalServices.Postgres; // fails under CI when PostgreSQL is not installed and running, skips elsewhere
        _folder = Path.Combine(Path.GetTempPath(), $"ott-outage-{Guid.NewGuid():N}");
        Directory.CreateDirectory(_folder);
        _port = ApiFactory.FreePort();
        await PostgresAsync("start");
    }

    [TearDown]
    public async Task StopServerAsync()
    {
        await PostgresAsync("stop");
        Directory.Delete(_folder, recursive: true);
    }

    [Test]
    public async Task Outage_ReadinessFalse_Ingest503_ThenRecovery_LosesNothing()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Ott:Storage"] = "Postgres",
            ["ConnectionStrings:Postgres"] = $"Host=127.0.0.1;Port={_port};Database=ott;Username=ott;Password={Password};Timeout=3;Command Timeout=5",
            ["Ott:Replay:Interval"] = "00:00:00.500",
            ["Ott:Replay:GracePeriod"] = "00:00:02",
        };
        await using var api = new ApiFactory(settings);
        var client = await api.ClientForAsync("admin");
        var acknowledged = new List<string>();

        async Task PostAsync(int count)
        {
            for (var i = 0; i < count; i++)
            {
                var e = TestEvents.Json();
                Assert.That((await client.PostEventAsync(e)).StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
                acknowledged.Add(e["event_id"]!.GetValue<string>());
            }
        }

        await PostAsync(20);
        await PostgresAsync("stop");

        var ready = await Eventually.WaitAsync(() => client.GetAsync("/health/ready"), r => r.StatusCode == HttpStatusCode.ServiceUnavailable,
            "readiness false while PostgreSQL is down");
        var single = await client.PostEventAsync(TestEvents.Json());
        var batch = await client.PostBatchAsync(TestEvents.Json(), TestEvents.Json());
        var readyBody = JsonDocument.Parse(await ready.Content.ReadAsStringAsync()).RootElement;
        Assert.Multiple(() =>
        {
            Assert.That(readyBody.GetProperty("checks").GetProperty("storage").GetProperty("status").GetString(), Is.EqualTo("Unhealthy"));
            Assert.That(single.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
            Assert.That(single.Headers.RetryAfter?.Delta, Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(1)));
            Assert.That(batch.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
        });

        await PostgresAsync("start");
        await Eventually.WaitAsync(() => client.GetAsync("/health/ready"), r => r.StatusCode == HttpStatusCode.OK,
            "readiness back once PostgreSQL answers", TimeSpan.FromSeconds(30));
        await PostAsync(10);

        await Eventually.WaitAsync(async () => await (await client.GetAsync("/stats/summary")).JsonAsync(),
            s => s.GetProperty("processed").GetInt64() == acknowledged.Count && s.GetProperty("queue_size").GetInt64() == 0,
            $"all {acknowledged.Count} acknowledged events assessed, none pending", TimeSpan.FromSeconds(60));
        foreach (var id in acknowledged)
        {
            Assert.That((await client.GetAsync($"/api/v1/events/{id}/assessment")).StatusCode, Is.EqualTo(HttpStatusCode.OK), id);
        }

        var stats = await (await client.GetAsync("/stats/summary")).JsonAsync();
        Assert.That(stats.GetProperty("enqueued").GetInt64(), Is.EqualTo(acknowledged.Count), "nothing refused during the outage was logged");
    }

    private async Task PostgresAsync(string command)
    {
        var script = Path.Combine(ExternalServices.RepositoryRoot, "deploy", "postgres.sh");
        var start = new ProcessStartInfo("bash", [script, command, _port.ToString(System.Globalization.CultureInfo.InvariantCulture), Path.Combine(_folder, "pg")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["OTT_PG_PASSWORD"] = Password;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.That(process.ExitCode, Is.Zero, $"deploy/postgres.sh {command}: {await output}{await errors}");
    }
}
