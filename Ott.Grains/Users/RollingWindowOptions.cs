using System.ComponentModel.DataAnnotations;

namespace Ott.Grains.Users;

/// <summary>Caps and tolerances of a user's rolling state (configuration section <c>Ott:Rolling</c>).</summary>
public sealed class RollingWindowOptions
{
    public const string Section = "Ott:Rolling";

    /// <summary>How late (by event time, behind the newest event) an event may arrive and still be placed exactly.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "06:00:00")]
    public TimeSpan LateTolerance { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Most events kept for the exact 1 h windows; above it, 1 h counts saturate at this value.</summary>
    [Range(16, 4096)]
    public int DetailCapacity { get; set; } = 256;

    /// <summary>Most distinct IPs, countries and devices tracked each; distinct counts saturate at this value.</summary>
    [Range(4, 256)]
    public int DistinctValueCapacity { get; set; } = 32;

    /// <summary>Events kept in arrival order (errors in the last 50, violation baseline over the last 100).</summary>
    [Range(50, 1000)]
    public int RecentEventCapacity { get; set; } = 100;

    /// <summary>Assessment summaries kept in the user's state (the full assessments live in the assessment log).</summary>
    [Range(1, 500)]
    public int RecentAssessmentCapacity { get; set; } = 50;

    /// <summary>Event-id hashes kept to drop redelivered events.</summary>
    [Range(16, 4096)]
    public int RecentEventIdCapacity { get; set; } = 256;
}
