using System.Text.Json;
using Ott.Grains.Interfaces;

namespace Ott.Api.Events.Validation;

/// <summary>
/// Typed reads of one event object's fields by the names, kinds and limits of <see cref="EventWire"/>. A read that
/// fails records a message for its field and returns null, so one pass over the event reports every failing field.
/// A missing or null field is "is required" when the wire format says so, else simply absent.
/// </summary>
public sealed class FieldReader
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);
    private JsonElement _event;

    /// <summary>Starts on a new event object (its strings were checked readable, see <see cref="Json.JsonText"/>).</summary>
    public void Start(JsonElement element)
    {
        _event = element;
        _errors.Clear();
    }

    public bool HasErrors => _errors.Count > 0;

    /// <summary>The messages recorded so far, by field.</summary>
    public Dictionary<string, string[]> Errors() => _errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);

    public void Error(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var list))
        {
            _errors[field] = list = [];
        }

        list.Add(message);
    }

    /// <summary>The field's value when present and not null.</summary>
    public bool TryGet(string field, out JsonElement value)
    {
        if (_event.TryGetProperty(field, out value) && value.ValueKind != JsonValueKind.Null)
        {
            return true;
        }

        if (EventWire.Field(field).Required)
        {
            Error(field, "is required");
        }

        return false;
    }

    /// <summary>A string field, as sent.</summary>
    public string? Text(string field) => OfKind(field, JsonValueKind.String, "must be a string")?.GetString();

    /// <summary>A string field as sent, recording nothing (the event id a rejection echoes).</summary>
    public string? RawText(string field) =>
        _event.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    public bool? Boolean(string field)
    {
        if (!TryGet(field, out var value))
        {
            return null;
        }

        if (value.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            return value.GetBoolean();
        }

        Error(field, "must be true or false");
        return null;
    }

    /// <summary>A whole number within the field's minimum and maximum.</summary>
    public long? WholeNumber(string field)
    {
        if (!TryGet(field, out var value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out var number))
        {
            Error(field, "must be an integer");
            return null;
        }

        var wire = EventWire.Field(field);
        var (min, max) = (wire.Minimum ?? long.MinValue, wire.Maximum ?? long.MaxValue);
        if (number < min || number > max)
        {
            Error(field, $"must be between {min} and {max}");
            return null;
        }

        return number;
    }

    /// <summary>An array of at most the field's item count (the items are the caller's to read).</summary>
    public JsonElement? TextArray(string field)
    {
        if (OfKind(field, JsonValueKind.Array, "must be an array of strings") is not { } value)
        {
            return null;
        }

        if (EventWire.Field(field).MaxItems is { } maxItems && value.GetArrayLength() > maxItems)
        {
            Error(field, $"must have at most {maxItems} items");
            return null;
        }

        return value;
    }

    /// <summary>An object (its members are the caller's to read).</summary>
    public JsonElement? FlatObject(string field) => OfKind(field, JsonValueKind.Object, "must be a JSON object");

    /// <summary>A value quoted in a message: at most 40 characters, never half a surrogate pair.</summary>
    public static string Excerpt(string value)
    {
        if (value.Length <= 40)
        {
            return value;
        }

        var cut = char.IsHighSurrogate(value[39]) ? 39 : 40;
        return string.Concat(value.AsSpan(0, cut), "...");
    }

    private JsonElement? OfKind(string field, JsonValueKind kind, string message)
    {
        if (!TryGet(field, out var value))
        {
            return null;
        }

        if (value.ValueKind != kind)
        {
            Error(field, message);
            return null;
        }

        return value;
    }
}
