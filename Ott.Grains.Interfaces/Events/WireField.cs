using System.Text.Json.Nodes;

namespace Ott.Grains.Interfaces;

/// <summary>The JSON kind of an event field.</summary>
public enum WireKind : byte
{
    /// <summary>A JSON string.</summary>
    Text = 1,

    /// <summary><c>true</c> or <c>false</c>.</summary>
    Boolean,

    /// <summary>A JSON number without a fraction.</summary>
    WholeNumber,

    /// <summary>An array of strings.</summary>
    TextArray,

    /// <summary>An object of string, number or boolean values (no nesting).</summary>
    FlatObject,
}

/// <summary>
/// One field of the event's JSON body: its name, kind, whether it is required, its limits and allowed values, its
/// description, and how it is written from an <see cref="OttEvent"/>. The rows are <see cref="EventWire.Fields"/>.
/// </summary>
public sealed record WireField
{
    /// <summary>The snake_case JSON name (<see cref="EventFields"/>).</summary>
    public required string Name { get; init; }

    public required WireKind Kind { get; init; }

    /// <summary>Absent or JSON <c>null</c> is an error; optional fields may be left out or sent as <c>null</c>.</summary>
    public bool Required { get; init; }

    /// <summary>What the field means and the rule it follows, for people (the OpenAPI description).</summary>
    public required string Description { get; init; }

    public int? MinLength { get; init; }

    public int? MaxLength { get; init; }

    /// <summary>A regular expression every value matches (the identifier rule).</summary>
    public string? Pattern { get; init; }

    public long? Minimum { get; init; }

    public long? Maximum { get; init; }

    /// <summary>The most items of an array, or keys of an object.</summary>
    public int? MaxItems { get; init; }

    /// <summary>The longest key of an object.</summary>
    public int? MaxKeyLength { get; init; }

    /// <summary>The most bytes of an object written as compact JSON.</summary>
    public int? MaxBytes { get; init; }

    /// <summary>The allowed values (of the items, for an array) in their canonical lower case; any case is accepted.</summary>
    public IReadOnlyList<string>? Values { get; init; }

    /// <summary>Other spellings accepted for some <see cref="Values"/> (<c>personalization</c>).</summary>
    public IReadOnlyList<string> Aliases { get; init; } = [];

    /// <summary>The field's JSON value for an event, or null when the event leaves it unset.</summary>
    public required Func<OttEvent, JsonNode?> Write { get; init; }
}
