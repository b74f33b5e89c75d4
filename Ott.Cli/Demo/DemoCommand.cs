using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ott.Cli.Client;
using Ott.Cli.Hosting;
using Spectre.Console;
using Spectre.Console.Cli;
using Spectre.Console.Json;

namespace Ott.Cli.Demo;

/// <summary>
/// <c>ott demo</c>: the original product's eight scenarios, each sending real events (or asking the real engines) and
/// printing what they computed. Against <c>--url</c> (an admin user is needed: simulations, models and drains are
/// admin calls) or, without one, an API with its co-hosted silo started as a child process on free loopback ports
/// (<see cref="ApiProcess"/>).
/// </summary>
public sealed class DemoCommand(IAnsiConsole console, HttpMessageHandler? handler = null) : AsyncCommand<DemoCommand.Settings>
{
    public sealed class Settings : ApiSettings
    {
        [CommandOption("--only <NUMBER>")]
        [Description("Run one scenario (1-8) instead of all eight.")]
        public int? Only { get; init; }

        [CommandOption("--users <N>")]
        [Description("Simulated users for the ML scenario (default 60).")]
        public int Users { get; init; } = 60;

        [CommandOption("--api <PATH>")]
        [Description("Without --url: the Ott.Api.dll to start (default: $OTT_API_DLL, ../api/ beside the CLI, else the source checkout's build).")]
        public string? Api { get; init; }

        public bool Embedded => Url is null && Environment.GetEnvironmentVariable("OTT_URL") is null;

        public override ValidationResult Validate() =>
            Only is < 1 or > 8 ? ValidationResult.Error("--only must be 1-8.")
            : Users is < 10 or > 5000 ? ValidationResult.Error("--users must be 10-5000.")
            : Embedded ? ValidationResult.Success()
            : ResolvedUser is null ? ValidationResult.Error("Against --url the demo needs an admin: give --user and --password (or $OTT_USER, $OTT_PASSWORD).")
            : base.Validate();
    }

    private static readonly (string Title, Func<DemoCommand, Run, Task> Body)[] Scenarios =
    [
        ("GeoIP: location, region claims and impossible travel", (d, r) => d.GeoAsync(r)),
        ("ML anomaly detection: simulated attacks, trained ensemble, quality on held-out data", (d, r) => d.AnomalyAsync(r)),
        ("User segmentation", (d, r) => d.SegmentsAsync(r)),
        ("Fraud ring: six accounts sharing a device and a card", (d, r) => d.RingAsync(r)),
        ("Multi-region compliance: one event judged in seven jurisdictions", (d, r) => d.MultiRegionAsync(r)),
        ("Compliance ROI", (d, r) => d.RoiAsync(r)),
        ("Adaptive thresholds per user", (d, r) => d.ThresholdsAsync(r)),
        ("Integrated analysis: one event, every engine's explanation", (d, r) => d.IntegratedAsync(r)),
    ];

    private int _users;

    private sealed record Run(OttApiClient Api, DemoEvents Events, CancellationToken Cancel)
    {
        public List<string> SimulatedUsers { get; } = [];

        public List<string> RingUsers { get; } = [];
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _users = settings.Users;
        ApiProcess? embedded = null;
        try
        {
            var api = settings;
            if (settings.Embedded)
            {
                console.MarkupLine("No --url: starting the API with a co-hosted silo as a child process (memory storage)…");
                embedded = await ApiProcess.StartAsync(settings.Api, line => console.MarkupLine(Markup.Escape(line)), cancellationToken);
                api = new Settings { Url = embedded.Url, User = ApiProcess.AdminUser, Password = embedded.AdminPassword, Only = settings.Only, Users = settings.Users };
                console.MarkupLine("API up at [link]{0}[/]", Markup.Escape(embedded.Url));
            }

            var client = await api.ConnectAsync(embedded is null ? handler : null, cancellationToken);
            using var http = client.Http;
            var run = new Run(client, new DemoEvents($"demo-{Random.Shared.Next():x8}", DateTimeOffset.UtcNow), cancellationToken);
            var failed = 0;
            for (var i = 0; i < Scenarios.Length; i++)
            {
                if (settings.Only is { } only && only != i + 1)
                {
                    continue;
                }

                console.Write(new Rule($"[bold]{i + 1}. {Markup.Escape(Scenarios[i].Title)}[/]").LeftJustified());
                try
                {
                    await Scenarios[i].Body(this, run);
                }
                catch (CliException e)
                {
                    failed++;
                    console.MarkupLine("[red]Scenario {0} failed:[/] {1}", i + 1, Markup.Escape(e.Message));
                }
            }

            console.Write(new Rule());
            console.MarkupLine(failed == 0 ? "[green]All scenarios ran.[/]" : $"[red]{failed} scenario(s) failed.[/]");
            return failed == 0 ? 0 : 1;
        }
        finally
        {
            if (embedded is not null)
            {
                await embedded.DisposeAsync();
            }
        }
    }

