using System.ComponentModel.DataAnnotations;

namespace Ott.Grains.Common;

/// <summary>When grain state is written (configuration section <c>Ott:WriteBehind</c>; docs/architecture.md, "Invariants": no write per event).</summary>
public sealed class WriteBehindOptions
{
    public const string Section = "Ott:WriteBehind";

    /// <summary>Write after this many unsaved changes.</summary>
    [Range(1, 100_000)]
    public int MaxUnsavedChanges { get; set; } = 50;

    /// <summary>Write unsaved changes at least this often.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan MaxUnsavedAge { get; set; } = TimeSpan.FromSeconds(30);
}
