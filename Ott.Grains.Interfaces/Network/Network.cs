namespace Ott.Grains.Interfaces;

/// <summary>The kinds of identifier that link users (docs/scoring.md, "Fraud rings").</summary>
public enum LinkKind : byte
{
    Device = 1,
    Ip,
    Payment,
}

/// <summary>A user seen with an identifier for the first time (sent once per new identifier, in batches).</summary>
[GenerateSerializer, Immutable, Alias("ott.network-link")]
public sealed record NetworkLink(
    [property: Id(0)] string UserId,
    [property: Id(1)] LinkKind Kind,
    [property: Id(2)] string Value,
    [property: Id(3)] DateTimeOffset At);

/// <summary>An identifier shared by ring members or neighbours.</summary>
[GenerateSerializer, Immutable, Alias("ott.shared-identifier")]
public sealed record SharedIdentifierView(
    [property: Id(0)] LinkKind Kind,
    [property: Id(1)] string Value,
    [property: Id(2)] int Users);

/// <summary>A fraud ring (<c>GET /api/v1/network/fraud-rings</c>).</summary>
[GenerateSerializer, Immutable, Alias("ott.ring-view")]
public sealed record RingView(
    [property: Id(0)] string RingId,
    [property: Id(1)] string Kind,
    [property: Id(2)] int Size,
    [property: Id(3)] double Risk,
    [property: Id(4)] int FlaggedMembers,
    [property: Id(5)] DateTimeOffset FirstSeen,
    [property: Id(6)] IReadOnlyList<string> Members,
    [property: Id(7)] IReadOnlyList<SharedIdentifierView> SharedIdentifiers);

/// <summary>A user's place in the graph (<c>GET /api/v1/network/users/{id}</c>).</summary>
[GenerateSerializer, Immutable, Alias("ott.user-network-view")]
public sealed record UserNetworkInfo(
    [property: Id(0)] string UserId,
    [property: Id(1)] string? RingId,
    [property: Id(2)] double NetworkRisk,
    [property: Id(3)] IReadOnlyList<string> Neighbours,
    [property: Id(4)] IReadOnlyList<SharedIdentifierView> Evidence);

/// <summary>One step of a path between two users: a user, or the identifier that links the users around it.</summary>
[GenerateSerializer, Immutable, Alias("ott.path-step")]
public sealed record PathStep(
    [property: Id(0)] string Node,
    [property: Id(1)] LinkKind? Kind);

/// <summary>Users in rings (and the riskiest others), for the silos' local copy.</summary>
[GenerateSerializer, Immutable, Alias("ott.network-snapshot")]
public sealed record NetworkSnapshot(
    [property: Id(0)] long Version,
    [property: Id(1)] IReadOnlyDictionary<string, NetworkStanding> Users);

/// <summary>A user's ring and network risk.</summary>
[GenerateSerializer, Immutable, Alias("ott.network-standing")]
public sealed record NetworkStanding(
    [property: Id(0)] string? RingId,
    [property: Id(1)] double Risk);

/// <summary>The assessment's <c>network</c> section.</summary>
/// <param name="RingId">The user's ring, or null outside any ring.</param>
/// <param name="NetworkRisk">The ring's risk for a member; null for others (their small degree-based score is at
/// <c>GET /api/v1/network/users/{id}</c>, not copied to every silo).</param>
/// <param name="SnapshotVersion">The version of the ring snapshot the silo judged with.</param>
[GenerateSerializer, Immutable, Alias("ott.network-verdict")]
public sealed record NetworkVerdict(
    [property: Id(0)] string? RingId,
    [property: Id(1)] double? NetworkRisk,
    [property: Id(2)] long SnapshotVersion);

/// <summary>Counts of the graph.</summary>
[GenerateSerializer, Immutable, Alias("ott.network-stats")]
public sealed record NetworkStats(
    [property: Id(0)] int Users,
    [property: Id(1)] int Identifiers,
    [property: Id(2)] long Links,
    [property: Id(3)] int Hubs,
    [property: Id(4)] int Rings,
    [property: Id(5)] long Version);

/// <summary>
/// Singleton (key 0) owner of the user-identifier graph and its rings (docs/scoring.md). Fed about once a second
/// by each silo's network batcher with links new to their users (and users to flag), never once per event. Silos copy
/// <see cref="GetSnapshotAsync"/> when <see cref="GetStatsAsync"/> shows a new version.
/// </summary>
[Alias("ott.network")]
public interface INetworkGrain : IGrainWithIntegerKey
{
    [Alias("add")]
    Task AddAsync(IReadOnlyList<NetworkLink> links, IReadOnlyList<string> flaggedUsers);

    [Alias("remove-user")]
    Task RemoveUserAsync(string userId);

    [Alias("rings")]
    Task<IReadOnlyList<RingView>> GetRingsAsync(int minSize, string? kind);

    [Alias("user")]
    Task<UserNetworkInfo?> GetUserAsync(string userId);

    [Alias("path")]
    Task<IReadOnlyList<PathStep>> GetPathAsync(string fromUser, string toUser);

    [Alias("stats")]
    Task<NetworkStats> GetStatsAsync();

    [Alias("snapshot")]
    Task<NetworkSnapshot> GetSnapshotAsync();
}
