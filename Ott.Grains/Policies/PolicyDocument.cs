using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using Ott.Grains.Interfaces;
using Ott.Grains.Scoring;
using Ott.Grains.Segments;

namespace Ott.Grains.Policies;

/// <summary>
/// Every tunable of the decision, as one versioned document (docs/policies.md): the factor points and limits, the
/// adaptive threshold, the segments, the alert rule, the regulation pack it judges with, and the ordered decision
/// rules. Its JSON form (snake_case) is what the API takes and returns; the registry stores that text.
/// </summary>
public sealed class PolicyDocument
{
    /// <summary>What the version is for, in the author's words.</summary>
    [MaxLength(2_000)]
    public string? Description { get; set; }

    /// <summary>The version fields left out of a submitted draft were taken from (null for version 1).</summary>
    public int? BasedOn { get; set; }

    /// <summary>The regulation pack version this policy judges with; must be the pack the silos loaded.</summary>
    public string RegulationPack { get; set; } = "";

    public ScoringOptions Scoring { get; set; } = new();

    public ThresholdOptions Threshold { get; set; } = new();

    public SegmentOptions Segments { get; set; } = new();

    public AlertRules Alerts { get; set; } = new();

    /// <summary>Ordered; the first rule whose conditions all hold sets the action. None matches: the level's action.</summary>
    public List<DecisionRule> Rules { get; set; } = [];
}

/// <summary>When an assessment raises an alert and with what severity (docs/alerts.md, "Alerts").</summary>
public sealed class AlertRules
{
    /// <summary>The lowest level that raises an alert.</summary>
    public RiskLevel MinLevel { get; set; } = RiskLevel.High;

    /// <summary>Segments whose severity multiplier is at least this raise one level higher (below critical).</summary>
    [Range(0.1, 5.0)]
    public double SeverityStepMultiplier { get; set; } = 1.5;

    /// <summary>Same user and same top factor within this window: one alert with a repeat count.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan DedupeWindow { get; set; } = TimeSpan.FromMinutes(10);
}

/// <summary>A declarative decision rule: when every given condition holds, the action is <see cref="Action"/>.</summary>
public sealed class DecisionRule
{
    /// <summary>Shown on every assessment whose action the rule set (<c>decision_rule</c>).</summary>
    public string Id { get; set; } = "";

    public string? Description { get; set; }

    public RuleConditions When { get; set; } = new();

    public RiskAction Action { get; set; }
}

/// <summary>
/// Conditions over the assessment; all given ones must hold, a list holds when any of its values matches. At least
/// one condition is required (a rule without any would decide every event).
/// </summary>
public sealed class RuleConditions
{
    /// <summary>Event types (wire names, e.g. <c>export</c>, <c>bulk_download</c>).</summary>
    public List<string>? EventTypes { get; set; }

    /// <summary>Factor codes of which at least one moved the score.</summary>
    public List<string>? Factors { get; set; }

    /// <summary>Compliance rule ids (<c>consent</c>, <c>cross_border</c>...) of which at least one was violated.</summary>
    public List<string>? ComplianceRules { get; set; }

    /// <summary>Regulation codes (<c>GDPR</c>, <c>COPPA</c>...) of which at least one was violated.</summary>
    public List<string>? Regulations { get; set; }

    public List<RiskLevel>? Levels { get; set; }

    /// <summary>The level at or above which the rule applies.</summary>
    public RiskLevel? MinLevel { get; set; }

    public List<string>? Segments { get; set; }

    /// <summary>Region codes as events carry them (<c>DE</c>, <c>US-CA</c>, <c>EU</c>).</summary>
    public List<string>? Regions { get; set; }

    public bool? InFraudRing { get; set; }

    /// <summary>Whether the anomaly ensemble flagged the event.</summary>
    public bool? Anomaly { get; set; }

    public double? MinScore { get; set; }

    public double? MaxScore { get; set; }

    [JsonIgnore]
    public bool IsEmpty =>
        EventTypes is null && Factors is null && ComplianceRules is null && Regulations is null && Levels is null && MinLevel is null
        && Segments is null && Regions is null && InFraudRing is null && Anomaly is null && MinScore is null && MaxScore is null;
}
