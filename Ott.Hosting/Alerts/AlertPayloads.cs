using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Ott.Grains.Interfaces;

namespace Ott.Hosting.Alerts;

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
