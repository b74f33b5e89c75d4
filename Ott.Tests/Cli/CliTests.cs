using System.Text.Json;
using Ott.Api.Events;
using Ott.Cli;
using Ott.Grains.Interfaces;
using Ott.Grains.Simulation;
using Ott.Tests.Api;
using Spectre.Console;

namespace Ott.Tests.Cli;

/// <summary>Ott.Cli against the test host: the wire form of simulated events, <c>generate</c> end to end, and the demo.</summary>
[NonParallelizable]
public class CliTests
{
    private ApiFactory _api = null!;
    private HttpMessageHandler _handler = null!;

    [OneTimeSetUp]
    public void Start()
    {
        // Models may train here (the demo retrains): a low sample floor of its own, not the shared hosts' "never".
        _api = new ApiFactory(new Dictionary<string, string?> { ["Ott:Detection:MinSamples"] = "64" });
        _handler = _api.Server.CreateHandler();
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        _handler.Dispose();
        await _api.DisposeAsync();
    }

    [Test]
    public void SimulatedEvents_WrittenForTheWire_ValidateBackToTheSameEvents()
    {
        var validator = new EventValidator(TimeProvider.System);
        var request = new SimulationRequest(ScenarioSimulator.Mixed, 100, 11, DateTimeOffset.UtcNow.AddDays(-2)) { AttackShare = 0.5 };
        var simulated = ScenarioSimulator.Generate(request).Take(3000).Select(s => s.Event).ToList();
        var problems = new List<string>();
        foreach (var e in simulated)
        {
            var validation = validator.Validate(JsonDocument.Parse(EventWire.ToJson(e).ToJsonString()).RootElement);
            if (validation.Event is null)
            {
                problems.Add($"{e.EventId}: {string.Join("; ", validation.Errors.Select(x => $"{x.Key}={string.Join(",", x.Value)}"))}");
            }
            else if (JsonSerializer.Serialize(validation.Event with { ReceivedAt = default }) != JsonSerializer.Serialize(e with { ReceivedAt = default }))
            {
                problems.Add($"{e.EventId}: came back different");
            }
        }

        Assert.Multiple(() =>
        {
            Assert.That(simulated, Has.Count.EqualTo(3000));
            Assert.That(simulated.Select(e => e.Type).Distinct().Count(), Is.GreaterThan(8), "many event types exercised");
            Assert.That(problems, Is.Empty);
        });
    }

    [Test]
    public async Task Generate_SendsEveryEvent_ThenTheSameRunAgainIsAllDuplicates()
    {
        using var admin = await _api.ClientForAsync("admin");
        var before = (await (await admin.GetAsync("/stats/summary")).JsonAsync()).GetProperty("enqueued").GetInt64();
        string[] args = ["generate", "--url", "http://localhost", "--user", "ingest", "--password", "ingest123",
            "--events", "2500", "--batch-size", "100", "--concurrency", "3", "--scenario", "mixed", "--seed", "7", "--prefix", "clitest"];

        var (first, firstOutput) = await RunAsync(args);
        await admin.DrainAsync();
        var after = await (await admin.GetAsync("/stats/summary")).JsonAsync();
        var (second, secondOutput) = await RunAsync(args);

        Assert.Multiple(() =>
        {
            Assert.That(first, Is.EqualTo(0), firstOutput);
            Assert.That(firstOutput, Does.Contain("sent=2500 accepted=2500 duplicates=0 rejected=0 failed=0"));
            Assert.That(after.GetProperty("enqueued").GetInt64() - before, Is.EqualTo(2500), "the API counted every event once");
            Assert.That(second, Is.EqualTo(0), secondOutput);
            Assert.That(secondOutput, Does.Contain("sent=2500 accepted=0 duplicates=2500 rejected=0 failed=0"), "same seed and prefix: same ids");
        });
    }

    [Test]
    public async Task Generate_SingleEventsAtARate_AreAllAccepted()
    {
        var (code, output) = await RunAsync(["generate", "--url", "http://localhost", "--events", "40", "--batch-size", "1",
            "--concurrency", "2", "--rate", "400", "--scenario", "normal"]);

        Assert.Multiple(() =>
        {
            Assert.That(code, Is.EqualTo(0), output);
            Assert.That(output, Does.Contain("sent=40 accepted=40 duplicates=0 rejected=0 failed=0"), "anonymous ingest, one event per request");
        });
    }

