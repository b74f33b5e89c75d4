using System.ComponentModel;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Ott.Cli.Client;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Ott.Cli.Policy;

/// <summary><c>policy list</c>: every version with its status and last activation.</summary>
public sealed class PolicyListCommand(IAnsiConsole console, HttpMessageHandler? handler = null) : AsyncCommand<ApiSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, ApiSettings settings, CancellationToken cancellationToken)
    {
        var api = await settings.ConnectAsync(handler, cancellationToken);
        var list = await api.GetAsync("/api/v1/policies", cancellationToken);
        var table = new Table().AddColumns("version", "status", "based on", "created", "by", "activated", "by", "description");
        foreach (var v in list.GetProperty("versions").EnumerateArray())
        {
            table.AddRow(Text(v, "version"), Text(v, "status"), Text(v, "based_on"), Text(v, "created_at"), Text(v, "created_by"),
                Text(v, "activated_at"), Text(v, "activated_by"), Text(v, "description"));
        }

        console.Write(table);
        return 0;
    }

    internal static string Text(JsonElement e, string name) =>
        Markup.Escape(e.TryGetProperty(name, out var p) ? p.ValueKind == JsonValueKind.String ? p.GetString()! : p.GetRawText() : "-");
}

/// <summary><c>policy get [VERSION]</c>: a version's document as JSON (the active one without a version), ready to edit and submit.</summary>
public sealed class PolicyGetCommand(IAnsiConsole console, HttpMessageHandler? handler = null) : AsyncCommand<PolicyGetCommand.Settings>
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public sealed class Settings : ApiSettings
    {
        [CommandArgument(0, "[VERSION]")]
        [Description("The version (default: the active one).")]
        public int? Version { get; init; }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var api = await settings.ConnectAsync(handler, cancellationToken);
        var path = settings.Version is { } v ? $"/api/v1/policies/{v.ToString(CultureInfo.InvariantCulture)}" : "/api/v1/policies/active";
        var policy = await api.GetAsync(path, cancellationToken);
        var json = JsonSerializer.Serialize(policy.GetProperty("document"), Indented);
        console.Profile.Out.Writer.WriteLine(json);
        return 0;
    }
}

/// <summary><c>policy create FILE</c>: submits a draft; a refusal lists each field by its JSON path.</summary>
public sealed class PolicyCreateCommand(IAnsiConsole console, HttpMessageHandler? handler = null) : AsyncCommand<PolicyCreateCommand.Settings>
{
    public sealed class Settings : ApiSettings
    {
        [CommandArgument(0, "<FILE>")]
        [Description("The policy JSON (fields left out come from based_on, default the active version); - reads standard input.")]
        public string File { get; init; } = "";
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var json = settings.File == "-" ? await Console.In.ReadToEndAsync(cancellationToken)
            : System.IO.File.Exists(settings.File) ? await System.IO.File.ReadAllTextAsync(settings.File, cancellationToken)
            : throw new CliException($"No file '{settings.File}'.");
        var api = await settings.ConnectAsync(handler, cancellationToken);
        var (status, body) = await api.PostRawAsync("/api/v1/policies", json, cancellationToken);
        if (status == HttpStatusCode.Created)
        {
            console.MarkupLine("Stored version [bold]{0}[/] (draft, based on {1}). Activate it with: policy activate {0}",
                PolicyListCommand.Text(body, "version"), PolicyListCommand.Text(body, "based_on"));
            return 0;
        }

        console.MarkupLine("[red]refused ({0}):[/] {1}", (int)status, PolicyListCommand.Text(body, "title"));
        if (body.TryGetProperty("errors", out var errors))
        {
            foreach (var field in errors.EnumerateObject())
            {
                foreach (var reason in field.Value.EnumerateArray())
                {
                    console.MarkupLine("  {0}: {1}", Markup.Escape(field.Name), Markup.Escape(reason.GetString() ?? ""));
                }
            }
        }

        return 1;
    }
}

/// <summary><c>policy diff A B</c>: what changed from version A to version B.</summary>
public sealed class PolicyDiffCommand(IAnsiConsole console, HttpMessageHandler? handler = null) : AsyncCommand<PolicyDiffCommand.Settings>
{
    public sealed class Settings : ApiSettings
    {
        [CommandArgument(0, "<FROM>")]
        public int From { get; init; }

