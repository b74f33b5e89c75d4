using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Ott.Api.Hosting;

namespace Ott.Cli.Hosting;

/// <summary>
/// The API with a co-hosted silo, started inside the CLI for <c>demo</c> without <c>--url</c>: memory storage, a fresh
/// cluster id, free loopback ports and one admin user whose random password lives only in this process.
/// </summary>
internal sealed class EmbeddedApi : IAsyncDisposable
{
    public const string AdminUser = "demo-admin";

    private readonly WebApplication _app;

    private EmbeddedApi(WebApplication app, string url, string password)
    {
        _app = app;
        Url = url;
        AdminPassword = password;
    }

    public string Url { get; }

    public string AdminPassword { get; }

    public static async Task<EmbeddedApi> StartAsync(CancellationToken cancellationToken)
    {
        var password = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        var app = ApiApplication.Build(new WebApplicationOptions { EnvironmentName = "Demo", ContentRootPath = AppContext.BaseDirectory }, builder =>
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["urls"] = "http://127.0.0.1:0",
                ["Ott:Profile"] = "Embedded",
                ["Ott:Storage"] = "Memory",
                ["Ott:ClusterId"] = $"demo-{Guid.NewGuid():N}"[..20],
                ["Ott:SiloPort"] = FreePort(),
                ["Ott:GatewayPort"] = FreePort(),
                ["Ott:OrleansDashboard:Enabled"] = "false",
                ["Ott:Security:Users:0:Username"] = AdminUser,
                ["Ott:Security:Users:0:Password"] = password,
                ["Ott:Security:Users:0:Roles:0"] = "admin",
            });

            // The demo prints what the engines answered; the host's own log (alerts, start-up notes) would bury it.
            builder.Logging.AddFilter<ConsoleLoggerProvider>(null, LogLevel.Critical);
        });
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new EmbeddedApi(app, address, password);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static string FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
