using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace Ott.Grains.Segments;

/// <summary>
/// Adaptive threshold settings (configuration section <c>Ott:Threshold</c>; docs/alerts.md, "Adaptive threshold"). The
/// decision fields are part of the policy (docs/policies.md); the two operational ones (sample capacity, cache refresh)
/// stay configuration and are not in the policy document.
/// </summary>
public sealed class ThresholdOptions
{
    public const string Section = "Ott:Threshold";

    [Range(0.0, 20.0)] public double Min { get; set; } = 4.0;
    [Range(0.0, 20.0)] public double Max { get; set; } = 12.0;
    [Range(0.0, 0.5)] public double NightAdjustment { get; set; } = 0.15;
    [Range(0.0, 0.5)] public double LateEveningAdjustment { get; set; } = 0.05;
    [Range(0.0, 1.0)] public double RegionRateHigh { get; set; } = 0.10;
    [Range(0.0, 1.0)] public double RegionRateVeryHigh { get; set; } = 0.20;
    [Range(0.0, 0.5)] public double RegionHighAdjustment { get; set; } = 0.10;
    [Range(0.0, 0.5)] public double RegionVeryHighAdjustment { get; set; } = 0.20;

    /// <summary>Outcomes a segment needs before its threshold is learned.</summary>
    [Range(10, 1_000_000)] public int LearningMinOutcomes { get; set; } = 200;

    /// <summary>Share of assessments the learned threshold aims to flag.</summary>
    [Range(0.001, 0.5)] public double TargetAlertRate { get; set; } = 0.05;

    /// <summary>How far the learned base moves toward the quantile (0.5 = halfway).</summary>
    [Range(0.0, 1.0)] public double LearningBlend { get; set; } = 0.5;

    /// <summary>The learned base stays within this share of the segment's threshold.</summary>
    [Range(0.0, 1.0)] public double LearningBound { get; set; } = 0.25;

    /// <summary>Scores with outcomes kept per segment.</summary>
    [Range(100, 1_000_000), JsonIgnore] public int LearningSampleCapacity { get; set; } = 10_000;

    /// <summary>How often silos refresh region rates and learned thresholds.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00"), JsonIgnore]
    public TimeSpan CacheRefresh { get; set; } = TimeSpan.FromSeconds(30);
}
