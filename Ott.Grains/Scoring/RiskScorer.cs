using System.Globalization;
using Ott.Grains.Geo;
using Ott.Grains.Interfaces;
using Ott.Grains.Users;

namespace Ott.Grains.Scoring;

/// <summary>The rule part of an assessment: factors, score, level and action against a threshold.</summary>
public sealed record ScoreResult(
    IReadOnlyList<RiskFactor> Factors,
    IReadOnlyList<DataQualityNote> Notes,
    double Score,
    RiskLevel Level,
    RiskAction Action,
    double Threshold);

/// <summary>
/// Scores one event from its rolling observation with the rule factors of docs/scoring.md ("Factors"). Pure: same input,
/// same result. Stages added later (compliance, anomaly, prediction, network, geo) contribute their own factors
/// through <see cref="Score"/>'s <c>extraFactors</c>.
/// </summary>
public sealed class RiskScorer(ScoringOptions options)
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public ScoringOptions Options { get; } = options;

    /// <summary>Scores <paramref name="e"/> against threshold <paramref name="threshold"/>.</summary>
    public ScoreResult Score(OttEvent e, in Observation observation, double threshold,
        ComplianceVerdict? compliance = null, IReadOnlyList<RiskFactor>? extraFactors = null)
    {
        var factors = new List<RiskFactor>(4);
        var f = observation.Features;
        var o = Options;

        if (e.Type.IsErrorLike())
        {
            factors.Add(new(FactorCodes.AuthOrPlaybackError, o.AuthOrPlaybackErrorPoints, $"{e.Type.ToWireName()} event"));
        }

        var euNoConsent = RegionCodes.IsGdprArea(e.Region) && !e.HasConsent;
        if (euNoConsent)
        {
            factors.Add(new(FactorCodes.EuNoConsent, o.EuNoConsentPoints, $"GDPR-area event ({e.Region}) without consent"));
        }

        if (f.DistinctRegionsLastHour > o.MultiRegionMaxRegions)
        {
            factors.Add(new(FactorCodes.MultiRegionAccess, o.MultiRegionPoints,
                $"{f.DistinctRegionsLastHour} countries in the last hour (more than {o.MultiRegionMaxRegions})"));
        }

        AddHighFrequency(e, observation, factors);

        if (f.AuthFailuresLastHour >= o.CredentialStuffingMinFailures || f.AuthFailureIpsLastHour >= o.CredentialStuffingMinIps)
        {
            factors.Add(new(FactorCodes.CredentialStuffing, o.CredentialStuffingPoints,
                $"{f.AuthFailuresLastHour} auth failures from {f.AuthFailureIpsLastHour} IPs in the last hour " +
                $"(limits {o.CredentialStuffingMinFailures} failures or {o.CredentialStuffingMinIps} IPs)"));
        }

        AddBulkDataAccess(e, observation, factors);

        if (compliance is not null)
        {
            AddCompliance(compliance, euNoConsent, factors);
        }

        if (extraFactors is not null)
        {
            factors.AddRange(extraFactors);
        }

        AddPlan(e, factors);

        var sum = 0.0;
        foreach (var factor in factors)
        {
            sum += factor.Points;
        }

        var score = Math.Round(Math.Max(0, sum), 2, MidpointRounding.AwayFromZero);
        var level = Classify(score, threshold, o.LevelBand);
        return new ScoreResult(factors, Notes(e, observation), score, level, ActionFor(level), threshold);
    }

    /// <summary>low &lt; T-band &lt;= medium &lt; T &lt;= high &lt; T+band &lt;= critical.</summary>
    public static RiskLevel Classify(double score, double threshold, double band) =>
        score >= threshold + band ? RiskLevel.Critical
        : score >= threshold ? RiskLevel.High
        : score >= threshold - band ? RiskLevel.Medium
        : RiskLevel.Low;

    /// <summary>critical: block, high: review, otherwise allow.</summary>
    public static RiskAction ActionFor(RiskLevel level) => level switch
    {
        RiskLevel.Critical => RiskAction.Block,
        RiskLevel.High => RiskAction.Review,
        _ => RiskAction.Allow,
    };

    private void AddHighFrequency(OttEvent e, in Observation observation, List<RiskFactor> factors)
    {
        var typeName = e.Type.ToWireName();
        if (Options.HighFrequencyMaxPerType.TryGetValue(typeName, out var perType))
        {
            if (observation.SameTypeEventsLastHour > perType)
            {
                factors.Add(new(FactorCodes.HighFrequencyActivity, Options.HighFrequencyPoints,
                    $"{observation.SameTypeEventsLastHour} {typeName} events in the last hour (more than {perType})"));
            }

            return;
        }

        var events = observation.Features.EventsLastHour;
        if (events > Options.HighFrequencyMaxEventsPerHour)
        {
            factors.Add(new(FactorCodes.HighFrequencyActivity, Options.HighFrequencyPoints,
                $"{events} events in the last hour (more than {Options.HighFrequencyMaxEventsPerHour})"));
        }
    }

    private void AddBulkDataAccess(OttEvent e, in Observation observation, List<RiskFactor> factors)
    {
        if (!e.Type.IsDataAccess())
        {
            return;
        }

        var f = observation.Features;
        var o = Options;
        if (f.DataAccessLastHour > o.BulkMaxAccessEventsPerHour)
        {
            factors.Add(new(FactorCodes.BulkDataAccess, o.BulkDataAccessPoints,
                $"{f.DataAccessLastHour} data-access events in the last hour (more than {o.BulkMaxAccessEventsPerHour})"));
            return;
        }

        if (f.RecordsAccessedLastHour < o.BulkMinRecordsPerHour)
        {
            return;
        }

        if (observation.PriorDataAccessEventsWithRecords == 0)
        {
            factors.Add(new(FactorCodes.BulkDataAccess, o.BulkDataAccessPoints,
                string.Create(Invariant, $"{f.RecordsAccessedLastHour} records in the last hour with no prior access history (at least {o.BulkMinRecordsPerHour})")));
            return;
        }

        var norm = (double)observation.PriorDataAccessRecords / observation.PriorDataAccessEventsWithRecords;
        var limit = o.BulkNormMultiplier * Math.Max(norm, 1.0);
        if (f.RecordsAccessedLastHour >= limit)
        {
            factors.Add(new(FactorCodes.BulkDataAccess, o.BulkDataAccessPoints,
                string.Create(Invariant, $"{f.RecordsAccessedLastHour} records in the last hour, {o.BulkNormMultiplier:0.##}x the user's norm of {norm:0.##} per access")));
        }
    }

    /// <summary>
    /// Violations with a factor of their own (children, cross-border) score through it; consent violations are
    /// already scored by eu_no_consent when it fired; every other violation is +2, at most +6 in all.
    /// </summary>
    private void AddCompliance(ComplianceVerdict verdict, bool euNoConsent, List<RiskFactor> factors)
    {
        var o = Options;
        var children = verdict.Violations.Where(v => v.Rule is ComplianceRules.ChildConsent or ComplianceRules.ChildTracking).ToList();
        if (children.Count > 0)
        {
            factors.Add(new(FactorCodes.ChildDataWithoutParentalConsent, o.ChildDataPoints,
                $"children's data rule broken under {string.Join(", ", children.Select(v => v.Regulation).Distinct())}"));
        }

        var transfers = verdict.Violations.Where(v => v.Rule == ComplianceRules.CrossBorder).ToList();
        if (transfers.Count > 0)
        {
            factors.Add(new(FactorCodes.CrossBorderWithoutBasis, o.CrossBorderPoints,
                $"cross-border transfer without a basis under {string.Join(", ", transfers.Select(v => v.Regulation).Distinct())}"));
        }

        var others = verdict.Violations
            .Where(v => v.Rule is not (ComplianceRules.ChildConsent or ComplianceRules.ChildTracking or ComplianceRules.CrossBorder))
            .Where(v => !(euNoConsent && v.Rule == ComplianceRules.Consent))
            .ToList();
        if (others.Count > 0)
        {
            var points = Math.Min(o.RegulationViolationMaxPoints, others.Count * o.RegulationViolationPoints);
            factors.Add(new(FactorCodes.RegulationViolation, points,
                $"{others.Count} violation(s): {string.Join(", ", others.Select(v => $"{v.Regulation} {v.Rule}"))}"));
        }
    }

    private void AddPlan(OttEvent e, List<RiskFactor> factors)
    {
        if (e.Plan is not { } plan)
        {
            return;
        }

        var points = plan switch
        {
            SubscriptionPlan.Basic => Options.PlanBasicPoints,
            SubscriptionPlan.Trial => Options.PlanTrialPoints,
            SubscriptionPlan.Premium => Options.PlanPremiumPoints,
            SubscriptionPlan.Vip => Options.PlanVipPoints,
            _ => Options.PlanStandardPoints,
        };

        if (points != 0)
        {
            factors.Add(new(FactorCodes.Plan, points, $"{WireName.From(plan.ToString())} plan"));
        }
    }

    private static List<DataQualityNote> Notes(OttEvent e, in Observation observation)
    {
        var notes = new List<DataQualityNote>();
        if (RegionCodes.ContradictsEuClaim(e.Region, e.IsEuClaim))
        {
            notes.Add(new(NoteCodes.RegionClaimMismatch,
                e.IsEuClaim
                    ? $"is_eu is true but {e.Region} is not an EU member; jurisdiction follows the region"
                    : $"is_eu is false but {e.Region} is an EU member; jurisdiction follows the region"));
        }

        if (observation.TooLate)
        {
            notes.Add(new(NoteCodes.LateEvent,
                "event time is more than the late tolerance behind the user's newest event; its 1 h window is incomplete"));
        }

        return notes;
    }
}
