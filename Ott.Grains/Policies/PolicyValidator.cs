using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Ott.Grains.Compliance;
using Ott.Grains.Geo;
using Ott.Grains.Interfaces;
using Ott.Grains.Scoring;

namespace Ott.Grains.Policies;

/// <summary>
/// Reads and checks a submitted policy (docs/policies.md, "Validation"): well-formed JSON, no unknown field, every
/// value in its range, the regulation pack the silos run, and decision rules that can match (known event types,
/// factors, compliance rules, regulations, segments and regions). Every problem is reported, each with its path.
/// </summary>
public static partial class PolicyValidator
{
    public const int MaxRules = 200;

    /// <summary>
    /// The document <paramref name="submitted"/> describes, fields it leaves out taken from <paramref name="basis"/>
    /// (the version named by <c>based_on</c>); null with the errors when it is refused.
    /// </summary>
    public static PolicyDocument? Read(string submitted, JsonNode? basis, RegulationPack pack, out IReadOnlyList<PolicyError> errors)
    {
        JsonNode? patch;
        try
        {
            patch = JsonNode.Parse(submitted);
        }
        catch (JsonException ex)
        {
            errors = new[] { new PolicyError(ex.Path ?? "$", $"not valid JSON: {Trim(ex.Message)}") };
            return null;
        }

        if (patch is not JsonObject)
        {
            errors = new[] { new PolicyError("$", "must be a JSON object") };
            return null;
        }

        PolicyDocument? document;
        try
        {
            document = JsonSerializer.Deserialize<PolicyDocument>(PolicyJson.Merge(basis, patch)!, PolicyJson.Options);
        }
        catch (JsonException ex)
        {
            errors = new[] { new PolicyError(ex.Path ?? "$", Reason(ex)) };
            return null;
        }

        errors = Check(document!, pack);
        return errors.Count == 0 ? document : null;
    }

    /// <summary>Every rule a whole document breaks (empty: valid).</summary>
    public static IReadOnlyList<PolicyError> Check(PolicyDocument document, RegulationPack pack)
    {
        var errors = new List<PolicyError>();
        Annotations(document, "$", errors);
        Annotations(document.Scoring, "$.scoring", errors);
        Annotations(document.Threshold, "$.threshold", errors);
        Annotations(document.Segments, "$.segments", errors);
        Annotations(document.Alerts, "$.alerts", errors);

        if (document.Threshold.Min > document.Threshold.Max)
        {
            errors.Add(new("$.threshold.min", $"must not be above max ({document.Threshold.Max})"));
        }

        if (!Enum.IsDefined(document.Alerts.MinLevel))
        {
            errors.Add(new("$.alerts.min_level", "must be one of low, medium, high, critical"));
        }

        if (document.RegulationPack != pack.Version)
        {
            errors.Add(new("$.regulation_pack", $"is '{document.RegulationPack}', but the silos judge with pack '{pack.Version}'"));
        }

        if (document.Rules.Count > MaxRules)
        {
            errors.Add(new("$.rules", $"has {document.Rules.Count} rules; at most {MaxRules}"));
        }

        var regulations = pack.Regulations.Select(r => r.Code).ToHashSet(StringComparer.Ordinal);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < document.Rules.Count; i++)
        {
            CheckRule(document.Rules[i], $"$.rules[{i}]", ids, regulations, errors);
        }

