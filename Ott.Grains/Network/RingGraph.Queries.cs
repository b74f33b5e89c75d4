using QuikGraph;
using QuikGraph.Algorithms.Observers;
using QuikGraph.Algorithms.Search;

namespace Ott.Grains.Network;

public sealed partial class RingGraph
{
    private UndirectedGraph<int, SUndirectedEdge<int>>? _pathGraph;
    private int _pathRoot = -1;
    private long _pathVersion = -1;

    /// <summary>The user's ring with members and evidence, or null when the user is in no ring (or unknown).</summary>
    public NetworkRing? RingOf(string userId)
    {
        if (!_userIndex.TryGetValue(userId, out var user))
        {
            return null;
        }

        var root = Find(user);
        var number = _users[root].Ring;
        return number == 0 ? null : Describe(number, root);
    }

    /// <summary>The ring with this id with members and evidence, or null when no such ring exists (any more). O(ring size).</summary>
    public NetworkRing? Ring(string ringId) =>
        ringId.StartsWith(RingIdPrefix, StringComparison.Ordinal)
        && int.TryParse(ringId.AsSpan(RingIdPrefix.Length), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number)
        && _rings.TryGetValue(number, out var state)
            ? Describe(number, state.Root)
            : null;

    /// <summary>
    /// Every ring member with its ring's id and risk: what the silos' membership snapshot needs, in O(members), without
    /// the evidence lists and sorting of <see cref="Rings"/>.
    /// </summary>
    public IEnumerable<(string UserId, string RingId, double Risk)> Memberships()
    {
        foreach (var (number, state) in _rings)
        {
            var id = RingId(number);
            var risk = RiskOf(state.Root);
            var member = state.Root;
            do
            {
                yield return (_users[member].Name!, id, risk);
                member = _users[member].Next;
            }
            while (member != state.Root);
        }
    }

    /// <summary>Current rings with at least <paramref name="minSize"/> members, optionally of one kind; highest risk first.</summary>
    /// <param name="minSize">Smallest ring size to return (rings are never smaller than <see cref="MinRingSize"/>).</param>
    /// <param name="kind">A <see cref="RingKinds"/> value, or null for every kind.</param>
    public IReadOnlyList<NetworkRing> Rings(int minSize = 0, string? kind = null)
    {
        var found = new List<(int Number, NetworkRing Ring)>();
        foreach (var (number, state) in _rings)
        {
            var root = _users[state.Root];
            if (root.Size < minSize || (kind is not null && !string.Equals(RingRisk.KindName(root.KindMask), kind, StringComparison.Ordinal)))
            {
                continue;
            }

            found.Add((number, Describe(number, state.Root)));
        }

        found.Sort(static (x, y) =>
            x.Ring.Risk != y.Ring.Risk ? y.Ring.Risk.CompareTo(x.Ring.Risk)
            : x.Ring.Size != y.Ring.Size ? y.Ring.Size.CompareTo(x.Ring.Size)
            : x.Number.CompareTo(y.Number));
        return found.ConvertAll(static f => f.Ring);
    }

    /// <summary>
    /// User network risk: the ring risk for a ring member; otherwise <c>min(0.3, 0.03 x neighbours)</c> where
    /// neighbours are distinct other users sharing a non-hub identifier; 0 for an unknown user. O(1) for members.
    /// </summary>
    public double NetworkRisk(string userId)
    {
        if (!_userIndex.TryGetValue(userId, out var user))
        {
            return 0;
        }

        var root = Find(user);
        return _users[root].Ring != 0 ? RiskOf(root) : RingRisk.Outsider(Neighbours(user).Count);
    }

    /// <summary>The analyst view of a user (ring id, risk, neighbours, evidence), or null for an unknown user.</summary>
    public UserNetworkView? UserView(string userId)
    {
        if (!_userIndex.TryGetValue(userId, out var user))
        {
            return null;
        }

        var root = Find(user);
        var number = _users[root].Ring;
        var neighbours = Neighbours(user);
        var names = new List<string>(neighbours.Count);
        foreach (var n in neighbours)
        {
            names.Add(_users[n].Name!);
        }

        names.Sort(StringComparer.Ordinal);
        var evidence = new List<SharedIdentifier>();
        ref var node = ref _users[user];
        for (var k = 0; k < node.IdentifierCount; k++)
        {
            if (IsConnector(node.Identifiers![k]))
            {
                evidence.Add(Shared(node.Identifiers[k]));
            }
        }

        SortEvidence(evidence);
        return new UserNetworkView(
            userId,
            number == 0 ? null : RingId(number),
            number == 0 ? RingRisk.Outsider(neighbours.Count) : RiskOf(root),
            names,
            evidence);
    }

