using System.ComponentModel.DataAnnotations;

namespace Ott.Hosting;

/// <summary>Event stream settings (memory streams, pulled by agents).</summary>
public sealed class StreamSettings
{
    /// <summary>Queues (pulling agents) the stream is partitioned into.</summary>
    [Range(1, 256)] public int Queues { get; set; } = 8;

    /// <summary>How often each agent pulls its queue.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:00:10")]
    public TimeSpan PullPeriod { get; set; } = TimeSpan.FromMilliseconds(10);

    /// <summary>Most stream batches an agent hands to consumers per pull.</summary>
    [Range(1, 10_000)] public int BatchSize { get; set; } = 100;

    /// <summary>Shortest time a delivered event stays in an agent's cache.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan CacheMinTime { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Longest time an event stays in an agent's cache.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan CacheMaxAge { get; set; } = TimeSpan.FromSeconds(15);
}
