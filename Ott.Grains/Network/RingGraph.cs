using System.Runtime.InteropServices;

namespace Ott.Grains.Network;

/// <summary>
/// The fraud-ring engine of docs/scoring.md: users linked through identifiers (device, IP, payment method), with an
/// incremental union-find (path compression, union by size) over users. An identifier shared by more than
/// <see cref="HubCap"/> users is a hub and joins nothing; a component of at least <see cref="MinRingSize"/> users is
/// a ring with a stable id <c>ring-N</c>. The id rules, the risk formula and the cost of each call are in README.md
/// beside this file.
/// <para>
/// Storage is interned: user ids and identifier values map to int slots once, edges are two compact int lists
/// (identifiers per user, users per identifier), and the union-find, ring id, kind mask and flagged count live in one
/// struct array. <see cref="AddLink"/> is O(1) amortised; the full rebuild (when an identifier becomes a hub, or
/// on <see cref="RemoveUser"/>) is O(users + edges) and rare.
/// </para>
/// Not thread-safe: one instance per grain activation.
/// </summary>
public sealed partial class RingGraph
{
    private const int InitialListCapacity = 2;

    private readonly Dictionary<string, int> _userIndex = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int>[] _identifierIndex =
    [
        new(StringComparer.Ordinal),
        new(StringComparer.Ordinal),
        new(StringComparer.Ordinal),
    ];

    private readonly Dictionary<int, RingState> _rings = [];

    private UserNode[] _users = new UserNode[64];
    private int _userSlots;
    private int _liveUsers;

    private IdentifierNode[] _identifiers = new IdentifierNode[64];
    private int _identifierSlots;
    private int _liveIdentifiers;

    private long _edges;
    private int _hubs;
    private int _nextRingNumber = 1;
    private long _version;

    /// <summary>Creates an empty graph with the default caps (hub cap 50, minimum ring size 5).</summary>
    public RingGraph()
        : this(new RingGraphOptions())
    {
    }

