using System.ComponentModel.DataAnnotations;

namespace Ott.Grains.Ingest;

/// <summary>When logged-but-unassessed events are published again (configuration section <c>Ott:Replay</c>).</summary>
public sealed class ReplayOptions
{
    public const string Section = "Ott:Replay";

    /// <summary>How old an unassessed event must be before it is published again.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan GracePeriod { get; set; } = TimeSpan.FromSeconds(30);

    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(5);

    [Range(1, 100_000)]
    public int BatchSize { get; set; } = 1_000;

    /// <summary>
    /// Most events replayed at once when a silo is declared dead (the oldest pending first); the rest wait for the
    /// grace period. Bounds the extra work when the cluster is behind and the pending events are mostly a backlog.
    /// </summary>
    [Range(0, 10_000_000)]
    public int MaxOnSiloDeath { get; set; } = 20_000;
}
