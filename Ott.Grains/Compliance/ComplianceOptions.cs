using System.ComponentModel.DataAnnotations;

namespace Ott.Grains.Compliance;

/// <summary>Compliance stage settings (configuration section <c>Ott:Compliance</c>).</summary>
public sealed class ComplianceOptions
{
    public const string Section = "Ott:Compliance";

    /// <summary>A regulation pack file replacing the embedded one; validated at start-up.</summary>
    public string? PackPath { get; set; }

    /// <summary>
    /// Transfer bases the operator has in place (SCCs, BCRs, a CAC filing...): law code -> destination countries
    /// (<c>*</c> = every destination). A transfer to a listed destination is not a violation.
    /// </summary>
    public Dictionary<string, List<string>> TransferBases { get; set; } = [];

    /// <summary>Whether the operator is a telecom provider (then the ePrivacy 24 h breach notice applies).</summary>
    public bool TelecomProvider { get; set; }

    /// <summary>Records accessed by one user in an hour that open a breach incident.</summary>
    [Range(1, long.MaxValue)] public long BreachRecordsPerHour { get; set; } = 10_000;

    /// <summary>Data-access events by one user in an hour that open a breach incident.</summary>
    [Range(1, 1_000_000)] public int BreachAccessEventsPerHour { get; set; } = 50;

    /// <summary>After an automatic incident for a user, no new one for that user within this time.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "30.00:00:00")]
    public TimeSpan IncidentCooldown { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How often the retention job runs.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "30.00:00:00")]
    public TimeSpan RetentionInterval { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Retention of raw events where no law of the pack applies.</summary>
    [Range(1, 36_500)] public int DefaultRetentionDays { get; set; } = 1825;
}
