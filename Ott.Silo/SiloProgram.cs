using Microsoft.Extensions.Hosting;
using Ott.Silo.Hosting;

namespace Ott.Silo;

/// <summary>A standalone silo: the same grains and configuration as the API's co-hosted silo, without HTTP.</summary>
public static class SiloProgram
{
    public static Task<int> Main(string[] args) => StartupGuard.RunAsync(async () =>
    {
        // Content root = the output folder, so appsettings.json is found whatever the working directory.
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });
        builder.AddOttSilo();
        var host = builder.Build();
        StartupGuard.ValidateOptions(host.Services);
        await host.RunAsync();
    });
}
