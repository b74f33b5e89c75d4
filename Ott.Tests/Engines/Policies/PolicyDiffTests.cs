using System.Text.Json.Nodes;
using Ott.Grains.Policies;

namespace Ott.Tests.Engines.Policies;

public class PolicyDiffTests
{
    private static List<(string Path, string Kind, string? From, string? To)> Diff(string a, string b) =>
        [.. PolicyDiff.Compare(a, b).Select(c => (c.Path, c.Kind, c.From?.ToJsonString(), c.To?.ToJsonString()))];

    [Test]
    public void Values_AreComparedFieldByField()
    {
        var changes = Diff("""{"scoring":{"a":1,"b":2},"description":"x"}""", """{"scoring":{"a":1,"b":3},"alerts":{"min_level":"high"}}""");

        Assert.That(changes, Is.EquivalentTo(new[]
        {
            ("$.description", "removed", "\"x\"", (string?)null),
            ("$.scoring.b", "changed", "2", "3"),
            ("$.alerts.min_level", "added", null, "\"high\""),
        }));
    }

    [Test]
    public void Rules_AreMatchedById_AndTheirOrderIsOneChange()
    {
        var a = """{"rules":[{"id":"r1","action":"block","when":{"regions":["DE"]}},{"id":"r2","action":"review","when":{"anomaly":true}}]}""";
        var b = """{"rules":[{"id":"r2","action":"block","when":{"anomaly":true}},{"id":"r1","action":"block","when":{"regions":["DE","FR"]}}]}""";

        Assert.That(Diff(a, b), Is.EquivalentTo(new[]
        {
            ("$.rules[r1].when.regions", "changed", "[\"DE\"]", "[\"DE\",\"FR\"]"),
            ("$.rules[r2].action", "changed", "\"review\"", "\"block\""),
            ("$.rules.order", "changed", "[\"r1\",\"r2\"]", "[\"r2\",\"r1\"]"),
        }));
    }

    [Test]
    public void IdenticalDocuments_HaveNoChanges() =>
        Assert.That(PolicyDiff.Compare("""{"a":{"b":[1,2]}}""", JsonNode.Parse("""{"a":{"b":[1,2]}}""")!.ToJsonString()), Is.Empty);
}
