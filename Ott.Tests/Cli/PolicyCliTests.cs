using System.Text.Json.Nodes;
using Ott.Cli;
using Ott.Tests.Api;
using Ott.Tests.Engines.Policies;
using Spectre.Console;

namespace Ott.Tests.Cli;

/// <summary><c>Ott.Cli policy</c> against a host of its own: get, create (and a refusal), diff, activate, list.</summary>
[NonParallelizable]
public class PolicyCliTests
{
    private ApiFactory _api = null!;
    private HttpMessageHandler _handler = null!;
    private string _dir = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _api = new ApiFactory();
        _handler = _api.Server.CreateHandler();
        _dir = Directory.CreateTempSubdirectory("ott-policy-cli").FullName;

        // The registry is seeded by the silo's first need of a policy: one decision.
        var client = _api.CreateClient();
        using var seeded = await client.PostAsync("/api/v1/decisions", Http.Json(Support.TestEvents.Json(_ => { })));
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        _handler.Dispose();
        await _api.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    private async Task<(int Code, string Output)> RunAsync(params string[] args)
    {
        var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(writer),
        });
        console.Profile.Width = 250;
        var code = await CliProgram.RunAsync([.. args, "--url", "http://localhost"], console, _handler);
        return (code, writer.ToString());
    }

    [Test]
    public async Task GetCreateDiffActivateList_FromATerminal()
    {
        var admin = new[] { "--user", "admin", "--password", "admin123" };
        var (getCode, active) = await RunAsync(["policy", "get", .. admin]);
        var file = Path.Combine(_dir, "stricter.json");
        await File.WriteAllTextAsync(file, PolicyDecisionTests.Stricter);
        var bad = Path.Combine(_dir, "bad.json");
        await File.WriteAllTextAsync(bad, """{"scoring":{"eu_no_consent_points":99}}""");

        var (createCode, created) = await RunAsync(["policy", "create", file, .. admin]);
        var (badCode, refused) = await RunAsync(["policy", "create", bad, .. admin]);
        var (diffCode, diff) = await RunAsync(["policy", "diff", "1", "2", .. admin]);
        var html = Path.Combine(_dir, "backtest.html");
        var (backtestCode, backtest) = await RunAsync(["policy", "backtest", "2", "--from", DateTimeOffset.UtcNow.AddDays(-1).ToString("O"),
            "--to", DateTimeOffset.UtcNow.AddHours(1).ToString("O"), "--html", html, "--user", "analyst", "--password", "analyst123"]);
        var (activateCode, activated) = await RunAsync(["policy", "activate", "2", .. admin]);
        var (listCode, list) = await RunAsync(["policy", "list", "--user", "analyst", "--password", "analyst123"]);
        var (forbiddenCode, forbidden) = await RunAsync(["policy", "activate", "1", "--user", "analyst", "--password", "analyst123"]);

        Assert.Multiple(() =>
        {
            Assert.That(getCode, Is.EqualTo(0), active);
            Assert.That(JsonNode.Parse(active)!["scoring"]!["eu_no_consent_points"]!.GetValue<double>(), Is.EqualTo(5.0), "get prints the document as JSON");
            Assert.That((createCode, created), Is.EqualTo((0, "Stored version 2 (draft, based on 1). Activate it with: policy activate 2\n")));
            Assert.That(badCode, Is.EqualTo(1));
            Assert.That(refused, Does.Contain("$.scoring.eu_no_consent_points: must be between 0 and 20."));
            Assert.That(diffCode, Is.EqualTo(0), diff);
            Assert.That(diff, Does.Contain("$.scoring.eu_no_consent_points").And.Contain("$.rules[block-consentless-export].action"));
            Assert.That(backtestCode, Is.EqualTo(0), backtest);
            Assert.That(backtest, Does.Contain("Replayed 1 events of 1 users").And.Contain("risk level: live v1 (rows) to candidate v2"));
            Assert.That(File.ReadAllText(html), Does.Contain("<h1>Backtest bt-"));
            Assert.That(activateCode, Is.EqualTo(0), activated);
            Assert.That(activated, Does.StartWith("Version 2 is active (was 1), by admin"));
            Assert.That(listCode, Is.EqualTo(0), list);
            Assert.That(list, Does.Contain("active").And.Contain("retired").And.Contain("configuration"));
            Assert.That(forbiddenCode, Is.EqualTo(2), "an analyst cannot activate");
            Assert.That(forbidden, Does.Contain("answered 403"));
        });
    }
}
