using Ott.Grains.Interfaces;
using Ott.Grains.Policies;

namespace Ott.Grains.Alerts;

/// <summary>A (user, top factor) alert remembered for deduplication, in the user's state.</summary>
[GenerateSerializer, Alias("ott.alert-mark")]
public sealed class AlertMark
{
    [Id(0)] public string TopFactor { get; set; } = "";
    [Id(1)] public string AlertId { get; set; } = "";
    [Id(2)] public DateTimeOffset FirstAt { get; set; }
    [Id(3)] public int Count { get; set; }
}

/// <summary>What to do about an assessment: nothing, a new alert, or a repeat of an open one.</summary>
public readonly record struct AlertDecision(bool Raise, bool Repeat, string AlertId, RiskLevel Severity, string TopFactor, int Count);

/// <summary>
/// docs/alerts.md: an assessment at or above the policy's <c>min_level</c> (default high) raises an alert; severity =
/// level, one step higher for segments whose severity multiplier is at least the policy's step (default 1.5); the same (user, top factor) within the dedupe window is a
/// repeat of the first alert (its count grows) instead of a new one. Marks are capped per user.
/// </summary>
public static class AlertPolicy
{
    public const int MaxMarks = 16;

    /// <summary>The level, one step higher (below critical) for a segment whose multiplier reaches the policy's step.</summary>
    public static RiskLevel Severity(RiskLevel level, double severityMultiplier, AlertRules rules) =>
        severityMultiplier >= rules.SeverityStepMultiplier && level < RiskLevel.Critical ? level + 1 : level;

    public static AlertDecision Decide(Assessment assessment, double severityMultiplier, List<AlertMark> marks, AlertRules rules)
    {
        var window = rules.DedupeWindow;
        if (assessment.RiskLevel < rules.MinLevel || assessment.Factors.Count == 0)
        {
            return default;
        }

        var top = assessment.Factors.MaxBy(f => f.Points)!.Code;
        var severity = Severity(assessment.RiskLevel, severityMultiplier, rules);
        var at = assessment.EventTime;
        var mark = marks.Find(m => m.TopFactor == top);
        if (mark is not null && at >= mark.FirstAt && at - mark.FirstAt < window)
        {
            mark.Count++;
            return new AlertDecision(true, true, mark.AlertId, severity, top, mark.Count);
        }

        var id = "alert-" + assessment.EventId;
        if (mark is null)
        {
            mark = new AlertMark { TopFactor = top };
            marks.Add(mark);
            if (marks.Count > MaxMarks)
            {
                marks.Remove(marks.MinBy(m => m.FirstAt)!);
            }
        }

        mark.AlertId = id;
        mark.FirstAt = at;
        mark.Count = 1;
        return new AlertDecision(true, false, id, severity, top, 1);
    }
}
