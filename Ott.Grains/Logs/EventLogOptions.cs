using System.ComponentModel.DataAnnotations;

namespace Ott.Grains.Logs;

/// <summary>Bounds of the embedded event and assessment log (configuration section <c>Ott:Log</c>).</summary>
public sealed class EventLogOptions
{
    public const string Section = "Ott:Log";

    /// <summary>Accepted events awaiting assessment; beyond it ingest answers 503 (back-pressure).</summary>
    [Range(100, 10_000_000)]
    public int MaxPending { get; set; } = 100_000;

    /// <summary>Event ids remembered for dedupe (oldest forgotten first). About 100 bytes each.</summary>
    [Range(1_000, 50_000_000)]
    public int DedupeCapacity { get; set; } = 500_000;

    /// <summary>Assessments kept for reads (oldest evicted first).</summary>
    [Range(100, 10_000_000)]
    public int AssessmentCapacity { get; set; } = 100_000;
}
