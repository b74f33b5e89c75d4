namespace Ott.Grains.Network;

/// <summary>What happened to a ring id.</summary>
public enum RingChangeKind
{
    /// <summary>A new ring id was created (a component reached the minimum size, or a rebuild left a ring without an id to inherit).</summary>
    Formed,

    /// <summary>The ring kept its id and took over the members of the retired ids.</summary>
    Merged,

    /// <summary>The ring id was retired and none of its members is in a ring any more.</summary>
    Dissolved,
}

/// <summary>A ring id created, kept over a merge, or retired: what a caller publishes ("new ring" on <see cref="RingChangeKind.Formed"/>).</summary>
/// <param name="Kind">What happened.</param>
/// <param name="RingId">The new or surviving id; for <see cref="RingChangeKind.Dissolved"/> the retired id.</param>
/// <param name="Size">Members of the ring now (0 when dissolved).</param>
/// <param name="RetiredRingIds">Ids retired into this ring (merged or, after a rebuild, taken over); empty otherwise.</param>
public sealed record RingChange(RingChangeKind Kind, string RingId, int Size, IReadOnlyList<string> RetiredRingIds);

/// <summary>The outcome of <see cref="RingGraph.AddLink"/> or <see cref="RingGraph.RemoveUser"/>.</summary>
/// <param name="Changed">True when a new edge was stored (AddLink) or a user was removed (RemoveUser).</param>
/// <param name="BecameHub">True when this link pushed its identifier over the hub cap (the graph was rebuilt).</param>
/// <param name="RingChanges">Ring ids formed, merged or dissolved by this call, ordered by ring number; usually empty.</param>
public sealed record RingGraphUpdate(bool Changed, bool BecameHub, IReadOnlyList<RingChange> RingChanges)
{
    /// <summary>Nothing new: the edge was already stored, or the user was unknown.</summary>
    public static RingGraphUpdate Unchanged { get; } = new(false, false, []);

    internal static RingGraphUpdate NewEdge { get; } = new(true, false, []);
}

/// <summary>An identifier shared by at least two users and not a hub: the evidence that links them.</summary>
/// <param name="Kind">Identifier kind.</param>
/// <param name="Value">Identifier value as supplied.</param>
/// <param name="UserCount">Distinct users linked to it.</param>
public sealed record SharedIdentifier(IdentifierKind Kind, string Value, int UserCount);

/// <summary>A fraud ring: a component of at least the minimum size.</summary>
/// <param name="Id">Stable id <c>ring-N</c>.</param>
/// <param name="Kind"><c>device</c>, <c>ip</c>, <c>payment</c> or <c>mixed</c> (see <see cref="RingKinds"/>).</param>
/// <param name="Size">Number of members.</param>
/// <param name="Risk">Ring risk in [0, 1] (see <see cref="RingRisk.Ring(int, int, IEnumerable{IdentifierKind}, int)"/>).</param>
/// <param name="FlaggedMembers">Members flagged with <see cref="RingGraph.Flag"/>.</param>
/// <param name="FirstSeen">When this ring id was created (the time passed with the call that created it).</param>
/// <param name="Members">Member user ids, ordinal order.</param>
/// <param name="SharedIdentifiers">Identifiers shared by at least two members (hubs excluded), by kind then value.</param>
public sealed record NetworkRing(
    string Id,
    string Kind,
    int Size,
    double Risk,
    int FlaggedMembers,
    DateTimeOffset FirstSeen,
    IReadOnlyList<string> Members,
    IReadOnlyList<SharedIdentifier> SharedIdentifiers);

/// <summary>The analyst view of one user.</summary>
/// <param name="UserId">The user.</param>
/// <param name="RingId">The user's ring id, or null outside any ring.</param>
/// <param name="Risk">User network risk: the ring risk in a ring, else the small degree-based score.</param>
/// <param name="Neighbours">Users sharing a non-hub identifier with this user, ordinal order.</param>
/// <param name="Evidence">This user's identifiers shared with someone (hubs excluded), by kind then value.</param>
public sealed record UserNetworkView(
    string UserId,
    string? RingId,
    double Risk,
    IReadOnlyList<string> Neighbours,
    IReadOnlyList<SharedIdentifier> Evidence);

/// <summary>One node of a path between two users: a user (<see cref="Kind"/> null) or an identifier.</summary>
/// <param name="Value">User id or identifier value.</param>
/// <param name="Kind">Null for a user, the identifier kind otherwise.</param>
public sealed record PathNode(string Value, IdentifierKind? Kind)
{
    /// <summary>True for a user node.</summary>
    public bool IsUser => Kind is null;

    /// <summary><c>user:u1</c>, <c>ip:1.2.3.4</c>, ...</summary>
    public override string ToString() => Kind is { } kind ? $"{RingKinds.Of(kind)}:{Value}" : $"user:{Value}";
}

/// <summary>Counts of the graph.</summary>
/// <param name="Users">Users known (removed users excluded).</param>
/// <param name="Identifiers">Identifiers linked to at least one user.</param>
/// <param name="Edges">Distinct user-identifier links.</param>
/// <param name="Hubs">Identifiers over the hub cap.</param>
/// <param name="Rings">Current rings.</param>
public readonly record struct RingGraphStats(int Users, int Identifiers, long Edges, int Hubs, int Rings);
