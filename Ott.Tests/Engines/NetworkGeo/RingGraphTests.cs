using Ott.Grains.Network;

namespace Ott.Tests.Engines.NetworkGeo;

public class RingGraphTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private RingGraph _graph = null!;

    [SetUp]
    public void Fresh() => _graph = new RingGraph();

    private RingGraphUpdate Link(string user, IdentifierKind kind, string value, int minute = 0) =>
        _graph.AddLink(user, kind, value, T0.AddMinutes(minute));

    /// <summary>Links users <c>{prefix}{from}..{prefix}{to}</c> to one identifier; returns the last update.</summary>
    private RingGraphUpdate LinkAll(string prefix, int from, int to, IdentifierKind kind, string value, int minute = 0)
    {
        RingGraphUpdate last = RingGraphUpdate.Unchanged;
        for (var i = from; i <= to; i++)
        {
            last = Link($"{prefix}{i}", kind, value, minute);
        }

        return last;
    }

    private static string[] Names(string prefix, int from, int to) =>
        Enumerable.Range(from, to - from + 1).Select(i => $"{prefix}{i}").Order(StringComparer.Ordinal).ToArray();

    private static string[] Path(IReadOnlyList<PathNode> path) => path.Select(p => p.ToString()).ToArray();

    [Test]
    public void ChainOfDifferentIdentifiers_MergesIntoOneRingAtTheFifthUser()
    {
        Link("u1", IdentifierKind.Device, "d1");
        Link("u2", IdentifierKind.Device, "d1");
        Link("u2", IdentifierKind.Ip, "10.0.0.1");
        Link("u3", IdentifierKind.Ip, "10.0.0.1");
        Link("u3", IdentifierKind.Payment, "p1");
        var fourth = Link("u4", IdentifierKind.Payment, "p1");
        Link("u4", IdentifierKind.Device, "d2");
        var fifth = Link("u5", IdentifierKind.Device, "d2", minute: 7);

        var ring = _graph.RingOf("u1")!;
        Assert.Multiple(() =>
        {
            Assert.That(fourth.RingChanges, Is.Empty);
            Assert.That(fifth.RingChanges, Is.EqualTo(new[] { new RingChange(RingChangeKind.Formed, "ring-1", 5, []) }).UsingPropertiesComparer());
            Assert.That(ring.Id, Is.EqualTo("ring-1"));
            Assert.That(ring.Members, Is.EqualTo(new[] { "u1", "u2", "u3", "u4", "u5" }));
            Assert.That(ring.Kind, Is.EqualTo(RingKinds.Mixed));
            Assert.That(ring.FirstSeen, Is.EqualTo(T0.AddMinutes(7)));
            Assert.That(ring.SharedIdentifiers, Is.EqualTo(new[]
            {
                new SharedIdentifier(IdentifierKind.Device, "d1", 2),
                new SharedIdentifier(IdentifierKind.Device, "d2", 2),
                new SharedIdentifier(IdentifierKind.Ip, "10.0.0.1", 2),
                new SharedIdentifier(IdentifierKind.Payment, "p1", 2),
            }));
            Assert.That(_graph.RingOf("u5")!.Id, Is.EqualTo("ring-1"));
        });
    }

    [Test]
    public void RingById_FindsALiveRing_AndNothingForARetiredOrMalformedId()
    {
        LinkAll("a", 1, 5, IdentifierKind.Ip, "10.0.0.1");
        LinkAll("b", 1, 6, IdentifierKind.Ip, "10.0.0.2");
        var merge = Link("a1", IdentifierKind.Device, "d1");
        Link("b1", IdentifierKind.Device, "d1");

        Assert.Multiple(() =>
        {
            Assert.That(merge.RingChanges, Is.Empty);
            Assert.That(_graph.Ring("ring-2")!.Members, Is.EqualTo(_graph.RingOf("a3")!.Members), "the larger ring keeps its id");
            Assert.That(_graph.Ring("ring-2")!.Size, Is.EqualTo(11));
            Assert.That(_graph.Ring("ring-1"), Is.Null, "retired by the merge");
            Assert.That(_graph.Ring("ring-3"), Is.Null);
            Assert.That(_graph.Ring("ring-"), Is.Null);
            Assert.That(_graph.Ring("ring--2"), Is.Null);
            Assert.That(_graph.Ring("2"), Is.Null);
        });
    }

    [Test]
    public void Memberships_ListEveryMemberOfEveryRing_WithItsRingsIdAndRisk()
    {
        LinkAll("a", 1, 5, IdentifierKind.Ip, "10.0.0.1");
        LinkAll("b", 1, 6, IdentifierKind.Device, "tv");
        LinkAll("c", 1, 3, IdentifierKind.Ip, "10.0.0.3");

        var expected = _graph.Rings().SelectMany(r => r.Members.Select(m => (m, r.Id, r.Risk)));

        Assert.Multiple(() =>
        {
            Assert.That(_graph.Memberships(), Is.EquivalentTo(expected));
            Assert.That(_graph.Memberships().Count(), Is.EqualTo(11), "the three users of c are no ring");
        });
    }

    [Test]
    public void SameLinkTwice_IsNotNew()
    {
        var first = Link("u1", IdentifierKind.Ip, "10.0.0.1");
        var again = Link("u1", IdentifierKind.Ip, "10.0.0.1");
        var otherKindSameValue = Link("u1", IdentifierKind.Device, "10.0.0.1");

        Assert.Multiple(() =>
        {
            Assert.That(first.Changed, Is.True);
            Assert.That(again, Is.SameAs(RingGraphUpdate.Unchanged));
            Assert.That(otherKindSameValue.Changed, Is.True, "an identifier is kind + value");
            Assert.That(_graph.Stats, Is.EqualTo(new RingGraphStats(Users: 1, Identifiers: 2, Edges: 2, Hubs: 0, Rings: 0)));
        });
    }

    [Test]
    public void FourUsersOnOneIp_AreNotARing()
    {
        LinkAll("u", 1, 4, IdentifierKind.Ip, "10.0.0.1");

        Assert.Multiple(() =>
        {
            Assert.That(_graph.RingOf("u1"), Is.Null);
            Assert.That(_graph.Rings(), Is.Empty);
        });
    }

    [Test]
    public void MinimumSizeIpRing_HasRiskPointFour()
    {
        LinkAll("u", 1, 5, IdentifierKind.Ip, "10.0.0.1");

        var ring = _graph.RingOf("u3")!;
        Assert.Multiple(() =>
        {
            Assert.That(ring.Kind, Is.EqualTo(RingKinds.Ip));
            Assert.That(ring.Size, Is.EqualTo(5));
            Assert.That(ring.Risk, Is.EqualTo(0.4));
            Assert.That(_graph.NetworkRisk("u3"), Is.EqualTo(0.4));
        });
    }

    [Test]
    public void SixUsersSharingDeviceAndPayment_FormOneMixedRing_SeventhOnOtherDeviceStaysOut()
    {
        for (var i = 1; i <= 6; i++)
        {
            Link($"u{i}", IdentifierKind.Device, "dev-shared");
            Link($"u{i}", IdentifierKind.Payment, "card-shared");
        }

        Link("u7", IdentifierKind.Device, "dev-own");
        Link("u7", IdentifierKind.Payment, "card-own");

        // sizeScore = 0.4 + 0.15 log2(6/5) = 0.4394552; kindScore = min(1, 0.8 + 0.15) = 0.95;
        // risk = 0.5 x 0.4394552 + 0.5 x 0.95 = 0.6947276 -> 0.6947.
        var rings = _graph.Rings();
        Assert.Multiple(() =>
        {
            Assert.That(rings, Has.Count.EqualTo(1));
            Assert.That(rings[0].Id, Is.EqualTo("ring-1"));
            Assert.That(rings[0].Kind, Is.EqualTo(RingKinds.Mixed));
            Assert.That(rings[0].Members, Is.EqualTo(Names("u", 1, 6)));
            Assert.That(rings[0].Risk, Is.EqualTo(0.6947));
            Assert.That(rings[0].SharedIdentifiers, Is.EqualTo(new[]
            {
                new SharedIdentifier(IdentifierKind.Device, "dev-shared", 6),
                new SharedIdentifier(IdentifierKind.Payment, "card-shared", 6),
            }));
            Assert.That(_graph.RingOf("u7"), Is.Null);
            Assert.That(_graph.NetworkRisk("u7"), Is.EqualTo(0.0));
        });
    }

    [Test]
    public void FlaggedMembers_RaiseRingRisk()
    {
        LinkAll("u", 1, 10, IdentifierKind.Device, "dev-farm");
        var before = _graph.RingOf("u1")!.Risk;
        var first = _graph.Flag("u2");
        var again = _graph.Flag("u2");
        _graph.Flag("u9");

        // size 10, device only, 2 of 10 flagged: sizeScore = 0.4 + 0.15 log2(10/5) = 0.55; kindScore = 0.7;
        // risk = (0.5 x 0.55 + 0.5 x 0.7) x (1 + 0.5 x 0.2) = 0.625 x 1.1 = 0.6875.
        var ring = _graph.RingOf("u1")!;
        Assert.Multiple(() =>
        {
            Assert.That(before, Is.EqualTo(0.625));
            Assert.That(first, Is.True);
            Assert.That(again, Is.False);
            Assert.That(ring.FlaggedMembers, Is.EqualTo(2));
            Assert.That(ring.Risk, Is.EqualTo(0.6875));
        });
    }

    [Test]
    public void FlagBeforeJoining_CountsOnceTheUserJoins()
    {
        _graph.Flag("u1");
        LinkAll("u", 1, 10, IdentifierKind.Device, "dev-farm");

        Assert.Multiple(() =>
        {
            Assert.That(_graph.RingOf("u10")!.FlaggedMembers, Is.EqualTo(1));
            Assert.That(_graph.RingOf("u10")!.Risk, Is.EqualTo(0.6563), "0.625 x 1.05 = 0.65625, half away from zero");
        });
    }

    [TestCase(5, new[] { IdentifierKind.Ip }, 0, 0.4)]
    [TestCase(6, new[] { IdentifierKind.Device, IdentifierKind.Payment }, 0, 0.6947)]
    [TestCase(10, new[] { IdentifierKind.Device }, 2, 0.6875)]
    [TestCase(7, new[] { IdentifierKind.Device }, 0, 0.5864)]
    [TestCase(80, new[] { IdentifierKind.Ip, IdentifierKind.Device, IdentifierKind.Payment }, 0, 1.0)]
    [TestCase(80, new[] { IdentifierKind.Ip }, 40, 0.875)]
    [TestCase(20, new[] { IdentifierKind.Ip, IdentifierKind.Device }, 0, 0.775)]
    public void RingRiskFormula_GivesExactValues(int size, IdentifierKind[] kinds, int flagged, double expected) =>
        Assert.That(RingRisk.Ring(size, 5, kinds, flagged), Is.EqualTo(expected));

    [Test]
    public void GrowingRing_KeepsItsIdAndFirstSeenWithoutChanges()
    {
        LinkAll("u", 1, 5, IdentifierKind.Device, "dev-farm", minute: 1);
        var growth = new List<RingGraphUpdate>();
        for (var i = 6; i <= 9; i++)
        {
            growth.Add(Link($"u{i}", IdentifierKind.Device, "dev-farm", minute: i));
        }

        growth.Add(Link("v1", IdentifierKind.Ip, "10.9.9.9", minute: 20));
        growth.Add(Link("u9", IdentifierKind.Ip, "10.9.9.9", minute: 21));

        var ring = _graph.RingOf("v1")!;
        Assert.Multiple(() =>
        {
            Assert.That(growth.SelectMany(g => g.RingChanges), Is.Empty);
            Assert.That(ring.Id, Is.EqualTo("ring-1"));
            Assert.That(ring.Size, Is.EqualTo(10));
            Assert.That(ring.FirstSeen, Is.EqualTo(T0.AddMinutes(1)));
            Assert.That(ring.Kind, Is.EqualTo(RingKinds.Mixed));
        });
    }

    [Test]
    public void MergingRings_LargerKeepsItsId_SmallerIsRetired()
    {
        LinkAll("a", 1, 5, IdentifierKind.Device, "dev-a");
        LinkAll("b", 1, 7, IdentifierKind.Device, "dev-b");

        var merge = Link("a1", IdentifierKind.Payment, "card-x");
        var bridge = Link("b1", IdentifierKind.Payment, "card-x");

        Assert.Multiple(() =>
        {
            Assert.That(merge.RingChanges, Is.Empty);
            Assert.That(bridge.RingChanges, Is.EqualTo(new[] { new RingChange(RingChangeKind.Merged, "ring-2", 12, ["ring-1"]) }).UsingPropertiesComparer());
            Assert.That(_graph.RingOf("a1")!.Id, Is.EqualTo("ring-2"));
            Assert.That(_graph.Rings().Select(r => r.Id), Is.EqualTo(new[] { "ring-2" }));
            Assert.That(_graph.Stats.Rings, Is.EqualTo(1));
        });
    }

    [Test]
    public void MergingEqualRings_OlderIdWins_WhicheverSideLinks()
    {
        LinkAll("a", 1, 5, IdentifierKind.Device, "dev-a");
        LinkAll("b", 1, 5, IdentifierKind.Device, "dev-b");
        Link("b3", IdentifierKind.Ip, "10.1.1.1");
        var bridge = Link("a4", IdentifierKind.Ip, "10.1.1.1");

        Assert.Multiple(() =>
        {
            Assert.That(bridge.RingChanges, Is.EqualTo(new[] { new RingChange(RingChangeKind.Merged, "ring-1", 10, ["ring-2"]) }).UsingPropertiesComparer());
            Assert.That(_graph.RingOf("b5")!.Id, Is.EqualTo("ring-1"));
        });
    }

    [Test]
    public void NewRingAfterRetirement_GetsTheNextNumber()
    {
        LinkAll("a", 1, 5, IdentifierKind.Device, "dev-a");
        LinkAll("b", 1, 5, IdentifierKind.Device, "dev-b");
        Link("a1", IdentifierKind.Ip, "10.1.1.1");
        Link("b1", IdentifierKind.Ip, "10.1.1.1");
        var formed = LinkAll("c", 1, 5, IdentifierKind.Payment, "card-c");

        Assert.That(formed.RingChanges, Is.EqualTo(new[] { new RingChange(RingChangeKind.Formed, "ring-3", 5, []) }).UsingPropertiesComparer());
    }

    [Test]
    public void SixtyUsersOnOnePublicIp_FormNoRing_AndTheEarlyRingIsDissolvedWhenTheIpBecomesAHub()
    {
        var fifth = LinkAll("p", 1, 5, IdentifierKind.Ip, "203.0.113.7");
        var fiftieth = LinkAll("p", 6, 50, IdentifierKind.Ip, "203.0.113.7");
        var ringsAtFifty = _graph.Rings().Select(r => (r.Id, r.Size)).ToArray();
        var fiftyFirst = Link("p51", IdentifierKind.Ip, "203.0.113.7");
        var sixtieth = LinkAll("p", 52, 60, IdentifierKind.Ip, "203.0.113.7");

        Assert.Multiple(() =>
        {
            Assert.That(fifth.RingChanges, Is.EqualTo(new[] { new RingChange(RingChangeKind.Formed, "ring-1", 5, []) }).UsingPropertiesComparer());
            Assert.That(fiftieth.BecameHub, Is.False);
            Assert.That(ringsAtFifty, Is.EqualTo(new[] { ("ring-1", 50) }), "one ring of 50 while the cap holds");
        });
        Assert.Multiple(() =>
        {
            Assert.That(fiftyFirst.BecameHub, Is.True);
            Assert.That(fiftyFirst.RingChanges, Is.EqualTo(new[] { new RingChange(RingChangeKind.Dissolved, "ring-1", 0, []) }).UsingPropertiesComparer());
            Assert.That(sixtieth, Is.EqualTo(new RingGraphUpdate(true, false, [])).UsingPropertiesComparer());
            Assert.That(_graph.Rings(), Is.Empty);
            Assert.That(_graph.RingOf("p1"), Is.Null);
            Assert.That(_graph.NetworkRisk("p1"), Is.EqualTo(0.0));
            Assert.That(_graph.UserView("p1")!.Neighbours, Is.Empty);
            Assert.That(_graph.Stats, Is.EqualTo(new RingGraphStats(Users: 60, Identifiers: 1, Edges: 60, Hubs: 1, Rings: 0)));
        });
    }

    [Test]
    public void PublicIpHub_DoesNotGlueStrangersTogether()
    {
        LinkAll("a", 1, 3, IdentifierKind.Device, "dev-a");
        LinkAll("b", 1, 3, IdentifierKind.Device, "dev-b");
        LinkAll("a", 1, 3, IdentifierKind.Ip, "198.51.100.1");
        LinkAll("b", 1, 3, IdentifierKind.Ip, "198.51.100.1");
        LinkAll("filler", 1, 54, IdentifierKind.Ip, "198.51.100.1");

        Assert.Multiple(() =>
        {
            Assert.That(_graph.Stats.Hubs, Is.EqualTo(1));
            Assert.That(_graph.Rings(), Is.Empty);
            Assert.That(_graph.ShortestPath("a1", "b1"), Is.Empty);
            Assert.That(_graph.NetworkRisk("a1"), Is.EqualTo(0.06), "two neighbours through dev-a, none through the hub");
            Assert.That(_graph.UserView("a1")!.Neighbours, Is.EqualTo(new[] { "a2", "a3" }));
            Assert.That(_graph.UserView("a1")!.Evidence, Is.EqualTo(new[] { new SharedIdentifier(IdentifierKind.Device, "dev-a", 3) }));
        });
    }

    [Test]
    public void HubRebuild_KeepsUnchangedRingIds_AndTheIdFollowsTheLargerPart()
    {
        LinkAll("x", 1, 5, IdentifierKind.Payment, "card-x", minute: 1);
        LinkAll("a", 1, 6, IdentifierKind.Device, "dev-a", minute: 2);
        LinkAll("b", 1, 5, IdentifierKind.Device, "dev-b", minute: 3);
        Link("a1", IdentifierKind.Ip, "192.0.2.10", minute: 4);
        var merged = Link("b1", IdentifierKind.Ip, "192.0.2.10", minute: 4);
        var hub = LinkAll("crowd", 1, 49, IdentifierKind.Ip, "192.0.2.10", minute: 9);

        Assert.Multiple(() =>
        {
            Assert.That(merged.RingChanges, Is.EqualTo(new[] { new RingChange(RingChangeKind.Merged, "ring-2", 11, ["ring-3"]) }).UsingPropertiesComparer());
            Assert.That(hub.BecameHub, Is.True);
            Assert.That(hub.RingChanges, Is.EqualTo(new[] { new RingChange(RingChangeKind.Formed, "ring-4", 5, []) }).UsingPropertiesComparer());
            Assert.That(_graph.RingOf("x1")!.Id, Is.EqualTo("ring-1"));
            Assert.That(_graph.RingOf("x1")!.FirstSeen, Is.EqualTo(T0.AddMinutes(1)));
            Assert.That(_graph.RingOf("a1")!.Id, Is.EqualTo("ring-2"));
            Assert.That(_graph.RingOf("a1")!.FirstSeen, Is.EqualTo(T0.AddMinutes(2)));
            Assert.That(_graph.RingOf("a1")!.Members, Is.EqualTo(Names("a", 1, 6)));
            Assert.That(_graph.RingOf("b1")!.Id, Is.EqualTo("ring-4"));
            Assert.That(_graph.RingOf("b1")!.FirstSeen, Is.EqualTo(T0.AddMinutes(9)));
        });
    }

    [Test]
    public void UserOutsideAnyRing_HasDegreeBasedRisk()
    {
        Link("solo", IdentifierKind.Device, "dev-1");
        LinkAll("n", 1, 2, IdentifierKind.Device, "dev-1");
        Link("solo", IdentifierKind.Ip, "10.0.0.5");
        Link("n1", IdentifierKind.Ip, "10.0.0.5");
        Link("n3", IdentifierKind.Ip, "10.0.0.5");

        Assert.Multiple(() =>
        {
            Assert.That(_graph.RingOf("solo"), Is.Null);
            Assert.That(_graph.NetworkRisk("solo"), Is.EqualTo(0.09), "three distinct neighbours: n1, n2, n3");
            Assert.That(_graph.NetworkRisk("n3"), Is.EqualTo(0.06));
            Assert.That(_graph.NetworkRisk("stranger"), Is.EqualTo(0.0));
            Assert.That(_graph.UserView("stranger"), Is.Null);
        });
    }

    [Test]
    public void OutsiderRisk_IsCappedAtPointThree()
    {
        _graph = new RingGraph(new RingGraphOptions { MinRingSize = 20 });
        LinkAll("u", 1, 16, IdentifierKind.Ip, "10.0.0.1");

        Assert.Multiple(() =>
        {
            Assert.That(_graph.NetworkRisk("u1"), Is.EqualTo(0.3), "15 neighbours x 0.03 = 0.45, capped");
            Assert.That(RingRisk.Outsider(7), Is.EqualTo(0.21));
        });
    }

    [Test]
    public void UserView_ShowsRingRiskNeighboursAndEvidence()
    {
        LinkAll("u", 1, 5, IdentifierKind.Device, "dev-farm");
        Link("u1", IdentifierKind.Ip, "10.0.0.1");
        Link("outsider", IdentifierKind.Ip, "10.0.0.1");
        Link("u1", IdentifierKind.Payment, "card-own");

        var view = _graph.UserView("u1")!;
        Assert.Multiple(() =>
        {
            Assert.That(view.RingId, Is.EqualTo("ring-1"));
            Assert.That(view.Risk, Is.EqualTo(0.6447), "outsider joined through the IP: size 6, device + ip = 0.5 x 0.4394552 + 0.5 x 0.85");
            Assert.That(view.Neighbours, Is.EqualTo(new[] { "outsider", "u2", "u3", "u4", "u5" }));
            Assert.That(view.Evidence, Is.EqualTo(new[]
            {
                new SharedIdentifier(IdentifierKind.Device, "dev-farm", 5),
                new SharedIdentifier(IdentifierKind.Ip, "10.0.0.1", 2),
            }));
        });
    }

    [Test]
    public void ShortestPath_AlternatesUsersAndIdentifiers_AndTakesTheShortcut()
    {
        Link("u1", IdentifierKind.Ip, "10.0.0.1");
        Link("u2", IdentifierKind.Ip, "10.0.0.1");
        Link("u2", IdentifierKind.Device, "dev-2");
        Link("u3", IdentifierKind.Device, "dev-2");
        Link("u3", IdentifierKind.Payment, "card-3");
        Link("u4", IdentifierKind.Payment, "card-3");
        var longWay = _graph.ShortestPath("u1", "u4");
        Link("u1", IdentifierKind.Payment, "card-3");
        var shortcut = _graph.ShortestPath("u1", "u4");

        Assert.Multiple(() =>
        {
            Assert.That(Path(longWay), Is.EqualTo(new[]
            {
                "user:u1", "ip:10.0.0.1", "user:u2", "device:dev-2", "user:u3", "payment:card-3", "user:u4",
            }));
            Assert.That(Path(shortcut), Is.EqualTo(new[] { "user:u1", "payment:card-3", "user:u4" }));
            Assert.That(Path(_graph.ShortestPath("u4", "u3")), Is.EqualTo(new[] { "user:u4", "payment:card-3", "user:u3" }));
            Assert.That(Path(_graph.ShortestPath("u2", "u2")), Is.EqualTo(new[] { "user:u2" }));
            Assert.That(_graph.ShortestPath("u1", "nobody"), Is.Empty);
        });
    }

    [Test]
    public void ShortestPath_BetweenComponents_IsEmpty()
    {
        Link("u1", IdentifierKind.Ip, "10.0.0.1");
        Link("u2", IdentifierKind.Ip, "10.0.0.1");
        Link("v1", IdentifierKind.Ip, "10.0.0.2");
        Link("v2", IdentifierKind.Ip, "10.0.0.2");

        Assert.That(_graph.ShortestPath("u1", "v2"), Is.Empty);
    }

    [Test]
    public void RemoveUser_ShrinkingRingBelowMinimum_DissolvesIt_AndErasesTheUsersIdentifiers()
    {
        LinkAll("u", 1, 5, IdentifierKind.Ip, "10.0.0.1");
        Link("u3", IdentifierKind.Device, "dev-only-u3");

        var removed = _graph.RemoveUser("u3", T0.AddDays(1));
        var again = _graph.RemoveUser("u3", T0.AddDays(1));

        Assert.Multiple(() =>
        {
            Assert.That(removed.Changed, Is.True);
            Assert.That(removed.RingChanges, Is.EqualTo(new[] { new RingChange(RingChangeKind.Dissolved, "ring-1", 0, []) }).UsingPropertiesComparer());
            Assert.That(again, Is.SameAs(RingGraphUpdate.Unchanged));
            Assert.That(_graph.RingOf("u1"), Is.Null);
            Assert.That(_graph.UserView("u3"), Is.Null);
            Assert.That(_graph.UserView("u1")!.Neighbours, Is.EqualTo(new[] { "u2", "u4", "u5" }));
            Assert.That(_graph.Stats, Is.EqualTo(new RingGraphStats(Users: 4, Identifiers: 1, Edges: 4, Hubs: 0, Rings: 0)));
        });
    }

    [Test]
    public void RemoveUser_FromALargerRing_KeepsTheRingId()
    {
        LinkAll("u", 1, 6, IdentifierKind.Device, "dev-farm", minute: 3);

        var removed = _graph.RemoveUser("u6", T0.AddDays(1));

        var ring = _graph.RingOf("u1")!;
        Assert.Multiple(() =>
        {
            Assert.That(removed.RingChanges, Is.Empty);
            Assert.That(ring.Id, Is.EqualTo("ring-1"));
            Assert.That(ring.Members, Is.EqualTo(Names("u", 1, 5)));
            Assert.That(ring.FirstSeen, Is.EqualTo(T0.AddMinutes(3)));
        });
    }

    [Test]
    public void RemoveUser_BridgeBetweenTwoGroups_SplitsTheRing_LargerPartKeepsTheId()
    {
        LinkAll("a", 1, 6, IdentifierKind.Device, "dev-a");
        LinkAll("b", 1, 5, IdentifierKind.Device, "dev-b");
        Link("bridge", IdentifierKind.Device, "dev-a");
        Link("bridge", IdentifierKind.Device, "dev-b");

        var removed = _graph.RemoveUser("bridge", T0.AddHours(5));

        Assert.Multiple(() =>
        {
            Assert.That(removed.RingChanges, Is.EqualTo(new[] { new RingChange(RingChangeKind.Formed, "ring-3", 5, []) }).UsingPropertiesComparer());
            Assert.That(_graph.RingOf("a1")!.Id, Is.EqualTo("ring-1"));
            Assert.That(_graph.RingOf("b1")!.Id, Is.EqualTo("ring-3"));
            Assert.That(_graph.RingOf("b1")!.FirstSeen, Is.EqualTo(T0.AddHours(5)));
        });
    }

    [Test]
    public void RemoveUser_TakingAnIdentifierBackUnderTheCap_LetsItJoinAgain()
    {
        _graph = new RingGraph(new RingGraphOptions { HubCap = 5 });
        LinkAll("u", 1, 6, IdentifierKind.Ip, "10.0.0.1");
        var hubRings = _graph.Stats.Rings;

        var removed = _graph.RemoveUser("u6", T0.AddHours(1));

        Assert.Multiple(() =>
        {
            Assert.That(hubRings, Is.EqualTo(0));
            Assert.That(removed.RingChanges, Is.EqualTo(new[] { new RingChange(RingChangeKind.Formed, "ring-2", 5, []) }).UsingPropertiesComparer());
            Assert.That(_graph.Stats.Hubs, Is.EqualTo(0));
        });
    }

    [Test]
    public void Rings_FilterBySizeAndKind_HighestRiskFirst()
    {
        LinkAll("i", 1, 5, IdentifierKind.Ip, "10.0.0.1");
        LinkAll("d", 1, 8, IdentifierKind.Device, "dev-farm");
        LinkAll("p", 1, 6, IdentifierKind.Payment, "card-farm");

        Assert.Multiple(() =>
        {
            Assert.That(_graph.Rings().Select(r => (r.Id, r.Kind, r.Risk)), Is.EqualTo(new[]
            {
                ("ring-3", "payment", 0.6197),
                ("ring-2", "device", 0.6009),
                ("ring-1", "ip", 0.4),
            }));
            Assert.That(_graph.Rings(minSize: 6).Select(r => r.Id), Is.EqualTo(new[] { "ring-3", "ring-2" }));
            Assert.That(_graph.Rings(kind: RingKinds.Device).Select(r => r.Id), Is.EqualTo(new[] { "ring-2" }));
            Assert.That(_graph.Rings(kind: RingKinds.Mixed), Is.Empty);
        });
    }

    [Test]
    public void HubSharedByRingMembers_IsNotEvidenceAndNotAKind()
    {
        _graph = new RingGraph(new RingGraphOptions { HubCap = 6 });
        LinkAll("u", 1, 5, IdentifierKind.Device, "dev-farm");
        LinkAll("u", 1, 5, IdentifierKind.Ip, "100.64.0.1");
        LinkAll("cgnat", 1, 2, IdentifierKind.Ip, "100.64.0.1");

        var ring = _graph.RingOf("u1")!;
        Assert.Multiple(() =>
        {
            Assert.That(ring.Kind, Is.EqualTo(RingKinds.Device));
            Assert.That(ring.Risk, Is.EqualTo(0.55));
            Assert.That(ring.SharedIdentifiers, Is.EqualTo(new[] { new SharedIdentifier(IdentifierKind.Device, "dev-farm", 5) }));
            Assert.That(ring.Id, Is.EqualTo("ring-1"), "cgnat1 left with the hub; the id follows the five who stayed");
        });
    }

    [TestCase(7)]
    [TestCase(8)]
    [TestCase(9)]
    [TestCase(10)]
    public void IncrementalUpdates_GiveTheSameRingsAsAFreshBuildOfTheSurvivingLinks(int seed)
    {
        var options = new RingGraphOptions { HubCap = 8, MinRingSize = 4 };
        _graph = new RingGraph(options);
        var random = new Random(seed);
        var links = new List<(string User, IdentifierKind Kind, string Value)>();
        for (var step = 0; step < 1500; step++)
        {
            if (step % 50 == 49)
            {
                var gone = $"u{random.Next(300)}";
                _graph.RemoveUser(gone, T0);
                links.RemoveAll(l => l.User == gone);
                continue;
            }

            // Three big hubs, thirty identifiers hovering around the cap, and sparse private identifiers.
            var dice = random.Next(100);
            var link = dice < 10 ? ($"u{random.Next(300)}", IdentifierKind.Ip, $"public-{random.Next(3)}")
                : dice < 25 ? ($"u{random.Next(300)}", IdentifierKind.Ip, $"shared-{random.Next(30)}")
                : ($"u{random.Next(300)}", (IdentifierKind)random.Next(3), $"v{random.Next(1500)}");
            if (_graph.AddLink(link.Item1, link.Item2, link.Item3, T0).Changed)
            {
                links.Add(link);
            }
        }

        var fresh = new RingGraph(options);
        foreach (var (user, kind, value) in links)
        {
            fresh.AddLink(user, kind, value, T0);
        }

        static string[] Shape(RingGraph graph) =>
            graph.Rings().Select(r => $"{r.Kind} {r.Risk} {string.Join(',', r.Members)}").Order(StringComparer.Ordinal).ToArray();

        Assert.Multiple(() =>
        {
            Assert.That(_graph.Stats with { Users = 0 }, Is.EqualTo(fresh.Stats with { Users = 0 }));
            Assert.That(Shape(_graph), Is.EqualTo(Shape(fresh)));
            Assert.That(_graph.Stats.Rings, Is.GreaterThan(0), "the run should leave rings to compare");
            Assert.That(_graph.Stats.Hubs, Is.GreaterThan(0), "and some hubs");
        });
    }
}
