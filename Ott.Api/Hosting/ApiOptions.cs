using System.ComponentModel.DataAnnotations;

namespace Ott.Api.Hosting;

/// <summary>HTTP-side limits and switches (configuration section <c>Ott:Api</c>).</summary>
public sealed class ApiOptions
{
    public const string Section = "Ott:Api";

    /// <summary>Largest request body accepted; larger is 413.</summary>
    [Range(1_024, 64 * 1024 * 1024)]
    public int MaxBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>Most events in one <c>POST /events/batch</c>.</summary>
    [Range(1, 10_000)]
    public int MaxBatchSize { get; set; } = 1_000;

    /// <summary>
    /// How long <c>POST /api/v1/decisions</c> waits for the assessment before it answers 202 with the event queued
    /// and a Location to read the decision from.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:00:10")]
    public TimeSpan DecisionBudget { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Most events in one <c>POST /api/v1/decisions/batch</c>.</summary>
    [Range(1, 1_000)]
    public int MaxDecisionBatchSize { get; set; } = 100;

    /// <summary>Longest <c>POST /process/drain</c> waits when the caller does not say.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Seconds a client is told to wait (Retry-After) when ingest is saturated.</summary>
    [Range(1, 3600)]
    public int RetryAfterSeconds { get; set; } = 1;

    /// <summary>
    /// Maps <c>/bench/noop/events</c> and <c>/bench/noop/events/batch</c>: the same reading and validation as ingest,
    /// no grain call. For measuring the HTTP ceiling in bench/ only; off by default.
    /// </summary>
    public bool NoopIngestEndpoints { get; set; }
}
