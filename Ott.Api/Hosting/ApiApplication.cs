using Ott.Hosting;

namespace Ott.Api.Hosting;

/// <summary>
/// Builds the API application exactly as <c>dotnet run --project Ott.Api</c> does (co-hosted silo or cluster client,
/// validated options, every endpoint mapped), so other hosts (the CLI's embedded demo) run the same code.
/// </summary>
public static class ApiApplication
{
    public static WebApplication Build(WebApplicationOptions options, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(options);
        configure?.Invoke(builder);
        builder.AddOttSiloOrClient();
        builder.AddOttApi();

        var app = builder.Build();
        StartupGuard.ValidateOptions(app.Services);
        app.MapOttApi();
        return app;
    }
}
