using System.ComponentModel.DataAnnotations;

namespace Ott.Grains.Metrics;

/// <summary>How often the cluster-wide gauges are re-read (configuration section <c>Ott:Metrics</c>).</summary>
public sealed class MetricsOptions
{
    public const string Section = "Ott:Metrics";

    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan GaugeInterval { get; set; } = TimeSpan.FromSeconds(10);
}
