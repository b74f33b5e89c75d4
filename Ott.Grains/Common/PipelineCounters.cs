using System.Collections.Frozen;
using System.Diagnostics.Metrics;
using Ott.Grains.Compliance;
using Ott.Grains.Interfaces;
using Ott.Grains.Logs;
using Ott.Grains.Metrics;

namespace Ott.Grains.Common;

/// <summary>
/// Silo-local pipeline instruments on the <c>Ott.Pipeline</c> meter (exported to Prometheus by the host), plus totals
/// readable in process. Labels are bounded enumerations (event types, outcomes, levels, the pack's regulations), every
/// combination is exported at 0 from start, and recording one event is a few interlocked adds: no allocation, no lock.
/// </summary>
public sealed class PipelineCounters
{
    public const string MeterName = "Ott.Pipeline";

    /// <summary>What the log did with an offered event (label <c>outcome</c>).</summary>
    public static readonly IReadOnlyList<string> Outcomes = ["accepted", "duplicate", "overloaded"];

    /// <summary>Label of a regulation the pack does not name (never expected; keeps the label set bounded).</summary>
    public const string OtherRegulation = "other";

    private static readonly IReadOnlyList<string> TypeLabels = EventTypes.All.Select(t => t.ToWireName()).ToArray();
    private static readonly int[] TypeIndex = IndexOf(EventTypes.All.Select(t => (int)t).ToArray());
    private static readonly int[] LevelIndex = IndexOf(Enum.GetValues<RiskLevel>().Select(l => (int)l).ToArray());
    private static readonly IReadOnlyList<string> LevelLabels =
        Enum.GetValues<RiskLevel>().Select(l => l.ToString().ToLowerInvariant()).ToArray();

    private readonly LabeledCounter _received;
    private readonly LabeledCounter _assessed;
    private readonly LabeledCounter _violations;
    private readonly LabeledCounter _anomalies;
    private readonly LabeledCounter _failed;
    private readonly LabeledCounter _redelivered;
    private readonly ILatencyRecorder _latency;
    private readonly FrozenDictionary<string, int> _regulationIndex;

    public PipelineCounters(IMeterFactory meters, RegulationPack pack, ILatencyRecorder latency)
    {
        ArgumentNullException.ThrowIfNull(meters);
        ArgumentNullException.ThrowIfNull(pack);
        _latency = latency;
        var regulations = pack.Regulations.Select(r => r.Code).Append(OtherRegulation).ToArray();
        _regulationIndex = regulations.Select((code, i) => (code, i)).ToFrozenDictionary(x => x.code, x => x.i, StringComparer.Ordinal);
        var meter = meters.Create(MeterName);
        _received = new LabeledCounter(meter, "events.received", "Events offered to the log, by type and outcome (accepted, duplicate, overloaded)",
            ("type", TypeLabels), ("outcome", Outcomes));
        _assessed = new LabeledCounter(meter, "events.assessed", "Events assessed by user grains, by type and risk level",
            ("type", TypeLabels), ("level", LevelLabels));
        _violations = new LabeledCounter(meter, "compliance.violations", "Regulation violations found, by regulation", ("regulation", regulations));
        _anomalies = new LabeledCounter(meter, "detection.anomalies", "Assessments the anomaly ensemble called anomalous");
        _failed = new LabeledCounter(meter, "events.failed", "Events whose assessment failed");
        _redelivered = new LabeledCounter(meter, "events.redelivered", "Redelivered events dropped by dedupe");
    }

    public long AssessedTotal => _assessed.Total();

    public long FailedTotal => _failed.Total();

    public long RedeliveredTotal => _redelivered.Total();

    /// <summary>Counts what the log did with each event of an ingest call.</summary>
    public void Received(IReadOnlyList<OttEvent> events, IReadOnlyList<AppendOutcome> outcomes)
    {
        for (var i = 0; i < events.Count; i++)
        {
            var outcome = outcomes[i] switch
            {
                AppendOutcome.Appended => 0,
                AppendOutcome.Duplicate => 1,
                _ => 2,
            };
            _received.Add(1, TypeIndex[(int)events[i].Type], outcome);
        }
    }

    public void Assessed(Assessment assessment, DateTimeOffset receivedAt)
    {
        _assessed.Add(1, TypeIndex[(int)assessment.EventType], LevelIndex[(int)assessment.RiskLevel]);
        _latency.Record(Math.Max(0, (assessment.ProcessedAt - receivedAt).TotalSeconds));
        if (assessment.Compliance?.Violations is { } violations)
        {
            for (var i = 0; i < violations.Count; i++)
            {
                _violations.Add(1, _regulationIndex.TryGetValue(violations[i].Regulation, out var index) ? index : _regulationIndex[OtherRegulation]);
            }
        }

        if (assessment.Anomaly?.IsAnomaly == true)
        {
            _anomalies.Add(1);
        }
    }

    public void Failed() => _failed.Add(1);

    public void Redelivered() => _redelivered.Add(1);

    /// <summary>Maps enum values to label positions (values need not start at 0 or be contiguous).</summary>
    private static int[] IndexOf(int[] values)
    {
        var index = new int[values.Max() + 1];
        for (var i = 0; i < values.Length; i++)
        {
            index[values[i]] = i;
        }

        return index;
    }
}
