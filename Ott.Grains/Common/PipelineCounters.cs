using System.Diagnostics.Metrics;

namespace Ott.Grains.Common;

/// <summary>
/// Silo-local pipeline instruments on the <c>Ott.Pipeline</c> meter (exported to Prometheus by the host), plus
/// totals readable in process. Labels are bounded (no user, event or IP values).
/// </summary>
public sealed class PipelineCounters
{
    public const string MeterName = "Ott.Pipeline";

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
        _assessed = meter.CreateCounter<long>("ott.events.assessed", description: "Events assessed by user grains");
        _failed = meter.CreateCounter<long>("ott.events.failed", description: "Events whose assessment failed");
        _redelivered = meter.CreateCounter<long>("ott.events.redelivered", description: "Redelivered events dropped by dedupe");
        _latency = meter.CreateHistogram<double>("ott.events.processing_latency", unit: "s",
            description: "Time from acceptance by the API to the written assessment");
    }

    public long AssessedTotal => Interlocked.Read(ref _assessedTotal);

    public long FailedTotal => Interlocked.Read(ref _failedTotal);

    public long RedeliveredTotal => Interlocked.Read(ref _redeliveredTotal);

    public void Assessed(DateTimeOffset receivedAt, DateTimeOffset processedAt)
    {
        Interlocked.Increment(ref _assessedTotal);
        _assessed.Add(1);
        _latency.Record(Math.Max(0, (processedAt - receivedAt).TotalSeconds));
    }

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