    /// <summary>Creates an empty graph.</summary>
    public RingGraph(RingGraphOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.HubCap, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MinRingSize, 2);
        HubCap = options.HubCap;
        MinRingSize = options.MinRingSize;
    }

    /// <summary>An identifier with more distinct users than this is a hub and joins no components.</summary>
    public int HubCap { get; }

    /// <summary>Components with at least this many users are rings.</summary>
    public int MinRingSize { get; }

    /// <summary>Counts of users, identifiers, edges, hubs and rings.</summary>
    public RingGraphStats Stats => new(_liveUsers, _liveIdentifiers, _edges, _hubs, _rings.Count);

    /// <summary>
    /// Links a user to an identifier. Returns <see cref="RingGraphUpdate.Changed"/> false when the link was already
    /// known. When a ring is formed or an id is retired, <see cref="RingGraphUpdate.RingChanges"/> says so; when this
    /// link makes the identifier a hub the graph is rebuilt without it (rings glued only by it dissolve).
    /// </summary>
    /// <param name="userId">The user.</param>
    /// <param name="kind">Identifier kind.</param>
    /// <param name="value">Identifier value.</param>
    /// <param name="at">Event time, recorded as the first-seen time of a ring this call creates.</param>
    public RingGraphUpdate AddLink(string userId, IdentifierKind kind, string value, DateTimeOffset at)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        ArgumentException.ThrowIfNullOrEmpty(value);
        if ((uint)kind > (uint)IdentifierKind.Payment)
        {
            throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown identifier kind.");
        }

        var user = InternUser(userId);
        var identifier = InternIdentifier(kind, value);
        if (HasEdge(user, identifier))
        {
            return RingGraphUpdate.Unchanged;
        }

        Append(ref _users[user].Identifiers, ref _users[user].IdentifierCount, identifier);
        ref var node = ref _identifiers[identifier];
        Append(ref node.Users, ref node.UserCount, user);
        _edges++;
        _version++;

        var count = node.UserCount;
        if (count == HubCap + 1)
        {
            // Rare: the identifier just became a hub, so the components it glued must be recomputed without it.
            _hubs++;
            return new RingGraphUpdate(true, true, Rebuild([node.Users![0]], at));
        }

        if (count < 2 || count > HubCap)
        {
            return RingGraphUpdate.NewEdge;
        }

        // Every user of a non-hub identifier is already in one component: joining any one of them is enough.
        var other = node.Users![0] == user ? node.Users[1] : node.Users[0];
        List<RingChange>? changes = null;
        Union(user, other, at, ref changes);
        _users[Find(user)].KindMask |= RingRisk.KindBit(kind);
        return changes is null ? RingGraphUpdate.NewEdge : new RingGraphUpdate(true, false, changes);
    }

    /// <summary>
    /// Marks a user as already flagged (confirmed fraud, blocked): raises the risk of the user's ring. A user not yet
    /// in the graph is added without links. Returns false when the user was already flagged.
    /// </summary>
    public bool Flag(string userId)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        var user = InternUser(userId);
        if (_users[user].Flagged)
        {
            return false;
        }

        _users[user].Flagged = true;
        _users[Find(user)].FlaggedCount++;
        return true;
    }

    /// <summary>
    /// Erases a user: drops the user's edges and id, drops identifiers no longer linked to anyone, and rebuilds the
    /// components (O(users + edges)). Ring ids follow the rebuild rule of README.md.
    /// </summary>
    /// <param name="userId">The user to erase.</param>
    /// <param name="at">Time of the erasure, the first-seen time of a ring id the rebuild has to create.</param>
    public RingGraphUpdate RemoveUser(string userId, DateTimeOffset at)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        if (!_userIndex.Remove(userId, out var user))
        {
            return RingGraphUpdate.Unchanged;
        }

        // The erased user's component may split; an identifier back under the cap may join its users' components.
        var seeds = new List<int> { user };
        ref var node = ref _users[user];
        for (var i = 0; i < node.IdentifierCount; i++)
        {
            var identifier = node.Identifiers![i];
            ref var ident = ref _identifiers[identifier];
            var wasHub = ident.UserCount > HubCap;
            RemoveValue(ident.Users!, ref ident.UserCount, user);
            if (wasHub && ident.UserCount <= HubCap)
            {
                _hubs--;
                seeds.AddRange(ident.Users.AsSpan(0, ident.UserCount));
            }

            if (ident.UserCount == 0)
            {
                _identifierIndex[(int)ident.Kind].Remove(ident.Value!);
                ident.Value = null;
                ident.Users = null;
                _liveIdentifiers--;
            }
        }

        _edges -= node.IdentifierCount;
        node.Name = null;
        node.Identifiers = null;
        node.IdentifierCount = 0;
        node.Flagged = false;
        _liveUsers--;
        _version++;
        return new RingGraphUpdate(true, false, Rebuild(seeds, at));
    }

    private int InternUser(string userId)
    {
        ref var slot = ref CollectionsMarshal.GetValueRefOrAddDefault(_userIndex, userId, out var exists);
        if (exists)
        {
            return slot;
        }

        if (_userSlots == _users.Length)
        {
            Array.Resize(ref _users, _users.Length * 2);
        }

        var index = _userSlots++;
        _users[index] = new UserNode { Name = userId, Parent = index, Size = 1, Next = index };
        _liveUsers++;
        slot = index;
        return index;
    }

    private int InternIdentifier(IdentifierKind kind, string value)
    {
        ref var slot = ref CollectionsMarshal.GetValueRefOrAddDefault(_identifierIndex[(int)kind], value, out var exists);
        if (exists)
        {
            return slot;
        }

        if (_identifierSlots == _identifiers.Length)
        {
            Array.Resize(ref _identifiers, _identifiers.Length * 2);
        }

        var index = _identifierSlots++;
        _identifiers[index] = new IdentifierNode { Value = value, Kind = kind };
        _liveIdentifiers++;
        slot = index;
        return index;
    }

    private bool HasEdge(int user, int identifier)
    {
        ref var u = ref _users[user];
        ref var i = ref _identifiers[identifier];

        // Scan the shorter side: a hub's user list can be long, a user's identifier list rarely is.
        return u.IdentifierCount <= i.UserCount
            ? Contains(u.Identifiers, u.IdentifierCount, identifier)
            : Contains(i.Users, i.UserCount, user);
    }

    private static bool Contains(int[]? items, int count, int value)
    {
        for (var k = 0; k < count; k++)
        {
            if (items![k] == value)
            {
                return true;
            }
        }

        return false;
    }

    private static void Append(ref int[]? items, ref int count, int value)
    {
        if (items is null)
        {
            items = new int[InitialListCapacity];
        }
        else if (count == items.Length)
        {
            Array.Resize(ref items, items.Length * 2);
        }

        items[count++] = value;
    }

    private static void RemoveValue(int[] items, ref int count, int value)
    {
        // Order-preserving: path queries and evidence lists then stay in insertion order.
        var at = Array.IndexOf(items, value, 0, count);
        if (at < 0)
        {
            return;
        }

        Array.Copy(items, at + 1, items, at, count - at - 1);
        count--;
    }

    private int Find(int x)
    {
        var root = x;
        while (_users[root].Parent != root)
        {
            root = _users[root].Parent;
        }

        while (_users[x].Parent != root)
        {
            var next = _users[x].Parent;
            _users[x].Parent = root;
            x = next;
        }

        return root;
    }

    /// <summary>Joins the components of two users (union by size) and returns the new root, or -1 if already joined.</summary>
    private int Link(int a, int b, out int absorbed)
    {
        var ra = Find(a);
        var rb = Find(b);
        absorbed = -1;
        if (ra == rb)
        {
            return -1;
        }

        var sa = _users[ra].Size;
        var sb = _users[rb].Size;
        var (root, child) = sa > sb || (sa == sb && ra < rb) ? (ra, rb) : (rb, ra);
        ref var r = ref _users[root];
        ref var c = ref _users[child];
        c.Parent = root;
        r.Size += c.Size;
        r.FlaggedCount += c.FlaggedCount;
        r.KindMask |= c.KindMask;

        // Members are a circular list per component: swapping one successor from each side splices the two cycles.
        (r.Next, c.Next) = (c.Next, r.Next);
        absorbed = child;
        return root;
    }

    private void Union(int a, int b, DateTimeOffset at, ref List<RingChange>? changes)
    {
        ref var rootA = ref _users[Find(a)];
        ref var rootB = ref _users[Find(b)];
        var (ringA, sizeA, ringB, sizeB) = (rootA.Ring, rootA.Size, rootB.Ring, rootB.Size);
        var root = Link(a, b, out var absorbed);
        if (root < 0)
        {
            return;
        }

        var size = _users[root].Size;
        int keep;
        if (ringA == 0 && ringB == 0)
        {
            if (size < MinRingSize)
            {
                return;
            }

            keep = _nextRingNumber++;
            _rings[keep] = new RingState { Root = root, FirstSeen = at };
            (changes ??= []).Add(new RingChange(RingChangeKind.Formed, RingId(keep), size, []));
        }
        else if (ringA == 0 || ringB == 0)
        {
            keep = ringA == 0 ? ringB : ringA;
        }
        else
        {
            // The larger ring keeps its id; on a tie the older (smaller number) one does.
            var aWins = sizeA > sizeB || (sizeA == sizeB && ringA < ringB);
            keep = aWins ? ringA : ringB;
            var retired = aWins ? ringB : ringA;
            _rings.Remove(retired);
            (changes ??= []).Add(new RingChange(RingChangeKind.Merged, RingId(keep), size, [RingId(retired)]));
        }

        _users[absorbed].Ring = 0;
        _users[root].Ring = keep;
        _rings[keep].Root = root;
    }

    private const string RingIdPrefix = "ring-";

    internal static string RingId(int number) => RingIdPrefix + number.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private struct UserNode
    {
        public string? Name;
        public int[]? Identifiers;
        public int IdentifierCount;
        public int Parent;
        public int Size;
        public int Next;
        public int Ring;
        public int FlaggedCount;
        public byte KindMask;
        public bool Flagged;
    }

    private struct IdentifierNode
    {
        public string? Value;
        public int[]? Users;
        public int UserCount;
        public IdentifierKind Kind;
    }

    private sealed class RingState
    {
        public int Root { get; set; }

        public DateTimeOffset FirstSeen { get; init; }
    }
}