        [CommandArgument(1, "<TO>")]
        public int To { get; init; }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var api = await settings.ConnectAsync(handler, cancellationToken);
        var diff = await api.GetAsync(string.Create(CultureInfo.InvariantCulture, $"/api/v1/policies/{settings.From}/diff/{settings.To}"), cancellationToken);
        var changes = diff.GetProperty("changes");
        if (changes.GetArrayLength() == 0)
        {
            console.MarkupLine("No differences between version {0} and version {1}.", settings.From, settings.To);
            return 0;
        }

        var table = new Table().AddColumns("path", "change", $"v{settings.From}", $"v{settings.To}");
        foreach (var c in changes.EnumerateArray())
        {
            table.AddRow(PolicyListCommand.Text(c, "path"), PolicyListCommand.Text(c, "kind"), PolicyListCommand.Text(c, "from"), PolicyListCommand.Text(c, "to"));
        }

        console.Write(table);
        return 0;
    }
}

/// <summary><c>policy activate VERSION</c>: makes a version live on every silo (an older one: the rollback).</summary>
public sealed class PolicyActivateCommand(IAnsiConsole console, HttpMessageHandler? handler = null) : AsyncCommand<PolicyActivateCommand.Settings>
{
    public sealed class Settings : ApiSettings
    {
        [CommandArgument(0, "<VERSION>")]
        public int Version { get; init; }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var api = await settings.ConnectAsync(handler, cancellationToken);
        var activation = await api.PostAsync(string.Create(CultureInfo.InvariantCulture, $"/api/v1/policies/{settings.Version}/activate"), null, cancellationToken);
        console.MarkupLine("Version [bold]{0}[/] is active (was {1}), by {2} at {3}; every silo judges with it within a second.",
            PolicyListCommand.Text(activation, "version"), PolicyListCommand.Text(activation, "previous"),
            PolicyListCommand.Text(activation, "by"), PolicyListCommand.Text(activation, "at"));
        return 0;
    }
}

/// <summary>
/// <c>policy backtest VERSION --from --to</c>: replays the period under the version and the live one, with progress, then
/// prints the transitions, alerts and outcome quality (and saves the HTML or CSV report when asked).
/// </summary>
public sealed class PolicyBacktestCommand(IAnsiConsole console, HttpMessageHandler? handler = null) : AsyncCommand<PolicyBacktestCommand.Settings>
{
    public sealed class Settings : ApiSettings
    {
        [CommandArgument(0, "<VERSION>")]
        [Description("The candidate version.")]
        public int Version { get; init; }

        [CommandOption("--from <TIME>")]
        [Description("Start of the period (event time, ISO 8601; default: 7 days ago).")]
        public DateTimeOffset? From { get; init; }

        [CommandOption("--to <TIME>")]
        [Description("End of the period, exclusive (default: now).")]
        public DateTimeOffset? To { get; init; }

        [CommandOption("--users <IDS>")]
        [Description("Only these users (comma-separated, at most 1,000).")]
        public string? Users { get; init; }

        [CommandOption("--analyst-only")]
        [Description("Measure precision and recall on analysts' outcomes only (default: analyst and simulation).")]
        public bool AnalystOnly { get; init; }

        [CommandOption("--html <FILE>")]
        [Description("Also save the report as HTML.")]
        public string? Html { get; init; }

        [CommandOption("--csv <FILE>")]
        [Description("Also save the report as CSV.")]
        public string? Csv { get; init; }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var api = await settings.ConnectAsync(handler, cancellationToken);
        var to = settings.To ?? DateTimeOffset.UtcNow;
        var body = new System.Text.Json.Nodes.JsonObject
        {
            ["from"] = (settings.From ?? to.AddDays(-7)).ToString("O", CultureInfo.InvariantCulture),
            ["to"] = to.ToString("O", CultureInfo.InvariantCulture),
            ["outcome_sources"] = settings.AnalystOnly ? new System.Text.Json.Nodes.JsonArray("analyst") : new System.Text.Json.Nodes.JsonArray("analyst", "simulation"),
        };
        if (settings.Users is { } users)
        {
            body["users"] = new System.Text.Json.Nodes.JsonArray([.. users.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(u => (System.Text.Json.Nodes.JsonNode?)u)]);
        }

