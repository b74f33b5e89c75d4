using Ott.Grains.Alerts;
using Ott.Grains.Compliance;
using Ott.Grains.Detection;
using Ott.Grains.Common;
using Ott.Grains.Geo;
using Ott.Grains.Network;
using Ott.Grains.Interfaces;
using Ott.Grains.Policies;
using Ott.Grains.Scoring;
using Ott.Grains.Segments;

namespace Ott.Grains.Users;

/// <summary>Everything one event produced: the assessment and what the grain must tell others.</summary>
public sealed record PipelineResult(
    Assessment Assessment,
    Policy Policy,
    ComplianceOutcome Compliance,
    AlertDecision Alert,
    string? SegmentBefore,
    string SegmentAfter,
    IReadOnlyList<NetworkLink> NewLinks,
    bool FlagInNetwork)
{
    /// <summary>The shadow judgment's factors, for the shadow report's per-factor totals (not stored on the assessment).</summary>
    public IReadOnlyList<RiskFactor>? ShadowFactors { get; init; }
}

/// <summary>
/// The stages of a user's event, in order (docs/architecture.md): rolling state, 1 compliance, segment, adaptive threshold,
/// scoring, alert decision. Pure over the user's state: the grain owns the state and carries out the side effects
/// (logs, assessment observers, alerts, registries). One instance per silo; thread-safe (the per-grain scratch lives
/// in the <see cref="RollingWindow"/> the grain passes in).
/// </summary>
public sealed class UserPipeline(
    ComplianceStage compliance,
    IThresholdInputs inputs,
    ModelCache models,
    GeoStage geo,
    NetworkCache network)
{
    private const int MaxLinkedIdentifiers = 64;

    /// <summary>
    /// Judges <paramref name="e"/> under <paramref name="policy"/> (its points, thresholds, segments, alert and decision
    /// rules), and under <paramref name="shadow"/> too when one runs: the shadow's verdict is recorded on the assessment
    /// and changes nothing else (the user's state follows the live policy only).
    /// </summary>
    public PipelineResult Assess(UserRollingState state, OttEvent e, RollingWindow window, DateTimeOffset now, Policy policy, Policy? shadow = null)
    {
        var previous = state.NewestEventTime;
        var observation = window.Observe(state, e);
        var stage1 = compliance.Run(state, e, observation.Features);
        window.RecordViolations(state, e.Timestamp, stage1.Verdict.Violations.Count);

        List<GeoSignal>? geoSignals = null;
        var (geoVerdict, speed) = geo.Evaluate(e, state, ref geoSignals);
        var standing = network.Standing(e.UserId);
        var gap = previous is { } p && e.Timestamp > p ? (e.Timestamp - p).TotalDays : (double?)null;
        var segmentInputs = new SegmentInputs(
            observation.Features.ViolationsLast30Days,
            InFraudRing: standing?.RingId is not null,
            RollingWindow.CriticalLast7Days(state, e.Timestamp),
            Math.Round(observation.AccountAgeDays, 2),
            observation.Features.EventsLast30Days,
            gap is null ? null : Math.Round(gap.Value, 2));

        var features = new double[FeatureVector.Names.Length];
        FeatureVector.Fill(features, new FeatureInputs(
            e.Timestamp, observation.Features.EventsLastHour, observation.Features.DistinctIpsLast24Hours,
            observation.Features.DistinctRegionsLast24Hours, observation.Features.DistinctDevicesLast24Hours,
            observation.Features.ErrorsInLast50Events, observation.Features.EventsInErrorWindow,
            observation.Features.AuthFailuresLastHour, observation.Features.DataAccessLastHour, e.RecordsAccessed,
            previous is { } last && e.Timestamp > last ? (e.Timestamp - last).TotalSeconds : null,
            speed is { } kmh && double.IsFinite(kmh) ? kmh : null, RegionCodes.IsGdprArea(e.Region), e.HasConsent));
        var (violation, baseline) = Violation(state, features, models.Violation);
        var evidence = new Evidence(e, observation, stage1.Verdict, geoVerdict, geoSignals, standing, segmentInputs, features, baseline, violation, now);

        var (assessment, parameters) = Judge(in evidence, policy);
        IReadOnlyList<RiskFactor>? shadowFactors = null;
        if (shadow is not null)
        {
            var (other, otherParameters) = Judge(in evidence, shadow);
            shadowFactors = other.Factors;
            var alerts = shadow.Document.Alerts;
            var would = other.RiskLevel >= alerts.MinLevel && other.Factors.Count > 0
                ? AlertPolicy.Severity(other.RiskLevel, otherParameters.SeverityMultiplier, alerts)
                : (RiskLevel?)null;
            assessment = assessment with
            {
                Shadow = new ShadowVerdict(shadow.Version, other.RiskScore, other.RiskLevel, other.Threshold, other.Action, other.DecisionRule, other.Segment, would),
            };
        }

        var segment = assessment.SegmentDecision!;
        var score = (Level: assessment.RiskLevel, Score: assessment.RiskScore, Factors: assessment.Factors);
        var flag = false;
        if (score.Level == RiskLevel.Critical)
        {
            window.RecordCritical(state, e.Timestamp);
            flag = !state.FlaggedInNetwork;
            state.FlaggedInNetwork = true;
        }

        var alert = AlertPolicy.Decide(assessment, parameters.SeverityMultiplier, state.AlertMarks, policy.Document.Alerts);
        if (alert.Raise)
        {
            assessment = assessment with { Alert = new AssessmentAlert(alert.AlertId, alert.Severity, alert.Repeat, alert.Count) };
        }

        var before = state.Segment?.Segment;
        if (previous is null || e.Timestamp >= previous)
        {
            state.Segment = segment;
        }

        window.Remember(state, new AssessmentSummary(e.EventId, e.Type, e.Timestamp, score.Score, score.Level, score.Factors.Select(f => f.Code).ToArray()));
        return new PipelineResult(assessment, policy, stage1, alert, before, state.Segment!.Segment, NewLinks(state, e), flag)
        {
            ShadowFactors = shadowFactors,
        };
    }

    /// <summary>What one event showed, whatever the policy: the stages' observations the policy turns into points and decisions.</summary>
    private readonly record struct Evidence(
        OttEvent Event,
        Observation Observation,
        ComplianceVerdict Compliance,
        GeoVerdict Geo,
        List<GeoSignal>? GeoSignals,
        NetworkStanding? Standing,
        SegmentInputs SegmentInputs,
        double[] Features,
        double[] Baseline,
        ViolationPrediction Violation,
        DateTimeOffset Now);

    /// <summary>The assessment of <paramref name="evidence"/> under <paramref name="policy"/>; changes no state.</summary>
    private (Assessment Assessment, SegmentParameters Parameters) Judge(in Evidence evidence, Policy policy)
    {
        var e = evidence.Event;
        var o = policy.Scoring;
        var extra = new List<RiskFactor>(4);
        GeoStage.AddFactors(evidence.GeoSignals, o, extra);
        if (evidence.Standing is { RingId: { } ringId } ring)
        {
            extra.Add(new RiskFactor(FactorCodes.FraudRingMember, Math.Round(o.FraudRingWeight * ring.Risk, 2),
                $"member of fraud ring {ringId} (ring risk {ring.Risk:0.###})"));
        }

        var segment = policy.Segments.Classify(evidence.SegmentInputs);
        var parameters = policy.For(segment.Segment);
        var parts = policy.Threshold.Compute(parameters.ThresholdHigh, inputs.Learned(segment.Segment), e.Region, e.Timestamp, inputs.RegionRate(e.Region));
        var anomaly = Anomaly(evidence.Features, parameters.AnomalySensitivity, o, extra);
        var violation = evidence.Violation;
        if (violation.Likelihood > o.ViolationPredictionMin)
        {
            extra.Add(new RiskFactor(FactorCodes.ViolationPrediction, Math.Round(o.ViolationPredictionWeight * violation.Likelihood, 2),
                $"{(violation.ModelVersion is { } v ? $"model v{v}" : "baseline")} likelihood {violation.Likelihood:0.###} above {o.ViolationPredictionMin}" +
                (violation.RiskFactors.Count > 0 ? $" ({string.Join(", ", violation.RiskFactors)})" : "")));
        }

        var score = policy.Scorer.Score(e, evidence.Observation, parts.Value, evidence.Compliance, extra);
        var assessment = new Assessment
        {
            EventId = e.EventId,
            UserId = e.UserId,
            DeviceId = e.DeviceId,
            ContentId = e.ContentId,
            EventType = e.Type,
            Region = e.Region,
            EventTime = e.Timestamp,
            RiskScore = score.Score,
            RiskLevel = score.Level,
            Threshold = score.Threshold,
            Segment = segment.Segment,
            SegmentDecision = segment,
            ThresholdParts = parts,
            Factors = score.Factors,
            Notes = score.Notes,
            Action = score.Action,
            Compliance = evidence.Compliance,
            Anomaly = anomaly,
            Violation = violation,
            FeatureVector = evidence.Features,
            BaselineVector = evidence.Baseline,
            Network = new NetworkVerdict(evidence.Standing?.RingId, evidence.Standing?.Risk, network.Snapshot.Version),
            Geo = evidence.Geo,
            PolicyVersion = policy.Version,
            ProcessedAt = evidence.Now,
        };

        // Decision rules read the finished assessment; the copy is made only when a rule set the action.
        var (action, rule) = policy.Decide(assessment);
        return (rule is null ? assessment : assessment with { Action = action, DecisionRule = rule }, parameters);
    }

    /// <summary>The event's identifiers the user was not yet linked to (each is sent to the graph once).</summary>
    private static List<NetworkLink> NewLinks(UserRollingState state, OttEvent e)
    {
        var links = new List<NetworkLink>(1);
        void Offer(LinkKind kind, string? value)
        {
            if (value is null)
            {
                return;
            }

            var hash = Fnv1a.Hash64($"{(int)kind}:{value}");
            if (!state.LinkedIdentifiers.Contains(hash))
            {
                state.LinkedIdentifiers.Add(hash);
                links.Add(new NetworkLink(e.UserId, kind, value, e.Timestamp));
            }
        }

        Offer(LinkKind.Device, e.DeviceId);
        Offer(LinkKind.Ip, e.IpAddress);
        Offer(LinkKind.Payment, e.PaymentMethodId);
        if (state.LinkedIdentifiers.Count > MaxLinkedIdentifiers)
        {
            state.LinkedIdentifiers.RemoveRange(0, state.LinkedIdentifiers.Count - MaxLinkedIdentifiers);
        }

        return links;
    }

    /// <summary>Stage 2: the silo's ensemble, when one is trained; else <c>model: none</c> and no points.</summary>
    private AnomalyVerdict Anomaly(double[] features, double sensitivity, ScoringOptions scoring, List<RiskFactor> extra)
    {
        if (models.Anomaly is not { } model)
        {
            return AnomalyVerdict.None;
        }

        var score = model.Score(features, sensitivity);
        var limit = 1 - ((1 - model.Threshold) * sensitivity);
        var top = score.TopFeatures.Select(i => FeatureVector.Names[i]).ToArray();
        if (score.IsAnomaly)
        {
            extra.Add(new RiskFactor(FactorCodes.MlAnomaly, Math.Round(scoring.MlAnomalyWeight * score.Ensemble * sensitivity, 2),
                $"ensemble v{model.Version} score {score.Ensemble:0.###} above {limit:0.###}; furthest: {string.Join(", ", top)}"));
        }

        return new AnomalyVerdict
        {
            Model = $"ensemble-v{model.Version}",
            ModelVersion = model.Version,
            IsAnomaly = score.IsAnomaly,
            EnsembleScore = Math.Round(score.Ensemble, 4),
            Iforest = Math.Round(score.IForest, 4),
            Lof = Math.Round(score.Lof, 4),
            Threshold = Math.Round(limit, 4),
            Sensitivity = sensitivity,
            TopFeatures = top,
        };
    }

    /// <summary>Stage 3: the baseline over the last 100 events, and the learned model's likelihood when one exists (no points: the policy gives them).</summary>
    private static (ViolationPrediction Prediction, double[] Baseline) Violation(UserRollingState state, double[] features, ViolationModel? model)
    {
        var baseline = new double[ViolationBaseline.Names.Count];
        var (likelihood, confidence, factors) = ViolationBaseline.Predict(state, baseline);
        double? learned = model is null ? null : Math.Round(model.Predict([.. features, .. baseline]), 4);
        return (new ViolationPrediction
        {
            Likelihood = learned ?? likelihood,
            Confidence = Math.Round(confidence, 4),
            RiskFactors = factors,
            BaselineLikelihood = likelihood,
            ModelLikelihood = learned,
            ModelVersion = model?.Version,
            Source = learned is null ? "baseline" : "model",
        }, baseline);
    }

    /// <summary>The alert to store for a new alert decision.</summary>
    public static Alert AlertFor(Assessment a, AlertDecision decision, DateTimeOffset now, Policy policy) => new()
    {
        Id = decision.AlertId,
        Kind = AlertKinds.Assessment,
        Severity = decision.Severity,
        Title = $"{a.RiskLevel.ToString().ToLowerInvariant()} risk for user {a.UserId}: {decision.TopFactor}",
        Detail = $"Score {a.RiskScore:0.##} against threshold {a.Threshold:0.##} ({a.Segment}). Factors: " +
                 string.Join(", ", a.Factors.Select(f => $"{f.Code} {f.Points:+0.##;-0.##}")) + ".",
        UserId = a.UserId,
        EventId = a.EventId,
        Segment = a.Segment,
        TopFactor = decision.TopFactor,
        RiskScore = a.RiskScore,
        RaisedAt = now,
        Channels = policy.For(a.Segment!).Channels,
    };
}
