using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Ott.Grains.Interfaces;

namespace Ott.Api.Events;

/// <summary>
/// Describes <see cref="EventRequest"/> in the OpenAPI document from the one definition of the wire format,
/// <see cref="EventWire.Fields"/>: each field's type, whether it is required, its limits, allowed values and description.
/// Optional fields may be sent as <c>null</c>; unknown fields are ignored, so other properties stay allowed.
/// </summary>
public sealed class EventSchemaTransformer : IOpenApiSchemaTransformer
{
    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        if (context.JsonTypeInfo.Type == typeof(EventRequest))
        {
            schema.Type = JsonSchemaType.Object;
            schema.Description = "One event (docs/api.md, \"The event\"). Every field that breaks a rule is reported, not only the first.";
            schema.Properties = EventWire.Fields.ToDictionary(f => f.Name, f => (IOpenApiSchema)Describe(f), StringComparer.Ordinal);
            schema.Required = new HashSet<string>(EventWire.Fields.Where(f => f.Required).Select(f => f.Name), StringComparer.Ordinal);
        }

        return Task.CompletedTask;
    }

    private static OpenApiSchema Describe(WireField field)
    {
        var orNull = field.Required ? 0 : JsonSchemaType.Null;
        var schema = field.Kind switch
        {
            WireKind.Text => Text(field, orNull),
            WireKind.Boolean => new OpenApiSchema { Type = JsonSchemaType.Boolean | orNull },
            WireKind.WholeNumber => new OpenApiSchema
            {
                Type = JsonSchemaType.Integer | orNull,
                Minimum = field.Minimum?.ToString(CultureInfo.InvariantCulture),
                Maximum = field.Maximum?.ToString(CultureInfo.InvariantCulture),
            },
            WireKind.TextArray => new OpenApiSchema
            {
                Type = JsonSchemaType.Array | orNull,
                MaxItems = field.MaxItems,
                Items = Text(field, 0),
            },
            _ => new OpenApiSchema
            {
                Type = JsonSchemaType.Object | orNull,
                MaxProperties = field.MaxItems,
                PropertyNames = new OpenApiSchema { Type = JsonSchemaType.String, MinLength = 1, MaxLength = field.MaxKeyLength },
                AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Number | JsonSchemaType.Boolean },
            },
        };
        schema.Description = field.Description;
        return schema;
    }

    private static OpenApiSchema Text(WireField field, JsonSchemaType orNull)
    {
        var schema = new OpenApiSchema
        {
            Type = JsonSchemaType.String | orNull,
            MinLength = field.MinLength,
            MaxLength = field.MaxLength,
            Pattern = field.Pattern,
        };
        if (field.Values is { } values)
        {
            schema.Enum = [.. values.Concat(field.Aliases).Select(v => (JsonNode)v)];
            if (orNull != 0)
            {
                schema.Enum.Add(null!);
            }
        }

        return schema;
    }
}
