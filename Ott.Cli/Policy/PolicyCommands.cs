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
