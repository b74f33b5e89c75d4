using System.ComponentModel.DataAnnotations;

namespace Ott.Grains.Policies;

/// <summary>How silos follow the policy registry (configuration section <c>Ott:Policies</c>; docs/policies.md).</summary>
public sealed class PolicyOptions
{
    public const string Section = "Ott:Policies";

    /// <summary>How often each silo asks the registry which version is active (an activation is live everywhere within this).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:00:05")]
    public TimeSpan Refresh { get; set; } = TimeSpan.FromSeconds(1);
}
