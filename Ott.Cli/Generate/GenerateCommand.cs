using System.ComponentModel;
using System.Globalization;
using Ott.Cli.Client;
using Ott.Grains.Simulation;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Ott.Cli.Generate;

/// <summary><c>ott generate</c>: sends simulated events to a running API and reports what it accepted.</summary>
public sealed class GenerateCommand(IAnsiConsole console, HttpMessageHandler? handler = null) : AsyncCommand<GenerateCommand.Settings>
{
    public sealed class Settings : ApiSettings
    {
        [CommandOption("-n|--events <COUNT>")]
        [Description("Events to send (default 1000).")]
        public long Events { get; init; } = 1000;

        [CommandOption("-c|--concurrency <N>")]
        [Description("Requests in flight at once (default 4).")]
        public int Concurrency { get; init; } = 4;

        [CommandOption("-b|--batch-size <N>")]
        [Description("Events per request, 1-1000 (default 100); 1 posts each event to /events.")]
        public int BatchSize { get; init; } = 100;

        [CommandOption("--rate <EVENTS_PER_SECOND>")]
        [Description("Target events per second; 0 (default) sends as fast as the API takes them.")]
        public double Rate { get; init; }

        [CommandOption("--scenario <NAME>")]
        [Description("Simulator scenario: mixed (default), normal, credential_stuffing, account_sharing, bulk_exfiltration, eu_tracking_without_consent.")]
        public string Scenario { get; init; } = ScenarioSimulator.Mixed;

        [CommandOption("--seed <N>")]
        [Description("Simulator seed (default: random, printed); with --prefix it repeats a run exactly.")]
        public int? Seed { get; init; }

        [CommandOption("--decisions")]
        [Description("Ask for inline decisions (POST /api/v1/decisions, batches of at most 100) and count the actions answered.")]
        public bool Decisions { get; init; }

        [CommandOption("--prefix <TEXT>")]
        [Description("Leads every generated id (default: cli- and 8 random hex digits, so runs never collide).")]
        public string? Prefix { get; init; }

        public override ValidationResult Validate()
        {
            var api = base.Validate();
            return !api.Successful ? api
                : Events < 1 ? ValidationResult.Error("--events must be at least 1.")
                : Concurrency is < 1 or > 256 ? ValidationResult.Error("--concurrency must be 1-256.")
                : BatchSize is < 1 or > 1000 ? ValidationResult.Error("--batch-size must be 1-1000 (the API's batch limit).")
                : Decisions && BatchSize > 100 ? ValidationResult.Error("--batch-size must be 1-100 with --decisions (the API's decision batch limit).")
                : !(Rate >= 0) ? ValidationResult.Error("--rate must be 0 or more.")
                : Scenario != ScenarioSimulator.Mixed && !ScenarioSimulator.Scenarios.Contains(Scenario)
                    ? ValidationResult.Error($"--scenario must be one of {ScenarioSimulator.Mixed}, {string.Join(", ", ScenarioSimulator.Scenarios)}.")
                : Prefix is { } p && (p.Length is 0 or > 48 || !p.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or ':' or '@' or '-'))
                    ? ValidationResult.Error("--prefix must be 1-48 characters of [A-Za-z0-9._:@-].")
                : ValidationResult.Success();
        }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var seed = settings.Seed ?? Random.Shared.Next();
        var prefix = settings.Prefix ?? $"cli-{Random.Shared.Next():x8}";
        var options = new GenerateOptions(settings.Events, settings.Concurrency, settings.BatchSize, settings.Rate, settings.Scenario, seed, prefix,
            settings.Decisions);
        var client = await settings.ConnectAsync(handler, cancellationToken);
        using var http = client.Http;
        console.MarkupLine(CultureInfo.InvariantCulture,
            "Sending [bold]{0:N0}[/] events ([green]{1}[/], seed {2}, ids {3}-…) to {4}, {5} per request, {6} in flight{7}",
            options.Events, Markup.Escape(options.Scenario), seed, Markup.Escape(prefix), Markup.Escape(settings.ResolvedUrl),
            options.BatchSize, options.Concurrency, options.Rate > 0 ? string.Create(CultureInfo.InvariantCulture, $", at {options.Rate:0.#} events/s") : "");

        var events = EventSource.Generate(options.Scenario, options.Events, seed, prefix, DateTimeOffset.UtcNow);
        GenerateSummary summary = null!;
        await console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async progress =>
            {
                var task = progress.AddTask("events", maxValue: options.Events);
                summary = await Generator.RunAsync(client, options, events, n => task.Increment(n), cancellationToken);
            });

        var table = new Table().Border(TableBorder.Rounded).AddColumn("sent").AddColumn("accepted").AddColumn("duplicates")
            .AddColumn("rejected").AddColumn("failed").AddColumn("retries").AddColumn("seconds").AddColumn("events/s");
        table.AddRow(N(summary.Sent), N(summary.Accepted), N(summary.Duplicates), N(summary.Rejected), N(summary.Failed), N(summary.Retries),
            summary.Elapsed.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture), summary.EventsPerSecond.ToString("0.0", CultureInfo.InvariantCulture));
        console.Write(table);
        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"sent={summary.Sent} accepted={summary.Accepted} duplicates={summary.Duplicates} rejected={summary.Rejected} failed={summary.Failed} events_per_second={summary.EventsPerSecond:0.0}"));
        if (options.Decisions)
        {
            console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"decided={summary.Actions.Values.Sum()} queued={summary.Queued} {string.Join(' ', summary.Actions.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => $"{a.Key}={a.Value}"))}"));
        }

        if (summary.LastError is { } error)
        {
            console.MarkupLine("[yellow]last error:[/] {0}", Markup.Escape(error));
        }

        return summary.Failed == 0 && summary.Rejected == 0 && summary.Sent == options.Events ? 0 : 1;
    }

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
