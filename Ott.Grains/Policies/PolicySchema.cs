using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;

namespace Ott.Grains.Policies;

/// <summary>
/// The published JSON Schema of a policy document (<c>GET /api/v1/policies/schema</c>): generated from the document
/// types with the same JSON options the registry reads with, so it cannot drift from what is accepted; ranges come
/// from the same annotations the validator checks.
/// </summary>
public static class PolicySchema
{
    private static readonly Lazy<string> Text = new(() => Build().ToJsonString());

    public static string Json => Text.Value;

    private static JsonNode Build()
    {
        var schema = JsonSchemaExporter.GetJsonSchemaAsNode(PolicyJson.Options, typeof(PolicyDocument), new JsonSchemaExporterOptions
        {
            TransformSchemaNode = (context, node) =>
            {
                if (node is JsonObject obj && context.PropertyInfo?.AttributeProvider?.GetCustomAttributes(typeof(RangeAttribute), true) is [RangeAttribute range, ..]
                    && range.OperandType != typeof(TimeSpan))
                {
                    obj["minimum"] = Convert.ToDouble(range.Minimum, CultureInfo.InvariantCulture);
                    obj["maximum"] = Convert.ToDouble(range.Maximum, CultureInfo.InvariantCulture);
                }

                return node;
            },
        });
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema";
        schema["title"] = "OTT Compliance decision policy";
        return schema;
    }
}