        var started = await api.PostAsync(string.Create(CultureInfo.InvariantCulture, $"/api/v1/policies/{settings.Version}/backtests"), body, cancellationToken);
        var path = "/api/v1/backtests/" + started.GetProperty("id").GetString();
        var view = started;
        await console.Progress().AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new SpinnerColumn())
            .StartAsync(async progress =>
            {
                var task = progress.AddTask($"backtest v{settings.Version}", maxValue: Math.Max(1, view.GetProperty("events_total").GetInt64()));
                while (view.GetProperty("status").GetString() == "running")
                {
                    // The backtest runs in the cluster; this polls its progress twice a second.
                    await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
                    view = await api.GetAsync(path, cancellationToken);
                    task.Value = view.GetProperty("events_replayed").GetInt64();
                }

                task.Value = task.MaxValue;
            });

        if (view.GetProperty("status").GetString() != "completed")
        {
            console.MarkupLine("[red]backtest {0} failed:[/] {1}", Markup.Escape(path), PolicyListCommand.Text(view, "error"));
            return 1;
        }

        Print(view.GetProperty("report"), settings.Version, view.GetProperty("live").GetInt32());
        await SaveAsync(api, path, "html", settings.Html, cancellationToken);
        await SaveAsync(api, path, "csv", settings.Csv, cancellationToken);
        console.MarkupLine("Full report: {0} (?format=html or csv)", Markup.Escape(path));
        return 0;
    }

    private void Print(JsonElement r, int candidate, int live)
    {
        console.MarkupLine(CultureInfo.InvariantCulture, "Replayed {0} events of {1} users in {2:0.##} s ({3:0} events/s).",
            r.GetProperty("events").GetInt64(), r.GetProperty("users").GetInt64(), r.GetProperty("seconds").GetDouble(), r.GetProperty("events_per_second").GetDouble());
        foreach (var (name, title) in new[] { ("levels", "risk level"), ("actions", "action") })
        {
            var matrix = r.GetProperty(name);
            var columns = matrix.EnumerateObject().Select(p => p.Name).ToList();
            var table = new Table().Title($"{title}: live v{live} (rows) to candidate v{candidate}").AddColumn("");
            columns.ForEach(c => table.AddColumn(c));
            foreach (var row in matrix.EnumerateObject())
            {
                table.AddRow([row.Name, .. columns.Select(c => row.Value.GetProperty(c).GetInt64().ToString(CultureInfo.InvariantCulture))]);
            }

            console.Write(table);
        }

        var alerts = r.GetProperty("alerts");
        console.MarkupLine(CultureInfo.InvariantCulture, "New alerts: {0} live, {1} candidate ({2} added, {3} removed).",
            alerts.GetProperty("live").GetInt64(), alerts.GetProperty("candidate").GetInt64(),
            alerts.GetProperty("added").GetProperty("total").GetInt64(), alerts.GetProperty("removed").GetProperty("total").GetInt64());
        var outcomes = r.GetProperty("outcomes");
        var quality = new Table().Title($"alerts against {outcomes.GetProperty("labelled").GetInt64()} recorded outcomes").AddColumns("policy", "precision", "recall", "f1");
        foreach (var policy in new[] { "live", "candidate" })
        {
            var q = outcomes.GetProperty(policy);
            quality.AddRow(policy, PolicyListCommand.Text(q, "precision"), PolicyListCommand.Text(q, "recall"), PolicyListCommand.Text(q, "f1"));
        }

        console.Write(quality);
    }

    private static async Task SaveAsync(OttApiClient api, string path, string format, string? file, CancellationToken cancellationToken)
    {
        if (file is null)
        {
            return;
        }

        using var response = await api.Http.GetAsync($"{path}?format={format}", cancellationToken);
        response.EnsureSuccessStatusCode();
        await File.WriteAllBytesAsync(file, await response.Content.ReadAsByteArrayAsync(cancellationToken), cancellationToken);
    }
}
