using System.ComponentModel.DataAnnotations;

namespace Ott.Grains.Network;

/// <summary>Caps of the fraud-ring graph (configuration section <c>Ott:Network</c>).</summary>
public sealed class RingGraphOptions
{
    public const string Section = "Ott:Network";

    /// <summary>
    /// An identifier shared by more than this many distinct users (public Wi-Fi, carrier NAT) is a hub: it is kept
    /// but never joins components.
    /// </summary>
    [Range(2, 1_000_000)]
    public int HubCap { get; set; } = 50;

    /// <summary>A component with at least this many users is a ring.</summary>
    [Range(2, 1_000_000)]
    public int MinRingSize { get; set; } = 5;

    /// <summary>How often each silo checks the ring snapshot's version.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan CacheRefresh { get; set; } = TimeSpan.FromSeconds(2);
}
