using System.Diagnostics.Metrics;
using Ott.Grains.Interfaces;
using Ott.Grains.Logs;

namespace Ott.Grains.Common;

/// <summary>
/// Silo-local pipeline instruments on the <c>Ott.Pipeline</c> meter (exported to Prometheus by the host), plus
/// totals readable in process. Labels are bounded (no user, event or IP values).
/// </summary>
public sealed class PipelineCounters
{
    public const string MeterName = "Ott.Pipeline";

    private readonly Counter<long> _received;
    private readonly Counter<long> _violations;
    private readonly Counter<long> _anomalies;
    private readonly Counter<long> _assessed;
    private readonly Counter<long> _failed;
    private readonly Counter<long> _redelivered;
    private readonly Histogram<double> _latency;
    private long _assessedTotal;
    private long _failedTotal;
    private long _redeliveredTotal;

    public PipelineCounters(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _received = meter.CreateCounter<long>("events.received", description: "Events offered to the log, by type and outcome (accepted, duplicate, overloaded)");
        _assessed = meter.CreateCounter<long>("events.assessed", description: "Events assessed by user grains, by type and risk level");
        _violations = meter.CreateCounter<long>("compliance.violations", description: "Regulation violations found, by regulation");
        _anomalies = meter.CreateCounter<long>("detection.anomalies", description: "Assessments the anomaly ensemble called anomalous");
        _failed = meter.CreateCounter<long>("events.failed", description: "Events whose assessment failed");
        _redelivered = meter.CreateCounter<long>("events.redelivered", description: "Redelivered events dropped by dedupe");
        _latency = meter.CreateHistogram<double>("events.processing_latency", unit: "s",
            description: "Time from acceptance by the API to the written assessment");
    }

    public long AssessedTotal => Interlocked.Read(ref _assessedTotal);

    public long FailedTotal => Interlocked.Read(ref _failedTotal);

    public long RedeliveredTotal => Interlocked.Read(ref _redeliveredTotal);

    /// <summary>Counts what the log did with each event of an ingest call.</summary>
    public void Received(IReadOnlyList<OttEvent> events, IReadOnlyList<AppendOutcome> outcomes)
    {
        for (var i = 0; i < events.Count; i++)
        {
            _received.Add(1, new KeyValuePair<string, object?>("type", Label(events[i].Type)),
                new KeyValuePair<string, object?>("outcome", outcomes[i] switch
                {
                    AppendOutcome.Appended => "accepted",
                    AppendOutcome.Duplicate => "duplicate",
                    _ => "overloaded",
                }));
        }
    }

    public void Assessed(Assessment assessment, DateTimeOffset receivedAt)
    {
        Interlocked.Increment(ref _assessedTotal);
        _assessed.Add(1, new KeyValuePair<string, object?>("type", Label(assessment.EventType)),
            new KeyValuePair<string, object?>("level", assessment.RiskLevel.ToString().ToLowerInvariant()));
        _latency.Record(Math.Max(0, (assessment.ProcessedAt - receivedAt).TotalSeconds));
        foreach (var violation in assessment.Compliance?.Violations ?? [])
        {
            _violations.Add(1, new KeyValuePair<string, object?>("regulation", violation.Regulation));
        }

        if (assessment.Anomaly?.IsAnomaly == true)
        {
            _anomalies.Add(1);
        }
    }

    /// <summary>Event types as labels: the enum's snake_case names (a fixed set).</summary>
    private static string Label(EventType type) => System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(type.ToString());

    public void Failed()
    {
        Interlocked.Increment(ref _failedTotal);
        _failed.Add(1);
    }

    public void Redelivered()
    {
        Interlocked.Increment(ref _redeliveredTotal);
        _redelivered.Add(1);
    }
}
