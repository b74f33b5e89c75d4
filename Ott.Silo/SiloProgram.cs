using Microsoft.AspNetCore.Builder;
using Ott.Silo.Hosting;

namespace Ott.Silo;

/// <summary>
/// A standalone silo: the same grains and configuration as the API's co-hosted silo, without the API. It serves
/// only its probes over HTTP (<c>/health/live</c>, <c>/health/ready</c>) on <c>--urls</c> (default in appsettings).
/// </summary>
public static class SiloProgram
{
    public static Task<int> Main(string[] args) => StartupGuard.RunAsync(async () =>
    {
        // Content root = the output folder, so appsettings.json is found whatever the working directory.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        var host = builder.AddOttSilo();
        builder.Services.AddOttHealthChecks(host);
        var app = builder.Build();
        StartupGuard.ValidateOptions(app.Services);
        app.MapOttHealth();
        await app.RunAsync();
    });
}
