using Ott.Grains.Interfaces;
using Ott.Grains.Scoring;
using Ott.Grains.Segments;

namespace Ott.Grains.Policies;

/// <summary>
/// A policy version ready to judge with: the engines built from its document and its decision rules compiled to
/// sets. Immutable and shared by every user grain of a silo; swapping the silo's policy is one reference write.
/// </summary>
public sealed class Policy
{
    private readonly CompiledRule[] _rules;

    public Policy(int version, PolicyDocument document, RegionClock clock)
    {
        Version = version;
        Document = document;
        Scorer = new RiskScorer(document.Scoring);
        Segments = new SegmentClassifier(document.Segments);
        Threshold = new AdaptiveThreshold(document.Threshold, clock);
        _rules = [.. document.Rules.Select(r => new CompiledRule(r))];
    }

    public int Version { get; }

    public PolicyDocument Document { get; }

    public RiskScorer Scorer { get; }

    public SegmentClassifier Segments { get; }

    public AdaptiveThreshold Threshold { get; }

    public ScoringOptions Scoring => Document.Scoring;

    public SegmentParameters For(string segment) => Document.Segments.For(segment);

    /// <summary>
    /// The action for an assessment: the first decision rule whose conditions all hold, with its id; else the level's
    /// action (critical: block, high: review, otherwise allow) and no rule.
    /// </summary>
    public (RiskAction Action, string? Rule) Decide(Assessment assessment)
    {
        foreach (var rule in _rules)
        {
            if (rule.Matches(assessment))
            {
                return (rule.Action, rule.Id);
            }
        }

        return (RiskScorer.ActionFor(assessment.RiskLevel), null);
    }

    /// <summary>A rule's conditions as sets, checked without allocating.</summary>
    private sealed class CompiledRule
    {
        private readonly bool[]? _eventTypes;
        private readonly HashSet<string>? _factors;
        private readonly HashSet<string>? _complianceRules;
        private readonly HashSet<string>? _regulations;
        private readonly int _levels;
        private readonly HashSet<string>? _segments;
        private readonly HashSet<string>? _regions;
        private readonly RuleConditions _when;

        public CompiledRule(DecisionRule rule)
        {
            Id = rule.Id;
            Action = rule.Action;
            _when = rule.When;
            if (_when.EventTypes is { } types)
            {
                _eventTypes = new bool[EventTypes.All.Count];
                foreach (var type in EventTypes.All.Where(t => types.Contains(t.ToWireName())))
                {
                    _eventTypes[(int)type] = true;
                }
            }

            _factors = Set(_when.Factors);
            _complianceRules = Set(_when.ComplianceRules);
            _regulations = Set(_when.Regulations);
            _segments = Set(_when.Segments);
            _regions = Set(_when.Regions);
            foreach (var level in _when.Levels ?? [])
            {
                _levels |= 1 << (int)level;
            }
        }

        public string Id { get; }

        public RiskAction Action { get; }

        public bool Matches(Assessment a)
        {
            var w = _when;
            return (_eventTypes is null || _eventTypes[(int)a.EventType])
                && (_levels == 0 || (_levels & (1 << (int)a.RiskLevel)) != 0)
                && (w.MinLevel is not { } min || a.RiskLevel >= min)
                && (w.MinScore is not { } low || a.RiskScore >= low)
                && (w.MaxScore is not { } high || a.RiskScore <= high)
                && (_regions is null || _regions.Contains(a.Region))
                && (_segments is null || (a.Segment is { } s && _segments.Contains(s)))
                && (w.InFraudRing is not { } ring || (a.Network?.RingId is not null) == ring)
                && (w.Anomaly is not { } anomalous || (a.Anomaly?.IsAnomaly ?? false) == anomalous)
                && (_factors is null || AnyFactor(a.Factors))
                && (_complianceRules is null || AnyViolation(a.Compliance, _complianceRules, byRule: true))
                && (_regulations is null || AnyViolation(a.Compliance, _regulations, byRule: false));
        }

        private bool AnyFactor(IReadOnlyList<RiskFactor> factors)
        {
            for (var i = 0; i < factors.Count; i++)
            {
                if (_factors!.Contains(factors[i].Code))
                {
                    return true;
                }
            }

            return false;
        }

        private static bool AnyViolation(ComplianceVerdict? verdict, HashSet<string> wanted, bool byRule)
        {
            if (verdict is null)
            {
                return false;
            }

            var violations = verdict.Violations;
            for (var i = 0; i < violations.Count; i++)
            {
                if (wanted.Contains(byRule ? violations[i].Rule : violations[i].Regulation))
                {
                    return true;
                }
            }

            return false;
        }

        private static HashSet<string>? Set(List<string>? values) => values is null ? null : new HashSet<string>(values, StringComparer.Ordinal);
    }
}
