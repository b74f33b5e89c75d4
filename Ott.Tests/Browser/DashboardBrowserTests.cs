using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Ott.Tests.Api;
using Ott.Tests.Integration;
using Ott.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace Ott.Tests.Browser;

/// <summary>
/// The web dashboard in Debian's Chromium, driven by Playwright, against the API on a real Kestrel port: known events
/// go in, an analyst signs in, and every count the page shows must equal what the API answers. The final page is
/// saved as <c>docs/dashboard.png</c>.
/// </summary>
[NonParallelizable]
[Category("Browser")]
public class DashboardBrowserTests
{
    private ApiFactory _api = null!;
    private string _baseUrl = null!;
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;
    private JsonObject[] _events = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        var chromium = ExternalServices.Chromium;
        _api = new ApiFactory();
        _api.UseKestrel(0);
        _api.StartServer();
        _baseUrl = _api.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses
            .Single().Replace("[::]", "127.0.0.1", StringComparison.Ordinal).Replace("localhost", "127.0.0.1", StringComparison.Ordinal);

        // Known events: 5 lawful plays in the US, 4 advertising events in Germany without consent (GDPR violations),
        // 3 playback errors in Brazil.
        _events = Enumerable.Range(0, 5).Select(_ => TestEvents.Json())
            .Concat(Enumerable.Range(0, 4).Select(_ => TestEvents.Json(e =>
            {
                e["region"] = "DE";
                e["is_eu"] = true;
                e["has_consent"] = false;
                e["purpose"] = "advertising";
            })))
            .Concat(Enumerable.Range(0, 3).Select(_ => TestEvents.Json(e =>
            {
                e["region"] = "BR";
                e["event_type"] = "error";
                e["error_code"] = "E_PLAYBACK";
            })))
            .ToArray();
        using var admin = await _api.ClientForAsync("admin");
        Assert.That((await admin.PostBatchAsync(_events)).StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        await admin.DrainAsync();

        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync"],
        });
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (_browser is not null)
        {
            await _browser.CloseAsync();
        }

        _playwright?.Dispose();
        if (_api is not null)
        {
            await _api.DisposeAsync();
        }
    }

    [Test]
    public async Task Dashboard_ShowsTheApisCounts_AfterSignIn()
    {
        using var analyst = await _api.ClientForAsync("analyst");
        var stats = await GetAsync(analyst, "/stats/summary");
        var levels = await GetAsync(analyst, "/compliance/summary");
        var compliance = await Eventually.WaitAsync(() => GetAsync(analyst, "/api/v1/analytics/compliance-summary?days=1"),
            body => body.GetProperty("assessments").GetInt64() == _events.Length, "the day's analytics count every event");
        var geography = await Eventually.WaitAsync(() => GetAsync(analyst, "/api/v1/analytics/geographic-distribution?days=7"),
            body => body.GetProperty("regions").EnumerateArray().Sum(r => r.GetProperty("events").GetInt64()) == _events.Length,
            "the regions count every event");
        Assert.That(stats.GetProperty("processed").GetInt64(), Is.EqualTo(_events.Length), "the API counts what was posted");

        await using var context = await _browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 1440, Height = 1000 },
        });
        var page = await context.NewPageAsync();
        var consoleErrors = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                consoleErrors.Add(message.Text);
            }
        };
        await page.GotoAsync(_baseUrl + "/");

        await page.Locator("#username").FillAsync("analyst");
        await page.Locator("#password").FillAsync("analyst123");
        await page.Locator("#login").ClickAsync();
        await Expect(page.GetByTestId("dashboard")).ToBeVisibleAsync();
        await page.EvaluateAsync("() => window.ottDashboard.refreshNow()");

        var timeout = new LocatorAssertionsToHaveTextOptions { Timeout = 15_000 };
        await Expect(page.GetByTestId("kpi-processed")).ToHaveTextAsync(Text(stats, "processed"), timeout);
        await Expect(page.GetByTestId("kpi-enqueued")).ToHaveTextAsync(Text(stats, "enqueued"), timeout);
        foreach (var level in new[] { "low", "medium", "high", "critical" })
        {
            await Expect(page.GetByTestId($"risk-{level}")).ToHaveTextAsync(Text(levels, level), timeout);
        }

        await Expect(page.GetByTestId("risk-total")).ToHaveTextAsync(Text(levels, "total_processed"), timeout);
        var rate = compliance.GetProperty("compliance_rate").GetDouble();
        Assert.That(rate, Is.EqualTo(5.0 / 12 + 3.0 / 12).Within(1e-4), "only the German advertising events violate");
        await Expect(page.GetByTestId("compliance-rate")).ToHaveTextAsync((rate * 100).ToString("F1", CultureInfo.InvariantCulture), timeout);

        var regions = geography.GetProperty("regions").EnumerateArray().ToArray();
        var regionRows = page.GetByTestId("region-row");
        await Expect(regionRows).ToHaveCountAsync(regions.Length, new LocatorAssertionsToHaveCountOptions { Timeout = 15_000 });
        for (var i = 0; i < regions.Length; i++)
        {
            var row = regionRows.Nth(i);
            await Expect(row).ToHaveAttributeAsync("data-region", regions[i].GetProperty("region").GetString()!);
            await Expect(row.Locator("td").Nth(0)).ToHaveTextAsync(Text(regions[i], "events"));
            await Expect(row.Locator("td").Nth(1)).ToHaveTextAsync(Text(regions[i], "high_or_critical"));
            await Expect(row.Locator("td").Nth(2)).ToHaveTextAsync(Text(regions[i], "violations"));
        }

        var shown = await page.GetByTestId("assessment-row").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.eventId)");
        Assert.Multiple(() =>
        {
            Assert.That(shown, Has.Length.EqualTo(_events.Length), "every assessment is listed (the table shows up to 15)");
            Assert.That(shown, Is.EquivalentTo(_events.Select(e => (string)e["event_id"]!)));
        });
        await Expect(page.GetByTestId("error-banner")).ToBeHiddenAsync();
        await Expect(page.GetByTestId("last-refresh")).Not.ToBeEmptyAsync();
        Assert.That(consoleErrors, Is.Empty, "the page logged errors");

        var screenshot = Path.Combine(ExternalServices.RepositoryRoot, "docs", "dashboard.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot, FullPage = true });
        Assert.That(new FileInfo(screenshot).Length, Is.GreaterThan(10_000), "the screenshot holds a rendered page");
    }

    /// <summary>
    /// The Policies view on a host of its own (its decisions would change the counts the first test checks): the versions
    /// with their status and who made them, the latest backtest's level matrix and alert counts, and the shadow run's
    /// action matrix and alerting counts, each equal to what the API answers.
    /// </summary>
    [Test]
    public async Task PoliciesView_ShowsVersionsTheLatestBacktestAndTheShadowRun()
    {
        await using var api = new ApiFactory(new Dictionary<string, string?> { ["Ott:Policies:Refresh"] = "00:00:00.200" });
        api.UseKestrel(0);
        api.StartServer();
        var baseUrl = api.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses
            .Single().Replace("[::]", "127.0.0.1", StringComparison.Ordinal).Replace("localhost", "127.0.0.1", StringComparison.Ordinal);
        using var admin = await api.ClientForAsync("admin");
        var at = DateTimeOffset.UtcNow.AddMinutes(-10);
        async Task<JsonElement> DecideAsync(int i)
        {
            var json = TestEvents.ConsentlessExport(at.AddSeconds(i));
            using var response = await admin.PostAsync("/api/v1/decisions", Http.Json(json));
            return await response.JsonAsync();
        }

        for (var i = 0; i < 3; i++)
        {
            await DecideAsync(i);
        }

        var candidate = Engines.Policies.PolicyDecisionTests.StricterFromMedium;
        using var created = await admin.PostAsync("/api/v1/policies", new StringContent(candidate, System.Text.Encoding.UTF8, "application/json"));
        var version = (await created.JsonAsync()).GetProperty("version").GetInt32();
        using var started = await admin.PostAsync($"/api/v1/policies/{version}/backtests", Http.Json(new JsonObject
        {
            ["from"] = at.AddMinutes(-1).ToString("O"),
            ["to"] = at.AddMinutes(5).ToString("O"),
        }));
        var backtest = await Eventually.WaitAsync(() => GetAsync(admin, started.Headers.Location!.ToString()),
            b => b.GetProperty("status").GetString() == "completed", "the backtest to complete");
        using var shadow = await admin.PostAsync($"/api/v1/policies/{version}/shadow", null);
        await Eventually.WaitAsync(() => DecideAsync(10), d => d.TryGetProperty("shadow", out _), "a decision judged in shadow too");
        await DecideAsync(11);
        var shadowView = await Eventually.WaitAsync(() => GetAsync(admin, "/api/v1/policies/shadow"),
            v => v.GetProperty("report").GetProperty("events").GetInt64() >= 2, "the shadow report to count two events");
        var versions = (await GetAsync(admin, "/api/v1/policies")).GetProperty("versions").EnumerateArray().ToArray();

        await using var context = await _browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1440, Height = 1400 } });
        var page = await context.NewPageAsync();
        var consoleErrors = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                consoleErrors.Add(message.Text);
            }
        };
        await page.GotoAsync(baseUrl + "/");
        await page.Locator("#username").FillAsync("analyst");
        await page.Locator("#password").FillAsync("analyst123");
        await page.Locator("#login").ClickAsync();
        await Expect(page.GetByTestId("dashboard")).ToBeVisibleAsync();
        await page.EvaluateAsync("() => window.ottDashboard.refreshNow()");

        var rows = page.GetByTestId("policy-row");
        await Expect(rows).ToHaveCountAsync(versions.Length, new LocatorAssertionsToHaveCountOptions { Timeout = 15_000 });
        for (var i = 0; i < versions.Length; i++)
        {
            await Expect(rows.Nth(i)).ToHaveAttributeAsync("data-version", Text(versions[i], "version"));
            await Expect(rows.Nth(i)).ToHaveAttributeAsync("data-status", versions[i].GetProperty("status").GetString()!);
        }

        var report = backtest.GetProperty("report");
        await Expect(page.GetByTestId("backtest-summary")).ToContainTextAsync($"v{version} against v{backtest.GetProperty("live").GetInt32()}: {Text(report, "events")} events");
        foreach (var from in report.GetProperty("levels").EnumerateObject())
        {
            foreach (var to in from.Value.EnumerateObject())
            {
                await Expect(page.Locator($"[data-testid=backtest-cell][data-from={from.Name}][data-to={to.Name}]"))
                    .ToHaveAttributeAsync("data-count", to.Value.GetInt64().ToString(CultureInfo.InvariantCulture));
            }
        }

        await Expect(page.GetByTestId("backtest-alerts-live")).ToHaveTextAsync(Text(report.GetProperty("alerts"), "live"));
        await Expect(page.GetByTestId("backtest-alerts-other")).ToHaveTextAsync(Text(report.GetProperty("alerts"), "candidate"));

        // The shadow report grows with the events decided above; the page shows what the API answers when it reads it.
        var shadowReport = shadowView.GetProperty("report");
        await Expect(page.GetByTestId("shadow-summary")).ToContainTextAsync($"v{version} beside live v{shadowView.GetProperty("live").GetInt32()}");
        await Expect(page.GetByTestId("shadow-summary")).ToContainTextAsync($"{Text(shadowReport, "events")} events");
        await Expect(page.Locator("[data-testid=shadow-cell][data-from=allow][data-to=block]")).ToHaveAttributeAsync("data-count", Text(shadowReport, "events"));
        await Expect(page.GetByTestId("shadow-alerts-other")).ToHaveTextAsync(Text(shadowReport.GetProperty("alerts"), "candidate"));
        await Expect(page.GetByTestId("error-banner")).ToBeHiddenAsync();
        Assert.That(consoleErrors, Is.Empty, "the page logged errors");

        var screenshot = Path.Combine(ExternalServices.RepositoryRoot, "docs", "dashboard-policies.png");
        await page.GetByTestId("policies").ScreenshotAsync(new LocatorScreenshotOptions { Path = screenshot });
        Assert.That(new FileInfo(screenshot).Length, Is.GreaterThan(5_000), "the screenshot holds a rendered view");
    }

    [Test]
    public async Task WrongPassword_StaysOnTheLoginForm_WithAnError()
    {
        await using var context = await _browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(_baseUrl + "/");
        await page.Locator("#username").FillAsync("analyst");
        await page.Locator("#password").FillAsync("not-the-password");
        await page.Locator("#login").ClickAsync();

        await Expect(page.GetByTestId("error-banner")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("error-banner")).ToContainTextAsync("401");
        await Expect(page.GetByTestId("dashboard")).ToHaveCountAsync(0);
        await Expect(page.Locator("#login-view")).ToBeVisibleAsync();
    }

    [Test]
    public async Task OrleansDashboard_OpensForAnAdmin_NotForAnAnalyst()
    {
        await using var adminContext = await _browser.NewContextAsync();
        var admin = await SignInAsync(adminContext, "admin");
        await Expect(admin.GetByTestId("orleans-link")).ToBeVisibleAsync();
        var counters = await admin.RunAndWaitForResponseAsync(
            () => admin.GotoAsync(_baseUrl + "/dashboard/"), r => r.Url.EndsWith("/dashboard/DashboardCounters", StringComparison.Ordinal));
        Assert.That(counters.Status, Is.EqualTo(200), "the Orleans Dashboard's own calls carry the admin cookie");

        await using var analystContext = await _browser.NewContextAsync();
        var analyst = await SignInAsync(analystContext, "analyst");
        await Expect(analyst.GetByTestId("orleans-link")).ToBeHiddenAsync();
        var refused = await analyst.GotoAsync(_baseUrl + "/dashboard/");
        Assert.That(refused!.Status, Is.EqualTo(401), "no admin cookie, no dashboard");
    }

    private async Task<IPage> SignInAsync(IBrowserContext context, string user)
    {
        var page = await context.NewPageAsync();
        await page.GotoAsync(_baseUrl + "/");
        await page.Locator("#username").FillAsync(user);
        await page.Locator("#password").FillAsync(user + "123");
        await page.Locator("#login").ClickAsync();
        await Expect(page.GetByTestId("dashboard")).ToBeVisibleAsync();
        return page;
    }

    private static async Task<JsonElement> GetAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), path);
        return await response.JsonAsync();
    }

    private static string Text(JsonElement body, string property) =>
        body.GetProperty(property).GetInt64().ToString(CultureInfo.InvariantCulture);
}
