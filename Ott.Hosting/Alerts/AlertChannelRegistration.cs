using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Ott.Grains.Alerts;

namespace Ott.Hosting.Alerts;

/// <summary>The alert channels that leave the process (webhook, Slack, email); the log channel comes with the grains.</summary>
public static class AlertChannelRegistration
{
    /// <summary>The outbound channels for <paramref name="options"/>, posting with <paramref name="http"/>.</summary>
    public static IAlertChannel[] Outbound(AlertOptions options, HttpClient http) =>
    [
        new WebhookAlertChannel("webhook", options.WebhookUrl, AlertPayloads.Webhook, http),
        new WebhookAlertChannel("slack", options.SlackWebhookUrl, AlertPayloads.Slack, http),
        new EmailAlertChannel(options.Email),
    ];

    public static IServiceCollection AddOttAlertChannels(this IServiceCollection services)
    {
        services.AddSingleton<AlertHttpClient>();
        foreach (var index in Enumerable.Range(0, 3))
        {
            services.AddSingleton<IAlertChannel>(sp =>
                Outbound(sp.GetRequiredService<IOptions<AlertOptions>>().Value, sp.GetRequiredService<AlertHttpClient>().Http)[index]);
        }

        return services;
    }
}

/// <summary>The HTTP client the webhook channels share (one connection pool, the configured delivery timeout).</summary>
public sealed class AlertHttpClient(IOptions<AlertOptions> options) : IDisposable
{
    public HttpClient Http { get; } = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = options.Value.DeliveryTimeout };

    public void Dispose() => Http.Dispose();
}
