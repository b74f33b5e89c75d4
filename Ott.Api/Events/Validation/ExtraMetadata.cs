using System.Buffers;
using System.Text;
using System.Text.Json;
using Ott.Grains.Interfaces;

namespace Ott.Api.Events.Validation;

/// <summary>
/// The <c>extra_metadata</c> object: its keys and values checked by the limits of <see cref="EventWire"/>, string
/// values treated as free text, and the result re-written as the compact JSON that is stored.
/// </summary>
public static class ExtraMetadata
{
    /// <summary>The stored JSON of the event's extra_metadata, or null when absent or invalid (the errors are in <paramref name="fields"/>).</summary>
    public static string? Read(FieldReader fields, ICollection<AttackHit> attacks)
    {
        const string Field = EventFields.ExtraMetadata;
        if (fields.FlatObject(Field) is not { } value)
        {
            return null;
        }

        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            var keys = 0;
            foreach (var property in value.EnumerateObject())
            {
                keys++;
                if (property.Name.Length is 0 or > EventWire.MaxMetadataKeyLength || property.Name.Any(char.IsControl))
                {
                    fields.Error(Field, $"key '{FieldReader.Excerpt(property.Name)}' must be 1-{EventWire.MaxMetadataKeyLength} characters without control characters");
                    continue;
                }

                switch (property.Value.ValueKind)
                {
                    case JsonValueKind.String:
                        writer.WriteString(property.Name, FreeText.Check($"{Field}.{property.Name}", property.Value.GetString()!, attacks));
                        break;
                    case JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False:
                        property.WriteTo(writer);
                        break;
                    default:
                        fields.Error($"{Field}.{property.Name}", "must be a string, number or boolean");
                        break;
                }
            }

            writer.WriteEndObject();
            if (keys > EventWire.MaxMetadataKeys)
            {
                fields.Error(Field, $"must have at most {EventWire.MaxMetadataKeys} keys (got {keys})");
            }
        }

        if (buffer.WrittenCount > EventWire.MaxMetadataBytes)
        {
            fields.Error(Field, $"must be at most {EventWire.MaxMetadataBytes} bytes of JSON (got {buffer.WrittenCount})");
            return null;
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
