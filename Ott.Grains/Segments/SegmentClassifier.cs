using Ott.Grains.Interfaces;

namespace Ott.Grains.Segments;

/// <summary>
/// Chooses a user's segment from the rules of docs/alerts.md, first match wins: suspicious (violations in 30 d
/// above the limit, in a fraud ring, or enough critical assessments in 7 d), new (young account, few events), power
/// (many events, no violations, old account), dormant / inactive (the gap before this event), normal.
/// </summary>
public sealed class SegmentClassifier(SegmentOptions options)
{
    public SegmentDecision Classify(SegmentInputs inputs)
    {
        var o = options;
        var (segment, rule) = inputs switch
        {
            { Violations30d: var v } when v > o.SuspiciousViolations30d =>
                (SegmentNames.Suspicious, $"violations_30d {v} > {o.SuspiciousViolations30d}"),
            { InFraudRing: true } => (SegmentNames.Suspicious, "member of a fraud ring"),
            { CriticalAssessments7d: var c } when c >= o.SuspiciousCritical7d =>
                (SegmentNames.Suspicious, $"critical_assessments_7d {c} >= {o.SuspiciousCritical7d}"),
            { AccountAgeDays: var age, Events30d: var e } when age < o.NewAccountDays && e < o.NewMaxEvents30d =>
                (SegmentNames.New, $"account_age_days {age:0.##} < {o.NewAccountDays} and events_30d {e} < {o.NewMaxEvents30d}"),
            { Events30d: var e, Violations30d: 0, AccountAgeDays: var age } when e > o.PowerMinEvents30d && age > o.PowerMinAccountDays =>
                (SegmentNames.Power, $"events_30d {e} > {o.PowerMinEvents30d}, no violations, account_age_days {age:0.##} > {o.PowerMinAccountDays}"),
            { DaysSincePreviousEvent: >= 0 and var gap } when gap >= o.DormantDays =>
                (SegmentNames.Dormant, $"returned after {gap:0.##} days (>= {o.DormantDays})"),
            { DaysSincePreviousEvent: >= 0 and var gap } when gap >= o.InactiveDays =>
                (SegmentNames.Inactive, $"returned after {gap:0.##} days (>= {o.InactiveDays})"),
            _ => (SegmentNames.Normal, "no other rule matched"),
        };

        return new SegmentDecision(segment, rule, inputs);
    }
}