    private async Task GeoAsync(Run run)
    {
        var user = run.Events.User("traveller");
        var first = run.Events.Event(user, "login", "US", "198.51.100.10", TimeSpan.FromMinutes(30));
        var second = run.Events.Event(user, "play", "JP", "203.0.113.20", TimeSpan.FromMinutes(20));
        var claim = run.Events.Event(user, "play", "FR", "203.0.113.21", TimeSpan.FromMinutes(19), e => e["is_eu"] = false);
        await PostAndDrainAsync(run, first, second, claim);
        console.MarkupLine("One user: US at -30 min, Japan at -20 min, France (claiming is_eu=false) at -19 min.");
        foreach (var e in new[] { first, second, claim })
        {
            var a = await AssessmentAsync(run, e);
            WriteFactors(a, $"{e["region"]} from {e["ip_address"]}");
            if (a.TryGetProperty("geo", out var geo))
            {
                console.MarkupLine("    geo: {0}", Markup.Escape(geo.GetRawText()));
            }
        }

        console.MarkupLine("[grey]Without a GeoIP database (Ott:Geo:LocationDatabasePath) the location factors say not_configured; "
            + "the region-count factor and the shipped VPN/datacenter ranges still work.[/]");
    }

    private async Task AnomalyAsync(Run run)
    {
        var report = await run.Api.PostAsync("/api/v1/simulations", new JsonObject
        {
            ["scenario"] = "mixed",
            ["users"] = _users,
            ["days"] = 2,
            ["attack_share"] = 0.2,
            ["teach"] = true,
        }, run.Cancel);
        console.MarkupLine(CultureInfo.InvariantCulture, "Simulated {0} users over 2 days: {1} events, {2} of them attack behaviour, all assessed by the pipeline in {3:0.0} s.",
            report.GetProperty("users").GetInt32(), report.GetProperty("events").GetInt32(), report.GetProperty("anomalous").GetInt32(),
            report.GetProperty("seconds").GetDouble());
        var prefix = report.GetProperty("id_prefix").GetString();
        for (var u = 0; u < report.GetProperty("users").GetInt32(); u++)
        {
            run.SimulatedUsers.Add($"{prefix}-u{u}");
        }

        await run.Api.PostAsync("/api/v1/models/retrain", null, run.Cancel);
        var models = await Eventually(run, "/api/v1/models", m => m.TryGetProperty("version", out var v) && v.ValueKind == JsonValueKind.Number && v.GetInt64() > 0);
        console.MarkupLine(CultureInfo.InvariantCulture, "Models: anomaly ensemble v{0} ({1} samples), violation model v{2} ({3} labelled examples).",
            Number(models, "anomaly_version"), Number(models, "anomaly_training_samples"), Number(models, "violation_version"), Number(models, "labelled_examples"));
        if (models.TryGetProperty("last_quality", out var quality) && quality.ValueKind == JsonValueKind.Object)
        {
            var table = new Table().Border(TableBorder.Rounded).Title(Markup.Escape($"Quality on the held-out split ({quality.GetProperty("split").GetString()})"))
                .AddColumn("detector").AddColumn("precision").AddColumn("recall").AddColumn("F1").AddColumn("ROC AUC").AddColumn("rule");
            foreach (var d in quality.GetProperty("detectors").EnumerateArray())
            {
                table.AddRow(Markup.Escape(d.GetProperty("detector").GetString() ?? ""), Fixed(d, "precision"), Fixed(d, "recall"), Fixed(d, "f1"),
                    Fixed(d, "roc_auc"), Markup.Escape(d.GetProperty("threshold").GetString() ?? ""));
            }

            console.Write(table);
        }
    }

