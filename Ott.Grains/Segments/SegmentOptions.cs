using System.ComponentModel.DataAnnotations;
using Ott.Grains.Interfaces;

namespace Ott.Grains.Segments;

/// <summary>Segment rules and parameters (configuration section <c>Ott:Segments</c>).</summary>
public sealed class SegmentOptions : IValidatableObject
{
    public const string Section = "Ott:Segments";

    public static readonly IReadOnlySet<string> KnownChannels = new HashSet<string>(StringComparer.Ordinal) { "log", "webhook", "slack", "email" };

    [Range(1, 1000)] public int SuspiciousViolations30d { get; set; } = 5;
    [Range(1, 1000)] public int SuspiciousCritical7d { get; set; } = 3;
    [Range(1, 3650)] public int NewAccountDays { get; set; } = 30;
    [Range(1, 100_000)] public int NewMaxEvents30d { get; set; } = 50;
    [Range(1, 1_000_000)] public int PowerMinEvents30d { get; set; } = 500;
    [Range(1, 3650)] public int PowerMinAccountDays { get; set; } = 180;
    [Range(1, 3650)] public int DormantDays { get; set; } = 90;
    [Range(1, 3650)] public int InactiveDays { get; set; } = 30;

    /// <summary>Parameters per segment name; the defaults are the table of docs/alerts.md ("Segments").</summary>
    public Dictionary<string, SegmentParameters> Parameters { get; set; } = new(StringComparer.Ordinal)
    {
        [SegmentNames.Suspicious] = new() { ThresholdHigh = 6.0, AnomalySensitivity = 1.5, SeverityMultiplier = 1.5, Channels = ["log", "webhook", "slack", "email"] },
        [SegmentNames.New] = new() { ThresholdHigh = 7.0, AnomalySensitivity = 1.3, SeverityMultiplier = 1.2, Channels = ["log", "webhook", "email"] },
        [SegmentNames.Power] = new() { ThresholdHigh = 9.0, AnomalySensitivity = 0.8, SeverityMultiplier = 0.8, Channels = ["log"] },
        [SegmentNames.Dormant] = new() { ThresholdHigh = 7.0, AnomalySensitivity = 1.1, SeverityMultiplier = 1.2, Channels = ["log", "webhook"] },
        [SegmentNames.Inactive] = new() { ThresholdHigh = 7.0, AnomalySensitivity = 1.2, SeverityMultiplier = 1.1, Channels = ["log", "webhook"] },
        [SegmentNames.Normal] = new() { ThresholdHigh = 8.0, AnomalySensitivity = 1.0, SeverityMultiplier = 1.0, Channels = ["log", "webhook"] },
    };

    public SegmentParameters For(string segment) => Parameters[segment];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var name in SegmentNames.All.Where(n => !Parameters.ContainsKey(n)))
        {
            yield return new ValidationResult($"Parameters has no entry for segment '{name}'.", [nameof(Parameters)]);
        }

        foreach (var (name, parameters) in Parameters)
        {
            if (!SegmentNames.All.Contains(name))
            {
                yield return new ValidationResult($"Parameters names unknown segment '{name}'.", [nameof(Parameters)]);
            }

            foreach (var channel in parameters.Channels.Where(c => !KnownChannels.Contains(c)))
            {
                yield return new ValidationResult($"segment '{name}' has unknown alert channel '{channel}' (log, webhook, slack, email).", [nameof(Parameters)]);
            }

            var results = new List<ValidationResult>();
            if (!Validator.TryValidateObject(parameters, new ValidationContext(parameters), results, validateAllProperties: true))
            {
                foreach (var r in results)
                {
                    yield return new ValidationResult($"segment '{name}': {r.ErrorMessage}", [nameof(Parameters)]);
                }
            }
        }

        if (InactiveDays >= DormantDays)
        {
            yield return new ValidationResult("InactiveDays must be less than DormantDays.", [nameof(InactiveDays)]);
        }
    }
}
