using System.ComponentModel.DataAnnotations;

namespace Ott.Grains.Scoring;

/// <summary>Points and conditions of the rule factors (configuration section <c>Ott:Scoring</c>; docs/scoring.md, "Factors").</summary>
public sealed class ScoringOptions : IValidatableObject
{
    public const string Section = "Ott:Scoring";

    /// <summary>Threshold T used until segments provide one.</summary>
    [Range(4.0, 12.0)]
    public double DefaultThreshold { get; set; } = 8.0;

    /// <summary>Width of the medium and high bands below and above T.</summary>
    [Range(0.5, 10.0)]
    public double LevelBand { get; set; } = 3.0;

    [Range(0.0, 20.0)] public double AuthOrPlaybackErrorPoints { get; set; } = 3.0;
    [Range(0.0, 20.0)] public double EuNoConsentPoints { get; set; } = 5.0;

    [Range(0.0, 20.0)] public double MultiRegionPoints { get; set; } = 2.0;

    /// <summary>The factor fires when distinct countries in the last hour exceed this.</summary>
    [Range(1, 100)] public int MultiRegionMaxRegions { get; set; } = 2;

    [Range(0.0, 20.0)] public double HighFrequencyPoints { get; set; } = 1.0;

    /// <summary>The factor fires when events in the last hour exceed this.</summary>
    [Range(1, 100_000)] public int HighFrequencyMaxEventsPerHour { get; set; } = 10;

    /// <summary>
    /// Per event type (wire name) overrides: for an event of that type, the factor compares the number of events of
    /// the same type in the last hour with this value instead (e.g. <c>seek: 120</c>).
    /// </summary>
    public Dictionary<string, int> HighFrequencyMaxPerType { get; set; } = [];

    [Range(0.0, 20.0)] public double CredentialStuffingPoints { get; set; } = 3.0;
    [Range(1, 1000)] public int CredentialStuffingMinFailures { get; set; } = 5;
    [Range(1, 1000)] public int CredentialStuffingMinIps { get; set; } = 3;

    [Range(0.0, 20.0)] public double BulkDataAccessPoints { get; set; } = 2.0;

    /// <summary>Records accessed in the last hour at or above which access can be "bulk" (with the norm test).</summary>
    [Range(1, long.MaxValue)] public long BulkMinRecordsPerHour { get; set; } = 1_000;

    /// <summary>How many times the user's norm (records per data-access event) counts as "far above".</summary>
    [Range(1.0, 1000.0)] public double BulkNormMultiplier { get; set; } = 10.0;

    /// <summary>Data-access events in the last hour above which access is bulk whatever the records.</summary>
    [Range(1, 100_000)] public int BulkMaxAccessEventsPerHour { get; set; } = 20;

    /// <summary>Points per regulation violation not scored by a factor of its own.</summary>
    [Range(0.0, 20.0)] public double RegulationViolationPoints { get; set; } = 2.0;

    /// <summary>Cap of the regulation_violation factor.</summary>
    [Range(0.0, 50.0)] public double RegulationViolationMaxPoints { get; set; } = 6.0;

    [Range(0.0, 20.0)] public double ChildDataPoints { get; set; } = 6.0;
    [Range(0.0, 20.0)] public double CrossBorderPoints { get; set; } = 3.0;

    [Range(0.0, 20.0)] public double GeoMismatchPoints { get; set; } = 2.0;
    [Range(0.0, 20.0)] public double VpnPoints { get; set; } = 1.0;
    [Range(0.0, 20.0)] public double HostingPoints { get; set; } = 2.0;
    [Range(0.0, 20.0)] public double TorPoints { get; set; } = 2.0;
    [Range(0.0, 20.0)] public double ImpossibleTravelPoints { get; set; } = 3.0;

    /// <summary>fraud_ring_member = this x ring risk.</summary>
    [Range(0.0, 20.0)] public double FraudRingWeight { get; set; } = 2.0;

    /// <summary>ml_anomaly = this x ensemble score x the segment's anomaly sensitivity.</summary>
    [Range(0.0, 20.0)] public double MlAnomalyWeight { get; set; } = 2.0;

    /// <summary>violation_prediction = this x likelihood, when the likelihood is above <see cref="ViolationPredictionMin"/>.</summary>
    [Range(0.0, 20.0)] public double ViolationPredictionWeight { get; set; } = 2.0;

    [Range(0.0, 1.0)] public double ViolationPredictionMin { get; set; } = 0.7;

    [Range(-20.0, 20.0)] public double PlanBasicPoints { get; set; } = 1.0;
    [Range(-20.0, 20.0)] public double PlanTrialPoints { get; set; } = 1.0;
    [Range(-20.0, 20.0)] public double PlanPremiumPoints { get; set; } = -1.0;
    [Range(-20.0, 20.0)] public double PlanVipPoints { get; set; } = -1.0;
    [Range(-20.0, 20.0)] public double PlanStandardPoints { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (type, max) in HighFrequencyMaxPerType)
        {
            if (!Interfaces.EventTypes.All.Any(t => Interfaces.EventTypes.ToWireName(t) == type))
            {
                yield return new ValidationResult(
                    $"HighFrequencyMaxPerType has '{type}', which is not an event type.", [nameof(HighFrequencyMaxPerType)]);
            }

            if (max < 1)
            {
                yield return new ValidationResult(
                    $"HighFrequencyMaxPerType['{type}'] must be at least 1.", [nameof(HighFrequencyMaxPerType)]);
            }
        }
    }
}
