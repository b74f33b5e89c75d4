using System.ComponentModel.DataAnnotations;

namespace Ott.Grains.Segments;

/// <summary>The parameters of one segment (docs/alerts.md, "Segments").</summary>
public sealed class SegmentParameters
{
    [Range(1.0, 20.0)] public double ThresholdHigh { get; set; } = 8.0;
    [Range(0.1, 5.0)] public double AnomalySensitivity { get; set; } = 1.0;
    [Range(0.1, 5.0)] public double SeverityMultiplier { get; set; } = 1.0;

    /// <summary>Alert channels: <c>log</c>, <c>webhook</c>, <c>slack</c>, <c>email</c>.</summary>
    public List<string> Channels { get; set; } = ["log", "webhook"];
}