    private async Task SegmentsAsync(Run run)
    {
        var segments = await run.Api.GetAsync("/api/v1/analytics/segments", run.Cancel);
        var table = new Table().Border(TableBorder.Rounded).Title("Users by segment (GET /api/v1/analytics/segments)")
            .AddColumn("segment").AddColumn("users").AddColumn("threshold").AddColumn("anomaly sensitivity").AddColumn("alert channels")
            .AddColumn("outcomes").AddColumn("learned threshold");
        foreach (var s in segments.EnumerateArray())
        {
            var parameters = s.GetProperty("parameters");
            var learning = s.GetProperty("learning");
            table.AddRow(Markup.Escape(s.GetProperty("segment").GetString() ?? ""), Number(s, "users"), Fixed(parameters, "threshold_high"),
                Fixed(parameters, "anomaly_sensitivity"), Markup.Escape(string.Join(", ", parameters.GetProperty("channels").EnumerateArray().Select(c => c.GetString()))),
                Number(learning, "outcomes"), learning.TryGetProperty("value", out _) ? Fixed(learning, "value") : "-");
        }

        console.Write(table);
    }

    private async Task RingAsync(Run run)
    {
        var events = Enumerable.Range(0, 6).Select(i =>
        {
            var user = run.Events.User($"ring{i}");
            run.RingUsers.Add(user);
            return run.Events.Event(user, "purchase", "GB", $"192.0.2.{40 + i}", TimeSpan.FromMinutes(10 - i), e =>
            {
                e["device_id"] = $"{run.Events.Prefix}-shared-phone";
                e["payment_method_id"] = $"{run.Events.Prefix}-card-1";
            });
        }).ToArray();
        await PostAndDrainAsync(run, events);
        var rings = await Eventually(run, "/api/v1/network/fraud-rings?min_size=5",
            r => r.EnumerateArray().Any(ring => ring.GetProperty("members").EnumerateArray().Any(m => m.GetString() == run.RingUsers[0])));
        var ours = rings.EnumerateArray().First(ring => ring.GetProperty("members").EnumerateArray().Any(m => m.GetString() == run.RingUsers[0]));
        WriteJson("The ring (GET /api/v1/network/fraud-rings)", ours);
        WriteJson($"{run.RingUsers[5]}'s network (GET /api/v1/network/users/…)",
            await run.Api.GetAsync($"/api/v1/network/users/{Uri.EscapeDataString(run.RingUsers[5])}", run.Cancel));
    }

    private async Task MultiRegionAsync(Run run)
    {
        var table = new Table().Border(TableBorder.Rounded).AddColumn("region").AddColumn("laws").AddColumn("compliant").AddColumn("violations");
        foreach (var region in new[] { "DE", "FR", "US-CA", "BR", "CN", "IN", "GB" })
        {
            var e = run.Events.Event(run.Events.User("child"), "play", region, "198.51.100.77", TimeSpan.FromMinutes(1), j =>
            {
                j["has_consent"] = false;
                j["user_age"] = 12;
                j["purpose"] = "advertising";
                j["processing_region"] = "US";
            });
            var verdict = await run.Api.PostAsync("/api/v1/compliance/check", e, run.Cancel);
            var compliance = verdict.TryGetProperty("compliance", out var c) ? c : verdict;
            table.AddRow(
                region,
                Markup.Escape(string.Join(", ", compliance.GetProperty("applicable_regulations").EnumerateArray().Select(r => r.GetString()))),
                compliance.GetProperty("is_compliant").GetBoolean() ? "[green]yes[/]" : "[red]no[/]",
                Markup.Escape(string.Join("\n", compliance.GetProperty("violations").EnumerateArray()
                    .Select(v => $"{v.GetProperty("regulation").GetString()} {v.GetProperty("article").GetString()}: {v.GetProperty("rule").GetString()}"))));
        }

        console.MarkupLine("A 12-year-old, no consent, advertising purpose, processed in the US:");
        console.Write(table);
    }

    private async Task RoiAsync(Run run) =>
        WriteJson("GET /api/v1/compliance/roi?months=12&users=100000", await run.Api.GetAsync("/api/v1/compliance/roi?months=12&users=100000", run.Cancel));

