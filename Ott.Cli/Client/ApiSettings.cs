using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Ott.Cli.Client;

/// <summary>Where the API is and who to sign in as; shared by every command.</summary>
public class ApiSettings : CommandSettings
{
    [CommandOption("--url <URL>")]
    [Description("Base address of the API (default: $OTT_URL, else http://localhost:5080, the address of 'dotnet run --project Ott.Api').")]
    public string? Url { get; init; }

    [CommandOption("--user <NAME>")]
    [Description("User to sign in as (default: $OTT_USER). Without a user the requests carry no token, which the embedded profile accepts for ingest.")]
    public string? User { get; init; }

    [CommandOption("--password <PASSWORD>")]
    [Description("Password of --user (default: $OTT_PASSWORD).")]
    public string? Password { get; init; }

    public string ResolvedUrl => Url ?? Environment.GetEnvironmentVariable("OTT_URL") ?? "http://localhost:5080";

    public string? ResolvedUser => User ?? Environment.GetEnvironmentVariable("OTT_USER");

    public string? ResolvedPassword => Password ?? Environment.GetEnvironmentVariable("OTT_PASSWORD");

    public override ValidationResult Validate()
    {
        if (!Uri.TryCreate(ResolvedUrl, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            return ValidationResult.Error($"--url must be an http(s) address (was '{ResolvedUrl}').");
        }

        if (ResolvedUser is not null && ResolvedPassword is null)
        {
            return ValidationResult.Error($"--user {ResolvedUser} needs --password (or $OTT_PASSWORD).");
        }

        return ValidationResult.Success();
    }

    /// <summary>A client for the API, signed in when a user was given.</summary>
    public async Task<OttApiClient> ConnectAsync(HttpMessageHandler? handler, CancellationToken cancellationToken)
    {
        var http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        http.BaseAddress = new Uri(ResolvedUrl);
        http.Timeout = TimeSpan.FromSeconds(100);
        var client = new OttApiClient(http);
        await client.ProbeAsync(cancellationToken);
        if (ResolvedUser is { } user)
        {
            await client.SignInAsync(user, ResolvedPassword!, cancellationToken);
        }

        return client;
    }
}