        return errors;
    }

    private static void CheckRule(DecisionRule rule, string path, HashSet<string> ids, HashSet<string> regulations, List<PolicyError> errors)
    {
        if (rule is null)
        {
            errors.Add(new(path, "must be a rule object"));
            return;
        }

        if (!RuleId().IsMatch(rule.Id ?? ""))
        {
            errors.Add(new($"{path}.id", "is required: 1-64 of a-z, 0-9, '_', '-', '.', starting with a letter or digit"));
        }
        else if (!ids.Add(rule.Id!))
        {
            errors.Add(new($"{path}.id", $"'{rule.Id}' is used by an earlier rule"));
        }

        if (!Enum.IsDefined(rule.Action))
        {
            errors.Add(new($"{path}.action", "is required: allow, review or block"));
        }

        var when = rule.When;
        if (when is null || when.IsEmpty)
        {
            errors.Add(new($"{path}.when", "needs at least one condition (a rule without one would decide every event)"));
            return;
        }

        var at = $"{path}.when";
        Known(when.EventTypes, $"{at}.event_types", t => EventTypes.All.Any(e => e.ToWireName() == t), "an event type", errors);
        Known(when.Factors, $"{at}.factors", FactorCodes.All.Contains, "a factor code", errors);
        Known(when.ComplianceRules, $"{at}.compliance_rules", ComplianceRules.All.Contains, "a compliance rule id", errors);
        Known(when.Regulations, $"{at}.regulations", regulations.Contains, "a regulation of the pack", errors);
        Known(when.Segments, $"{at}.segments", SegmentNames.All.Contains, "a segment", errors);
        Known(when.Regions, $"{at}.regions", r => RegionCodes.Normalize(r, out _) == r, "a region code as events carry it (e.g. DE, US-CA, EU)", errors);
        if (when.Levels is { Count: 0 })
        {
            errors.Add(new($"{at}.levels", "is empty; leave it out to match every level"));
        }

        if (when.MinScore is { } min && when.MaxScore is { } max && min > max)
        {
            errors.Add(new($"{at}.min_score", $"must not be above max_score ({max})"));
        }
    }

    private static void Known(List<string>? values, string path, Func<string, bool> known, string what, List<PolicyError> errors)
    {
        if (values is null)
        {
            return;
        }

        if (values.Count == 0)
        {
            errors.Add(new(path, "is empty; leave it out to match every value"));
        }

        for (var i = 0; i < values.Count; i++)
        {
            if (values[i] is not { } value || !known(value))
            {
                errors.Add(new($"{path}[{i}]", $"'{values[i]}' is not {what}"));
            }
        }
    }

    /// <summary>Range and type annotations and <see cref="IValidatableObject"/> checks of one section.</summary>
    private static void Annotations(object? section, string path, List<PolicyError> errors)
    {
        if (section is null)
        {
            errors.Add(new(path, "must not be null"));
            return;
        }

        var results = new List<ValidationResult>();
        Validator.TryValidateObject(section, new ValidationContext(section), results, validateAllProperties: true);
        foreach (var result in results)
        {
            var member = result.MemberNames.FirstOrDefault();
            var message = result.ErrorMessage ?? "is invalid";
            if (member is not null)
            {
                // "The field EuNoConsentPoints must be between 0 and 20." -> "must be between 0 and 20."
                message = message.Replace($"The field {member} ", "", StringComparison.Ordinal);
            }

            errors.Add(new(member is null ? path : $"{path}.{PolicyJson.Name(member)}", message));
        }
    }

    private static string Reason(JsonException ex)
    {
        var message = ex.Message;
        if (message.Contains("could not be mapped", StringComparison.Ordinal))
        {
            return "unknown field";
        }

        return message switch
        {
            _ when message.Contains("RiskLevel", StringComparison.Ordinal) => "must be one of low, medium, high, critical",
            _ when message.Contains("RiskAction", StringComparison.Ordinal) => "must be one of allow, review, block",
            _ when message.Contains("TimeSpan", StringComparison.Ordinal) => "must be a duration such as 00:10:00",
            _ when message.Contains("System.Boolean", StringComparison.Ordinal) => "must be true or false",
            _ when message.Contains("System.String", StringComparison.Ordinal) => "must be a string",
            _ when message.Contains("System.Double", StringComparison.Ordinal) || message.Contains("System.Int", StringComparison.Ordinal)
                => "must be a number in range",
            _ when message.Contains("List", StringComparison.Ordinal) => "must be an array",
            _ => "has the wrong type: " + Trim(message),
        };
    }

    private static string Trim(string message)
    {
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return cut < 0 ? message : message[..cut];
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9_.-]{0,63}$")]
    private static partial Regex RuleId();
}
