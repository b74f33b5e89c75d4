using System.Text.Json.Nodes;

namespace Ott.Grains.Policies;

/// <summary>One field that differs between two versions: its path, and its value in each (null where absent).</summary>
public sealed record PolicyChange(string Path, string Kind, JsonNode? From, JsonNode? To);

/// <summary>
/// What changed between two policy documents, field by field (docs/policies.md, "Diff"). Decision rules are matched
/// by id, not position (<c>$.rules[block-export].action</c>), so reordering shows as an <c>order</c> change, not as
/// every rule changed.
/// </summary>
public static class PolicyDiff
{
    public static IReadOnlyList<PolicyChange> Compare(string fromJson, string toJson)
    {
        var from = Flatten(JsonNode.Parse(fromJson));
        var to = Flatten(JsonNode.Parse(toJson));
        var changes = new List<PolicyChange>();
        foreach (var (path, value) in from)
        {
            if (!to.TryGetValue(path, out var other))
            {
                changes.Add(new(path, "removed", value?.DeepClone(), null));
            }
            else if (!JsonNode.DeepEquals(value, other))
            {
                changes.Add(new(path, "changed", value?.DeepClone(), other?.DeepClone()));
            }
        }

        foreach (var (path, value) in to)
        {
            if (!from.ContainsKey(path))
            {
                changes.Add(new(path, "added", null, value?.DeepClone()));
            }
        }

        return changes;
    }

    private static Dictionary<string, JsonNode?> Flatten(JsonNode? root)
    {
        var leaves = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        Walk(root, "$", leaves);
        return leaves;
    }

    private static void Walk(JsonNode? node, string path, Dictionary<string, JsonNode?> leaves)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, value) in obj.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    Walk(value, $"{path}.{name}", leaves);
                }

                break;
            case JsonArray rules when path == "$.rules":
                var order = new JsonArray();
                foreach (var rule in rules)
                {
                    var id = rule?["id"]?.GetValue<string>() ?? "?";
                    order.Add(id);
                    Walk(rule, $"$.rules[{id}]", leaves);
                }

                leaves["$.rules.order"] = order;
                break;
            default:
                // Values and other arrays (event types, channels) compare whole.
                leaves[path] = node;
                break;
        }
    }
}
