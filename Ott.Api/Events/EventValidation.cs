using Ott.Api.Security;
using Ott.Grains.Interfaces;

namespace Ott.Api.Events;

/// <summary>A free-text field that matched a known attack pattern.</summary>
public sealed record AttackHit(string Field, AttackPattern Pattern);

/// <summary>
/// The result of validating one event: the canonical event, or every failing field with its messages. Attack
/// pattern hits are listed apart (they are a 400 and a security record, not a 422).
/// </summary>
public sealed record EventValidation(OttEvent? Event, string? EventId, IReadOnlyDictionary<string, string[]> Errors)
{
    public bool IsValid => Event is not null;

    public IReadOnlyList<AttackHit> Attacks { get; init; } = [];
}
