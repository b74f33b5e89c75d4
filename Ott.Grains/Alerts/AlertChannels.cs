using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Logging;
using MimeKit;
using Ott.Grains.Interfaces;

namespace Ott.Grains.Alerts;

/// <summary>One way an alert leaves the system.</summary>
public interface IAlertChannel
{
    /// <summary><c>log</c>, <c>webhook</c>, <c>slack</c> or <c>email</c>.</summary>
    string Name { get; }

    /// <summary>False when the channel has no destination configured (deliveries are then <c>not_configured</c>).</summary>
    bool IsConfigured { get; }

    /// <summary>Delivers once; throws on failure (the dispatcher retries with backoff).</summary>
    Task DeliverAsync(Alert alert, CancellationToken cancellationToken);
}

/// <summary>The JSON shapes the webhook channels send (documented in docs/alerts.md).</summary>
public static class AlertPayloads
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    /// <summary>The generic webhook body: the alert's fields plus a link to the assessment.</summary>
    public static JsonElement Webhook(Alert a) => JsonSerializer.SerializeToElement(new
    {
        a.Id,
        a.Kind,
        a.Severity,
        a.Title,
        a.Detail,
        a.UserId,
        a.EventId,
        a.Segment,
        a.TopFactor,
        a.RiskScore,
        RaisedAt = a.RaisedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
        a.Count,
        Assessment = a.EventId is null ? null : $"/api/v1/events/{a.EventId}/assessment",
    }, Json);

    /// <summary>A Slack-style incoming-webhook body: <c>text</c> (fallback) and <c>blocks</c>.</summary>
    public static JsonElement Slack(Alert a) => JsonSerializer.SerializeToElement(new
    {
        text = $"[{Upper(a.Severity)}] {a.Title}",
        blocks = new object[]
        {
            new { type = "header", text = new { type = "plain_text", text = $"{Upper(a.Severity)}: {a.Title}" } },
            new { type = "section", text = new { type = "mrkdwn", text = a.Detail } },
            new
            {
                type = "context",
                elements = new[]
                {
                    new
                    {
                        type = "mrkdwn",
                        text = string.Join(" | ", new[]
                        {
                            a.UserId is null ? null : $"user `{a.UserId}`",
                            a.Segment is null ? null : $"segment {a.Segment}",
                            a.RiskScore is null ? null : string.Create(CultureInfo.InvariantCulture, $"score {a.RiskScore:0.##}"),
                            $"alert {a.Id}",
                        }.Where(p => p is not null)),
                    },
                },
            },
        },
    });

    public static string Upper(RiskLevel severity) => severity.ToString().ToUpperInvariant();
}

/// <summary>Writes alerts to the application log (always configured).</summary>
public sealed partial class LogAlertChannel(ILogger<LogAlertChannel> logger) : IAlertChannel
{
    public string Name => "log";

    public bool IsConfigured => true;

    public Task DeliverAsync(Alert alert, CancellationToken cancellationToken)
    {
        LogAlert(logger, alert.Severity, alert.Title, alert.Id);
        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "ALERT {Severity}: {Title} ({AlertId})")]
    private static partial void LogAlert(ILogger logger, RiskLevel severity, string title, string alertId);
}

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

/// <summary>Sends a plain-text email over SMTP (MailKit).</summary>
public sealed class EmailAlertChannel(EmailSettings settings) : IAlertChannel
{
    public string Name => "email";

    public bool IsConfigured => !string.IsNullOrWhiteSpace(settings.Host) && settings.To.Count > 0;

    public async Task DeliverAsync(Alert alert, CancellationToken cancellationToken)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(settings.From));
        foreach (var to in settings.To)
        {
            message.To.Add(MailboxAddress.Parse(to));
        }

        message.Subject = $"[OTT {AlertPayloads.Upper(alert.Severity)}] {alert.Title}";
        message.Body = new TextPart("plain")
        {
            Text = string.Join('\n', new[]
            {
                alert.Detail,
                "",
                $"alert: {alert.Id}",
                alert.UserId is null ? null : $"user: {alert.UserId}",
                alert.EventId is null ? null : $"event: {alert.EventId} (/api/v1/events/{alert.EventId}/assessment)",
                alert.Segment is null ? null : $"segment: {alert.Segment}",
                $"raised: {alert.RaisedAt.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC",
            }.Where(l => l is not null)),
        };

        using var client = new SmtpClient();
        await client.ConnectAsync(settings.Host!, settings.Port, settings.UseTls ? SecureSocketOptions.StartTls : SecureSocketOptions.None, cancellationToken);
        if (!string.IsNullOrEmpty(settings.Username))
        {
            await client.AuthenticateAsync(settings.Username, settings.Password ?? "", cancellationToken);
        }

        await client.SendAsync(message, cancellationToken);
        await client.DisconnectAsync(true, cancellationToken);
    }
}