    private async Task ThresholdsAsync(Run run)
    {
        var users = run.SimulatedUsers.Take(6).Concat(run.RingUsers.Take(2)).Append(run.Events.User("traveller")).ToList();
        var table = new Table().Border(TableBorder.Rounded).AddColumn("user").AddColumn("segment").AddColumn("threshold").AddColumn("source").AddColumn("events");
        foreach (var user in users)
        {
            var profile = await run.Api.GetAsync($"/api/v1/users/{Uri.EscapeDataString(user)}/risk", run.Cancel);
            var segment = profile.TryGetProperty("segment", out var s) && s.ValueKind == JsonValueKind.Object && s.TryGetProperty("segment", out var name)
                ? name.ToString() : s.ToString();
            table.AddRow(Markup.Escape(user), Markup.Escape(segment), profile.GetProperty("threshold").GetDouble().ToString("0.00", CultureInfo.InvariantCulture),
                Markup.Escape(profile.GetProperty("threshold_source").GetString() ?? ""), profile.GetProperty("total_events").GetInt64().ToString(CultureInfo.InvariantCulture));
        }

        console.Write(table);
    }

    private async Task IntegratedAsync(Run run)
    {
        var user = run.RingUsers.Count > 0 ? run.RingUsers[0] : run.Events.User("integrated");
        if (run.RingUsers.Count > 0)
        {
            // The silos read ring membership from a snapshot they refresh every 2 s (Ott:Network:CacheRefresh).
            await Task.Delay(TimeSpan.FromSeconds(2.5), run.Cancel);
        }

        var e = run.Events.Event(user, "export", "DE", "192.0.2.99", TimeSpan.FromMinutes(1), j =>
        {
            j["is_eu"] = true;
            j["has_consent"] = false;
            j["records_accessed"] = 25_000;
            j["purpose"] = "sale";
            j["processing_region"] = "CN";
            j["device_id"] = $"{run.Events.Prefix}-shared-phone";
        });
        await PostAndDrainAsync(run, e);
        WriteJson($"GET /api/v1/events/{e["event_id"]}/assessment", await AssessmentAsync(run, e));
        var summary = await run.Api.GetAsync("/api/v1/reports/executive-summary?days=1&format=json", run.Cancel);
        WriteJson("Executive summary, last day (GET /api/v1/reports/executive-summary)", summary.TryGetProperty("headline", out var h) ? h : summary);
    }

    private async Task PostAndDrainAsync(Run run, params JsonObject[] events)
    {
        var result = await run.Api.PostEventsAsync(events, run.Cancel);
        if (result.Accepted + result.Duplicates != events.Length)
        {
            throw new CliException($"the API accepted {result.Accepted} of {events.Length} events: {result.Error}");
        }

        await run.Api.DrainAsync(30, run.Cancel);
    }

    private static Task<JsonElement> AssessmentAsync(Run run, JsonObject e) =>
        run.Api.GetAsync($"/api/v1/events/{Uri.EscapeDataString((string)e["event_id"]!)}/assessment", run.Cancel);

    private static async Task<JsonElement> Eventually(Run run, string path, Func<JsonElement, bool> done)
    {
        for (var i = 0; ; i++)
        {
            var body = await run.Api.GetAsync(path, run.Cancel);
            if (done(body) || i == 40)
            {
                return body;
            }

            // Poll interval; 40 polls (10 s) is the deadline.
            await Task.Delay(250, run.Cancel);
        }
    }

    private void WriteFactors(JsonElement assessment, string label)
    {
        console.MarkupLine(CultureInfo.InvariantCulture, "[bold]{0}[/]: score {1:0.0}, {2}, {3}", Markup.Escape(label), assessment.GetProperty("risk_score").GetDouble(),
            Markup.Escape(assessment.GetProperty("risk_level").GetString() ?? ""), Markup.Escape(assessment.GetProperty("action").GetString() ?? ""));
        var factors = assessment.GetProperty("factors").EnumerateArray().ToList();
        if (factors.Count == 0)
        {
            console.MarkupLine("    no risk factor");
        }

        foreach (var f in factors)
        {
            console.MarkupLine(CultureInfo.InvariantCulture, "    +{0:0.0} {1}: {2}", f.GetProperty("points").GetDouble(),
                Markup.Escape(f.GetProperty("code").GetString() ?? ""), Markup.Escape(f.GetProperty("detail").GetString() ?? ""));
        }
    }

    private static string Number(JsonElement body, string property) =>
        body.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetInt64().ToString(CultureInfo.InvariantCulture) : "-";

    private static string Fixed(JsonElement body, string property) =>
        body.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetDouble().ToString("0.###", CultureInfo.InvariantCulture) : "-";

    private void WriteJson(string title, JsonElement body) =>
        console.Write(new Panel(new JsonText(body.GetRawText())).Header(Markup.Escape(title)).Collapse().RoundedBorder());
}
