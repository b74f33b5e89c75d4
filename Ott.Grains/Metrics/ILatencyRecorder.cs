using System.Diagnostics.Metrics;
using Ott.Grains.Common;

namespace Ott.Grains.Metrics;

/// <summary>
/// Records the pipeline's event-to-assessment latency (seconds), once per assessed event. The host that exports
/// Prometheus records straight into its histogram (lock-free, no allocation: Ott.Hosting's
/// <c>PrometheusLatencyRecorder</c>); any other host gets <see cref="MeterLatencyRecorder"/>.
/// </summary>
public interface ILatencyRecorder
{
    void Record(double seconds);
}

/// <summary>The latency as a <see cref="Histogram{T}"/> on the <c>Ott.Pipeline</c> meter, for hosts without the Prometheus export.</summary>
public sealed class MeterLatencyRecorder(IMeterFactory meters) : ILatencyRecorder
{
    /// <summary>What the latency measures (also the Prometheus histogram's help text).</summary>
    public const string Description = "Time from acceptance by the API to the written assessment";

    private readonly Histogram<double> _latency =
        meters.Create(PipelineCounters.MeterName).CreateHistogram<double>("events.processing_latency", unit: "s", description: Description);

    public void Record(double seconds) => _latency.Record(seconds);
}