    [TestCase("1")]
    [TestCase("25")]
    public async Task Generate_WithDecisions_GetsEveryDecisionInline(string batchSize)
    {
        var (code, output) = await RunAsync(["generate", "--url", "http://localhost", "--user", "ingest", "--password", "ingest123",
            "--events", "60", "--batch-size", batchSize, "--concurrency", "2", "--scenario", "mixed", "--decisions"]);

        var actions = System.Text.RegularExpressions.Regex.Matches(output, @"\b(allow|review|block)=(\d+)").Sum(m => int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Multiple(() =>
        {
            Assert.That(code, Is.EqualTo(0), output);
            Assert.That(output, Does.Contain("sent=60 accepted=60 duplicates=0 rejected=0 failed=0"));
            Assert.That(output, Does.Contain("decided=60 queued=0"));
            Assert.That(actions, Is.EqualTo(60), "every decision's action is counted");
        });
    }

    [Test]
    public async Task Generate_DecisionsInBatchesOverTheLimit_ExitNonZero()
    {
        var (code, output) = await RunAsync(["generate", "--url", "http://localhost", "--decisions", "--batch-size", "101"]);

        Assert.Multiple(() =>
        {
            Assert.That(code, Is.Not.EqualTo(0));
            Assert.That(output, Does.Contain("--batch-size must be 1-100 with --decisions"));
        });
    }

    [TestCase("--batch-size", "0", "--batch-size must be 1-1000")]
    [TestCase("--batch-size", "1001", "--batch-size must be 1-1000")]
    [TestCase("--scenario", "heist", "--scenario must be one of")]
    [TestCase("--url", "ftp://x", "--url must be an http(s) address")]
    [TestCase("--events", "0", "--events must be at least 1")]
    public async Task Generate_BadFlags_ExitNonZeroNamingTheFlag(string flag, string value, string message)
    {
        var (code, output) = await RunAsync(["generate", "--url", "http://localhost", flag, value]);

        Assert.Multiple(() =>
        {
            Assert.That(code, Is.Not.EqualTo(0));
            Assert.That(output, Does.Contain(message));
        });
    }

    [Test]
    public async Task Generate_WrongPassword_SaysSoAndExits2()
    {
        var (code, output) = await RunAsync(["generate", "--url", "http://localhost", "--user", "ingest", "--password", "nope", "--events", "10"]);

        Assert.Multiple(() =>
        {
            Assert.That(code, Is.EqualTo(2));
            Assert.That(output, Does.Contain("Sign-in as 'ingest' refused (401)"));
        });
    }

    [Test]
    public async Task Generate_NothingListening_FailsFastNamingTheAddress()
    {
        var url = $"http://127.0.0.1:{ApiFactory.FreePort()}";
        var (code, output) = await RunAsync(["generate", "--url", url, "--events", "10"], network: true);

        Assert.Multiple(() =>
        {
            Assert.That(code, Is.EqualTo(2));
            Assert.That(output, Does.Contain($"Cannot reach the API at {url}/"));
        });
    }

    [Test]
    public async Task Demo_RunsTheEightScenarios_AgainstTheApi()
    {
        var (code, output) = await RunAsync(["demo", "--url", "http://localhost", "--user", "admin", "--password", "admin123", "--users", "20"]);

        Assert.Multiple(() =>
        {
            Assert.That(code, Is.EqualTo(0), output);
            Assert.That(output, Does.Contain("All scenarios ran."));
            for (var i = 1; i <= 8; i++)
            {
                Assert.That(output, Does.Contain($"{i}. "), $"scenario {i} ran");
            }

            Assert.That(output, Does.Contain("GDPR"), "multi-region compliance names the laws");
            Assert.That(output, Does.Contain("PIPL"));
            Assert.That(output, Does.Contain("ring-"), "the fraud ring was found");
            Assert.That(output, Does.Contain("net_benefit").Or.Contain("roi"), "ROI printed");
            Assert.That(output, Does.Not.Contain("failed:"));
        });
    }

    [Test]
    public async Task Demo_WithoutUrl_StartsTheApiAsAChildProcess_AndStopsIt()
    {
        var (code, output) = await RunAsync(["demo", "--only", "6"], network: true);

        var url = System.Text.RegularExpressions.Regex.Match(output, @"API up at (http://127\.0\.0\.1:\d+)").Groups[1].Value;
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var stillUp = url.Length > 0 && await Answers(http, url);
        Assert.Multiple(() =>
        {
            Assert.That(code, Is.EqualTo(0), output);
            Assert.That(output, Does.Contain("starting the API with a co-hosted silo as a child process"));
            Assert.That(url, Is.Not.Empty, output);
            Assert.That(output, Does.Contain("6. Compliance ROI"));
            Assert.That(output, Does.Contain("All scenarios ran."));
            Assert.That(stillUp, Is.False, "the child API is stopped when the demo ends");
        });

        static async Task<bool> Answers(HttpClient http, string url)
        {
            try
            {
                using var response = await http.GetAsync(new Uri(url + "/health/live"));
                return true;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }
    }

    private async Task<(int Code, string Output)> RunAsync(string[] args, bool network = false)
    {
        var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(writer),
        });
        console.Profile.Width = 200;
        var code = await CliProgram.RunAsync(args, console, network ? null : _handler);
        return (code, writer.ToString());
    }
}
