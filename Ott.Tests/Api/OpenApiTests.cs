using System.Text.Json;
using Ott.Grains.Interfaces;

namespace Ott.Tests.Api;

public class OpenApiTests
{
    private static async Task<JsonElement> DocumentAsync() => await (await ApiFixture.Client.GetAsync("/openapi/v1.json")).JsonAsync();

    [Test]
    public async Task EventSchema_ListsExactlyTheWireFields_TheRequiredOnes_AndTheirLimits()
    {
        var schema = (await DocumentAsync()).GetProperty("components").GetProperty("schemas").GetProperty("EventRequest");
        var properties = schema.GetProperty("properties");
        JsonElement Field(string name) => properties.GetProperty(name);
        static string[] Strings(JsonElement array) => [.. array.EnumerateArray().Select(v => v.ValueKind == JsonValueKind.Null ? "null" : v.GetString()!)];

        Assert.Multiple(() =>
        {
            Assert.That(properties.EnumerateObject().Select(p => p.Name), Is.EqualTo(EventWire.Fields.Select(f => f.Name)));
            Assert.That(Strings(schema.GetProperty("required")), Is.EquivalentTo(EventWire.Fields.Where(f => f.Required).Select(f => f.Name)));
            Assert.That(Field(EventFields.EventId).GetProperty("type").GetString(), Is.EqualTo("string"));
            Assert.That(Field(EventFields.EventId).GetProperty("minLength").GetInt32(), Is.EqualTo(1));
            Assert.That(Field(EventFields.EventId).GetProperty("maxLength").GetInt32(), Is.EqualTo(128));
            Assert.That(Field(EventFields.EventId).GetProperty("pattern").GetString(), Is.EqualTo("^[A-Za-z0-9._:@-]+$"));
            Assert.That(Field(EventFields.IsEu).GetProperty("type").GetString(), Is.EqualTo("boolean"));
            Assert.That(Strings(Field(EventFields.EventType).GetProperty("enum")), Is.EqualTo(EventWire.EventTypeValues));
            Assert.That(Strings(Field(EventFields.EventType).GetProperty("enum")), Has.Length.EqualTo(23));
            Assert.That(Strings(Field(EventFields.SubscriptionPlan).GetProperty("type")), Is.EquivalentTo(new[] { "string", "null" }));
            Assert.That(Strings(Field(EventFields.SubscriptionPlan).GetProperty("enum")),
                Is.EqualTo(new[] { "basic", "standard", "premium", "vip", "trial", "null" }));
            Assert.That(Field(EventFields.ErrorCode).GetProperty("maxLength").GetInt32(), Is.EqualTo(64));
            Assert.That(Field(EventFields.UserAge).GetProperty("minimum").GetInt64(), Is.EqualTo(0));
            Assert.That(Field(EventFields.UserAge).GetProperty("maximum").GetInt64(), Is.EqualTo(130));
            Assert.That(Field(EventFields.RecordsAccessed).GetProperty("maximum").GetInt64(), Is.EqualTo(1_000_000_000_000));
            Assert.That(Field(EventFields.ConsentPurposes).GetProperty("maxItems").GetInt32(), Is.EqualTo(16));
            Assert.That(Strings(Field(EventFields.ConsentPurposes).GetProperty("items").GetProperty("enum")),
                Does.Contain("cross_border_transfer").And.Contain("personalization"));
            Assert.That(Field(EventFields.ExtraMetadata).GetProperty("maxProperties").GetInt32(), Is.EqualTo(32));
            Assert.That(Field(EventFields.ExtraMetadata).GetProperty("propertyNames").GetProperty("maxLength").GetInt32(), Is.EqualTo(64));
            Assert.That(Field(EventFields.ExtraMetadata).GetProperty("description").GetString(), Does.Contain("4096 bytes"));
        });
    }

    [TestCase("/events", false)]
    [TestCase("/events/batch", true)]
    [TestCase("/api/v1/compliance/check", false)]
    [TestCase("/api/v1/decisions", false)]
    [TestCase("/api/v1/decisions/batch", true)]
    public async Task EventRoutes_TakeTheEventSchema(string path, bool array)
    {
        var body = (await DocumentAsync()).GetProperty("paths").GetProperty(path).GetProperty("post")
            .GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema");

        var reference = array ? body.GetProperty("items") : body;
        Assert.That(reference.GetProperty("$ref").GetString(), Is.EqualTo("#/components/schemas/EventRequest"));
    }
}
