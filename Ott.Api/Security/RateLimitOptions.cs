using System.ComponentModel.DataAnnotations;

namespace Ott.Api.Security;

/// <summary>Per-client request limits (requests per minute), partitioned by token subject, else client IP.</summary>
public sealed class RateLimitOptions
{
    [Range(1, int.MaxValue)] public int IngestPerMinute { get; set; } = 10_000;

    /// <summary>Requests a client may send at once above the steady ingest rate.</summary>
    [Range(1, int.MaxValue)] public int IngestBurst { get; set; } = 2_000;

    [Range(1, int.MaxValue)] public int TokenPerMinute { get; set; } = 10;

    [Range(1, int.MaxValue)] public int AnalystPerMinute { get; set; } = 1_000;
}
