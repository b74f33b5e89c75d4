using Microsoft.Extensions.DependencyInjection;
using Ott.Cli.Client;
using Ott.Cli.Demo;
using Ott.Cli.Generate;
using Ott.Cli.Hosting;
using Ott.Cli.Policy;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Ott.Cli;

/// <summary><c>Ott.Cli</c>: load generator and demo for the OTT compliance API.</summary>
public static class CliProgram
{
    public static Task<int> Main(string[] args) => RunAsync(args, AnsiConsole.Console);

    /// <summary>Runs the CLI writing to <paramref name="console"/>; <paramref name="handler"/> replaces the network (tests).</summary>
    public static async Task<int> RunAsync(string[] args, IAnsiConsole console, HttpMessageHandler? handler = null, CancellationToken cancellationToken = default)
    {
        var services = new ServiceCollection().AddSingleton(console);
        if (handler is not null)
        {
            services.AddSingleton(handler);
        }

        var app = new CommandApp(new TypeRegistrar(services));
        app.Configure(config =>
        {
            config.SetApplicationName("Ott.Cli");
            config.ConfigureConsole(console);
            config.AddCommand<GenerateCommand>("generate")
                .WithDescription("Send simulated events to a running API, with a progress bar and a closing summary.")
                .WithExample("generate", "--events", "10000", "--url", "http://localhost:5080");
            config.AddCommand<DemoCommand>("demo")
                .WithDescription("Run the eight scenarios against a running API (--url, admin user) or one started in this process.")
                .WithExample("demo")
                .WithExample("demo", "--url", "http://localhost:5080", "--user", "admin", "--password", "admin123");
            config.AddBranch("policy", policy =>
            {
                policy.SetDescription("Decision policies: list, get, create, diff, backtest, activate (docs/policies.md).");
                policy.AddCommand<PolicyListCommand>("list").WithDescription("Every version with its status and last activation.");
                policy.AddCommand<PolicyGetCommand>("get").WithDescription("A version's document as JSON (default: the active one).")
                    .WithExample("policy", "get", "2", "--user", "analyst", "--password", "analyst123");
                policy.AddCommand<PolicyCreateCommand>("create").WithDescription("Store a draft from a JSON file (admin).")
                    .WithExample("policy", "create", "stricter.json", "--user", "admin", "--password", "admin123");
                policy.AddCommand<PolicyDiffCommand>("diff").WithDescription("What changed from one version to another.")
                    .WithExample("policy", "diff", "1", "2");
                policy.AddCommand<PolicyBacktestCommand>("backtest").WithDescription("Replay a period under a version and the live one, with progress.")
                    .WithExample("policy", "backtest", "2", "--from", "2026-12-01T00:00:00Z", "--to", "2026-12-08T00:00:00Z", "--analyst-only");
                policy.AddCommand<PolicyActivateCommand>("activate").WithDescription("Make a version live on every silo (admin).")
                    .WithExample("policy", "activate", "2", "--user", "admin", "--password", "admin123");
            });
            config.SetExceptionHandler((e, _) =>
            {
                console.MarkupLine("[red]error:[/] {0}", Markup.Escape(e is CliException or CommandAppException ? e.Message : e.ToString()));
                return 2;
            });
        });

        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            return await app.RunAsync(args, cancel.Token);
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }
}
