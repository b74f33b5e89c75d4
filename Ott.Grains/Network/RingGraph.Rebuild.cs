using System.Runtime.InteropServices;

namespace Ott.Grains.Network;

public sealed partial class RingGraph
{
    /// <summary>
    /// Recomputes the components of the given users from the stored edges, hubs excluded, then re-attaches ring ids
    /// (README.md, "Ring ids"): each old id goes to the new ring holding most of its members (largest overlap first;
    /// tie: the older id), at most one id per ring; a ring left without one gets a new id; an old id left unassigned is
    /// retired, merged into the ring that holds most of its former members, or dissolved when none of them is in a ring.
    /// A ring whose membership did not change always keeps its id (it is the only ring overlapping that id, with full
    /// overlap). Only the components of <paramref name="seeds"/> are touched: every edge that can change them (the new
    /// hub's, the erased user's, an identifier back under the cap) lies inside them. O(their members + their edges).
    /// </summary>
    private List<RingChange> Rebuild(IEnumerable<int> seeds, DateTimeOffset at)
    {
        var members = new List<int>();
        var oldRingOfMember = new List<int>();
        var oldFirstSeen = new Dictionary<int, DateTimeOffset>();
        var visited = new HashSet<int>();
        foreach (var seed in seeds)
        {
            var root = Find(seed);
            if (!visited.Add(root))
            {
                continue;
            }

            var ring = _users[root].Ring;
            if (ring != 0)
            {
                oldFirstSeen[ring] = _rings[ring].FirstSeen;
                _rings.Remove(ring);
            }

            var member = root;
            do
            {
                members.Add(member);
                oldRingOfMember.Add(ring);
                member = _users[member].Next;
            }
            while (member != root);
        }

        foreach (var u in members)
        {
            ref var node = ref _users[u];
            node.Parent = u;
            node.Size = 1;
            node.Next = u;
            node.Ring = 0;
            node.KindMask = 0;
            node.FlaggedCount = node.Flagged ? 1 : 0;
        }

        foreach (var u in members)
        {
            for (var k = 0; k < _users[u].IdentifierCount; k++)
            {
                var identifier = _users[u].Identifiers![k];
                if (IsConnector(identifier))
                {
                    Link(u, _identifiers[identifier].Users![0], out _);
                }
            }
        }

        foreach (var u in members)
        {
            for (var k = 0; k < _users[u].IdentifierCount; k++)
            {
                var identifier = _users[u].Identifiers![k];
                if (IsConnector(identifier))
                {
                    _users[Find(u)].KindMask |= RingRisk.KindBit(_identifiers[identifier].Kind);
                }
            }
        }

        var oldRingOf = new Dictionary<int, int>(members.Count);
        for (var i = 0; i < members.Count; i++)
        {
            if (oldRingOfMember[i] != 0)
            {
                oldRingOf[members[i]] = oldRingOfMember[i];
            }
        }

        // Overlap of each new ring with each old ring id.
        var roots = new List<int>();
        var candidates = new List<(int Overlap, int OldRing, int Root)>();
        var overlap = new Dictionary<int, int>();
        foreach (var u in members)
        {
            if (_users[u].Parent != u || _users[u].Size < MinRingSize)
            {
                continue;
            }

            roots.Add(u);
            overlap.Clear();
            var member = u;
            do
            {
                if (oldRingOf.TryGetValue(member, out var old))
                {
                    CollectionsMarshal.GetValueRefOrAddDefault(overlap, old, out _)++;
                }

                member = _users[member].Next;
            }
            while (member != u);

            foreach (var (old, shared) in overlap)
            {
                candidates.Add((shared, old, u));
            }
        }

        candidates.Sort(static (x, y) =>
            x.Overlap != y.Overlap ? y.Overlap.CompareTo(x.Overlap)
            : x.OldRing != y.OldRing ? x.OldRing.CompareTo(y.OldRing)
            : x.Root.CompareTo(y.Root));

        var ringOfRoot = new Dictionary<int, int>(roots.Count);
        var kept = new HashSet<int>();
        foreach (var (_, old, root) in candidates)
        {
            if (!ringOfRoot.ContainsKey(root) && !kept.Contains(old))
            {
                ringOfRoot[root] = old;
                kept.Add(old);
            }
        }

        var formed = new HashSet<int>();
        foreach (var root in roots)
        {
            if (ringOfRoot.TryGetValue(root, out var number))
            {
                _rings[number] = new RingState { Root = root, FirstSeen = oldFirstSeen[number] };
            }
            else
            {
                number = _nextRingNumber++;
                ringOfRoot[root] = number;
                formed.Add(number);
                _rings[number] = new RingState { Root = root, FirstSeen = at };
            }

            _users[root].Ring = number;
        }

        // Where each retired id went: the ring holding most of its former members (tie: the smaller ring number).
        var heir = new Dictionary<int, (int Ring, int Overlap)>();
        foreach (var (shared, old, root) in candidates)
        {
            if (kept.Contains(old))
            {
                continue;
            }

            var ring = ringOfRoot[root];
            if (!heir.TryGetValue(old, out var best) || shared > best.Overlap || (shared == best.Overlap && ring < best.Ring))
            {
                heir[old] = (ring, shared);
            }
        }

        var retiredInto = new SortedDictionary<int, List<string>>();
        var changes = new List<(int Number, RingChange Change)>();
        foreach (var old in oldFirstSeen.Keys.Order())
        {
            if (kept.Contains(old))
            {
                continue;
            }

            if (heir.TryGetValue(old, out var into))
            {
                if (!retiredInto.TryGetValue(into.Ring, out var list))
                {
                    retiredInto[into.Ring] = list = [];
                }

                list.Add(RingId(old));
            }
            else
            {
                changes.Add((old, new RingChange(RingChangeKind.Dissolved, RingId(old), 0, [])));
            }
        }

        foreach (var number in formed)
        {
            var retired = retiredInto.TryGetValue(number, out var list) ? list : [];
            changes.Add((number, new RingChange(RingChangeKind.Formed, RingId(number), _users[_rings[number].Root].Size, retired)));
        }

        foreach (var (number, retired) in retiredInto)
        {
            if (!formed.Contains(number))
            {
                changes.Add((number, new RingChange(RingChangeKind.Merged, RingId(number), _users[_rings[number].Root].Size, retired)));
            }
        }

        changes.Sort(static (x, y) => x.Number.CompareTo(y.Number));
        return changes.ConvertAll(static c => c.Change);
    }
}
