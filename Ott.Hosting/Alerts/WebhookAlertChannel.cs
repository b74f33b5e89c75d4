using System.Net.Http.Json;
using System.Text.Json;
using Ott.Grains.Alerts;
using Ott.Grains.Interfaces;

namespace Ott.Hosting.Alerts;

/// <summary>POSTs JSON to a URL (generic webhook or Slack-style).</summary>
public sealed class WebhookAlertChannel(string name, string? url, Func<Alert, JsonElement> payload, HttpClient http) : IAlertChannel
{
    public string Name => name;

    public bool IsConfigured => !string.IsNullOrWhiteSpace(url);

    public async Task DeliverAsync(Alert alert, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsJsonAsync(url, payload(alert), cancellationToken);
        response.EnsureSuccessStatusCode();
    }
}