    /// <summary>
    /// A shortest path between two users through non-hub identifiers, as the alternating list user, identifier, user,
    /// ...; empty when they are not connected (or unknown), the single user when both are the same. Runs a QuikGraph
    /// breadth-first search over a view of the users' component, built on first use and cached until the graph changes.
    /// </summary>
    public IReadOnlyList<PathNode> ShortestPath(string fromUser, string toUser)
    {
        if (!_userIndex.TryGetValue(fromUser, out var from) || !_userIndex.TryGetValue(toUser, out var to))
        {
            return [];
        }

        if (from == to)
        {
            return [new PathNode(fromUser, null)];
        }

        var root = Find(from);
        if (Find(to) != root)
        {
            return [];
        }

        var graph = ComponentGraph(root);
        var search = new UndirectedBreadthFirstSearchAlgorithm<int, SUndirectedEdge<int>>(graph);
        var predecessors = new UndirectedVertexPredecessorRecorderObserver<int, SUndirectedEdge<int>>();
        using (predecessors.Attach(search))
        {
            search.Compute(from);
        }

        if (!predecessors.TryGetPath(to, out var edges))
        {
            return [];
        }

        var path = new List<PathNode> { new(fromUser, null) };
        var current = from;
        foreach (var edge in edges)
        {
            current = edge.Source == current ? edge.Target : edge.Source;
            path.Add(current >= 0
                ? new PathNode(_users[current].Name!, null)
                : new PathNode(_identifiers[-current - 1].Value!, _identifiers[-current - 1].Kind));
        }

        return path;
    }

    /// <summary>
    /// The QuikGraph view of one component: users as vertices <c>u</c> (their slot), identifiers as <c>-(slot + 1)</c>,
    /// one edge per user-identifier link, hubs and identifiers with a single user left out.
    /// </summary>
    private UndirectedGraph<int, SUndirectedEdge<int>> ComponentGraph(int root)
    {
        if (_pathGraph is not null && _pathRoot == root && _pathVersion == _version)
        {
            return _pathGraph;
        }

        var graph = new UndirectedGraph<int, SUndirectedEdge<int>>(allowParallelEdges: true);
        var member = root;
        do
        {
            graph.AddVertex(member);
            ref var node = ref _users[member];
            for (var k = 0; k < node.IdentifierCount; k++)
            {
                var identifier = node.Identifiers![k];
                if (IsConnector(identifier))
                {
                    // SUndirectedEdge wants source <= target: identifier vertices are negative.
                    graph.AddVerticesAndEdge(new SUndirectedEdge<int>(-identifier - 1, member));
                }
            }

            member = node.Next;
        }
        while (member != root);

        _pathGraph = graph;
        _pathRoot = root;
        _pathVersion = _version;
        return graph;
    }

    private NetworkRing Describe(int number, int root)
    {
        var members = new List<string>(_users[root].Size);
        var seen = new HashSet<int>();
        var shared = new List<SharedIdentifier>();
        var member = root;
        do
        {
            ref var node = ref _users[member];
            members.Add(node.Name!);
            for (var k = 0; k < node.IdentifierCount; k++)
            {
                var identifier = node.Identifiers![k];
                if (IsConnector(identifier) && seen.Add(identifier))
                {
                    shared.Add(Shared(identifier));
                }
            }

            member = node.Next;
        }
        while (member != root);

        members.Sort(StringComparer.Ordinal);
        SortEvidence(shared);
        var r = _users[root];
        return new NetworkRing(
            RingId(number),
            RingRisk.KindName(r.KindMask),
            r.Size,
            RiskOf(root),
            r.FlaggedCount,
            _rings[number].FirstSeen,
            members,
            shared);
    }

    private double RiskOf(int root)
    {
        var r = _users[root];
        return RingRisk.Ring(r.Size, MinRingSize, r.KindMask, r.FlaggedCount);
    }

    private HashSet<int> Neighbours(int user)
    {
        var neighbours = new HashSet<int>();
        ref var node = ref _users[user];
        for (var k = 0; k < node.IdentifierCount; k++)
        {
            var identifier = node.Identifiers![k];
            if (!IsConnector(identifier))
            {
                continue;
            }

            ref var ident = ref _identifiers[identifier];
            for (var j = 0; j < ident.UserCount; j++)
            {
                if (ident.Users![j] != user)
                {
                    neighbours.Add(ident.Users[j]);
                }
            }
        }

        return neighbours;
    }

    /// <summary>True for an identifier that joins users: at least two of them, and not a hub.</summary>
    private bool IsConnector(int identifier)
    {
        var count = _identifiers[identifier].UserCount;
        return count >= 2 && count <= HubCap;
    }

    private SharedIdentifier Shared(int identifier)
    {
        ref var ident = ref _identifiers[identifier];
        return new SharedIdentifier(ident.Kind, ident.Value!, ident.UserCount);
    }

    private static void SortEvidence(List<SharedIdentifier> evidence) =>
        evidence.Sort(static (x, y) => x.Kind != y.Kind ? x.Kind.CompareTo(y.Kind) : string.CompareOrdinal(x.Value, y.Value));
}
