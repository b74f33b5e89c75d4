using System.ComponentModel.DataAnnotations;

namespace Ott.Grains.Alerts;

/// <summary>Alerting settings (configuration section <c>Ott:Alerts</c>; docs/alerts.md, "Alerts").</summary>
public sealed class AlertOptions
{
    public const string Section = "Ott:Alerts";

    /// <summary>Same user and same top factor within this window: one alert with a repeat count.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan DedupeWindow { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Generic JSON webhook (body in docs/alerts.md).</summary>
    public string? WebhookUrl { get; set; }

    /// <summary>Slack-style incoming webhook (<c>{text, blocks}</c>).</summary>
    public string? SlackWebhookUrl { get; set; }

    public EmailSettings Email { get; set; } = new();

    /// <summary>Channels of alerts that are not about one user (incidents, PIPL thresholds, fraud rings).</summary>
    public List<string> SystemChannels { get; set; } = ["log", "webhook", "slack", "email"];

    [Range(1, 100)] public int MaxAttempts { get; set; } = 6;

    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromSeconds(1);

    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Deliveries waiting at once; beyond it a delivery is marked failed (counted), never blocking the pipeline.</summary>
    [Range(100, 10_000_000)] public int QueueCapacity { get; set; } = 100_000;

    [Range(1, 64)] public int DeliveryWorkers { get; set; } = 4;

    [Range(typeof(TimeSpan), "00:00:00.500", "00:01:00")]
    public TimeSpan DeliveryTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How often a silo writes the repeat counts it gathered: repeats of an open alert are merged in memory (highest
    /// count, latest time) and written once per alert per interval, not once per event.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public TimeSpan RepeatFlushInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Alert lines the log channel writes per second per silo; beyond it one summary line counts the rest (they stay
    /// stored and readable).
    /// </summary>
    [Range(1, 100_000)] public int LogLinesPerSecond { get; set; } = 10;

    /// <summary>Alerts kept for reads (oldest evicted first) in the embedded store.</summary>
    [Range(100, 10_000_000)] public int StoreCapacity { get; set; } = 100_000;
}
