using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Ott.Grains.Policies;

/// <summary>
/// The policy document's JSON: snake_case names and enum values, durations as <c>hh:mm:ss</c>, unknown fields refused.
/// One definition for the registry, the API, the CLI and the tests.
/// </summary>
public static class PolicyJson
{
    public static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false) },
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = false,
        TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
    };

    /// <summary>The document as stored: every field written out, so a stored version never depends on code defaults.</summary>
    public static string Write(PolicyDocument document) => JsonSerializer.Serialize(document, Options);

    /// <summary>Reads a stored (already validated) document.</summary>
    public static PolicyDocument Read(string json) =>
        JsonSerializer.Deserialize<PolicyDocument>(json, Options) ?? throw new JsonException("The policy document is null.");

    /// <summary>The snake_case name of a property as it appears in the document.</summary>
    public static string Name(string property) => JsonNamingPolicy.SnakeCaseLower.ConvertName(property);

    /// <summary>
    /// <paramref name="patch"/> over <paramref name="basis"/>: objects merge field by field, anything else (values,
    /// arrays such as <c>rules</c>) replaces. A new node; neither input changes.
    /// </summary>
    public static JsonNode? Merge(JsonNode? basis, JsonNode? patch)
    {
        if (patch is not JsonObject patchObject || basis is not JsonObject basisObject)
        {
            return patch?.DeepClone();
        }

        var merged = (JsonObject)basisObject.DeepClone();
        foreach (var (name, value) in patchObject)
        {
            merged[name] = merged.TryGetPropertyValue(name, out var existing) ? Merge(existing, value) : value?.DeepClone();
        }

        return merged;
    }
}
