using System.Collections.Frozen;
using System.Diagnostics.Metrics;
using Ott.Api.Security;
using Ott.Grains.Metrics;

namespace Ott.Api.Hosting;

/// <summary>
/// Instruments of the HTTP side on the <c>Ott.Api</c> meter. Labels are bounded enumerations; every combination is
/// exported at 0 from start, and counting costs one interlocked add.
/// </summary>
public sealed class ApiMetrics
{
    public const string MeterName = "Ott.Api";

    /// <summary>Why an input was rejected (label <c>reason</c>); attack patterns also carry their family.</summary>
    public static readonly IReadOnlyList<string> Reasons = ["validation", "attack_pattern", "too_large", "media_type", "malformed", "rate_limited"];

    private const string NoFamily = "none";

    private readonly LabeledCounter _rejected;
    private readonly FrozenDictionary<(string Reason, string Family), int> _slots;

    public ApiMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var families = AttackPatterns.All.Select(p => p.Family).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        var combinations = Reasons.Where(r => r != "attack_pattern").Select(r => new[] { r, NoFamily })
            .Concat(families.Select(f => new[] { "attack_pattern", f }))
            .ToArray();
        _slots = combinations.Select((c, i) => ((c[0], c[1]), i)).ToFrozenDictionary(x => x.Item1, x => x.i);
        _rejected = new LabeledCounter(meters.Create(MeterName), "input.rejected", "Inputs rejected, by reason (and attack family)",
            ["reason", "family"], combinations);
    }

    /// <summary>Counts a rejection: one of <see cref="Reasons"/>; <paramref name="family"/> with <c>attack_pattern</c>.</summary>
    public void Rejected(string reason, string? family = null) =>
        _rejected.AddAt(_slots.TryGetValue((reason, family ?? NoFamily), out var slot)
            ? slot
            : throw new ArgumentOutOfRangeException(nameof(reason), $"unknown rejection reason '{reason}' / family '{family}'"));
}
