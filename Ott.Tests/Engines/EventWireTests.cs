using System.Text.Json;
using System.Text.Json.Nodes;
using Ott.Api.Events;
using Ott.Grains.Interfaces;
using Ott.Tests.Support;

namespace Ott.Tests.Engines;

/// <summary>The one definition of the event's wire format: its table, its writer, and the validator reading it back.</summary>
public class EventWireTests
{
    private static OttEvent EveryFieldSet() => TestEvents.Event(
        eventId: "evt-wire-1",
        userId: "walter.o_brien@example.com:42",
        device: "tv-7",
        content: "content.9",
        type: EventType.BulkDownload,
        at: new DateTimeOffset(2026, 1, 16, 12, 34, 56, TimeSpan.Zero).AddTicks(1_234_567),
        region: "US-CA",
        isEu: true,
        hasConsent: false,
        ip: "2001:db8::1",
        plan: SubscriptionPlan.Vip,
        errorCode: "E_NETWORK Café 😀",
        paymentMethodId: "pm_tok_9a8b7c",
        userAge: 15,
        accountCreatedAt: new DateTimeOffset(2025, 6, 1, 8, 0, 0, TimeSpan.Zero),
        purpose: ProcessingPurpose.Personalisation,
        consentPurposes: ["personalisation", "cross_border_transfer"],
        processingRegion: "DE",
        records: 1_000_000_000_000,
        extraMetadataJson: """{"app_version":"1.2.3","retries":2,"beta":true,"note":"caf\u00E9"}""");

    private static string Canonical(OttEvent e) => JsonSerializer.Serialize(e with { ReceivedAt = default });

    [Test]
    public void EventWithEveryField_WrittenByTheWire_ValidatesBackToTheSameEvent()
    {
        var original = EveryFieldSet();
        var json = EventWire.ToJson(original).ToJsonString();

        var validation = new EventValidator(TimeProvider.System).Validate(JsonDocument.Parse(json).RootElement);

        Assert.That(validation.Event, Is.Not.Null, string.Join("; ", validation.Errors.Select(e => $"{e.Key}: {string.Join(",", e.Value)}")));
        Assert.That(Canonical(validation.Event!), Is.EqualTo(Canonical(original)));
    }

    [Test]
    public void Writer_WritesEveryFieldOfTheTable_AndOptionalOnesOnlyWhenSet()
    {
        var full = EventWire.ToJson(EveryFieldSet());
        var minimal = EventWire.ToJson(TestEvents.Event());

        Assert.Multiple(() =>
        {
            Assert.That(full.Select(p => p.Key), Is.EqualTo(EventWire.Fields.Select(f => f.Name)));
            Assert.That(minimal.Select(p => p.Key), Is.EqualTo(EventWire.Fields.Where(f => f.Required).Select(f => f.Name)));
        });
    }

    [Test]
    public void Writer_WritesSnakeCaseValues_AndTimesInUtcWith100NanosecondsAndZ()
    {
        var json = EventWire.ToJson(EveryFieldSet() with { Timestamp = new DateTimeOffset(2026, 1, 16, 21, 0, 0, TimeSpan.FromHours(9)).AddTicks(5) });

        Assert.Multiple(() =>
        {
            Assert.That(json[EventFields.Timestamp]!.GetValue<string>(), Is.EqualTo("2026-01-16T12:00:00.0000005Z"));
            Assert.That(json[EventFields.AccountCreatedAt]!.GetValue<string>(), Is.EqualTo("2025-06-01T08:00:00.0000000Z"));
            Assert.That(json[EventFields.EventType]!.GetValue<string>(), Is.EqualTo("bulk_download"));
            Assert.That(json[EventFields.SubscriptionPlan]!.GetValue<string>(), Is.EqualTo("vip"));
            Assert.That(json[EventFields.Purpose]!.GetValue<string>(), Is.EqualTo("personalisation"));
            Assert.That(json[EventFields.RecordsAccessed]!.GetValue<long>(), Is.EqualTo(1_000_000_000_000));
            Assert.That(json[EventFields.ExtraMetadata], Is.InstanceOf<JsonObject>());
        });
    }

    [Test]
    public void Table_NamesEveryFieldOnce_InTheOrderOfTheContract()
    {
        var names = typeof(EventFields).GetFields().Select(f => (string)f.GetRawConstantValue()!).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(EventWire.Fields.Select(f => f.Name), Is.EqualTo(names));
            Assert.That(EventWire.Fields.Where(f => f.Required).Select(f => f.Name), Is.EqualTo(new[]
            {
                "event_id", "user_id", "device_id", "content_id", "event_type", "timestamp", "region", "is_eu", "has_consent", "ip_address",
            }));
            Assert.That(EventWire.Fields.Where(f => string.IsNullOrWhiteSpace(f.Description)).Select(f => f.Name), Is.Empty);
        });
    }

    [Test]
    public void EmptyObject_IsRejected_ForExactlyTheRequiredFieldsOfTheTable()
    {
        var validation = new EventValidator(TimeProvider.System).Validate(JsonDocument.Parse("{}").RootElement);

        Assert.Multiple(() =>
        {
            Assert.That(validation.Errors.Keys, Is.EquivalentTo(EventWire.Fields.Where(f => f.Required).Select(f => f.Name)));
            Assert.That(validation.Errors.Values.SelectMany(m => m).Distinct(), Is.EqualTo(new[] { "is required" }));
        });
    }

    [Test]
    public void Limits_OfTheTable_AreTheLimitsTheValidatorApplies()
    {
        static IReadOnlyDictionary<string, string[]> Errors(Action<JsonObject> edit) =>
            new EventValidator(TimeProvider.System).Validate(JsonDocument.Parse(TestEvents.Json(edit).ToJsonString()).RootElement).Errors;

        var errorCode = EventWire.Field(EventFields.ErrorCode).MaxLength!.Value;
        var age = EventWire.Field(EventFields.UserAge).Maximum!.Value;
        var purposes = EventWire.Field(EventFields.ConsentPurposes).MaxItems!.Value;
        var identifier = EventWire.Field(EventFields.UserId).MaxLength!.Value;

        Assert.Multiple(() =>
        {
            Assert.That(Errors(j => j[EventFields.ErrorCode] = new string('E', errorCode)), Is.Empty);
            Assert.That(Errors(j => j[EventFields.ErrorCode] = new string('E', errorCode + 1)).Keys, Is.EqualTo(new[] { EventFields.ErrorCode }));
            Assert.That(Errors(j => j[EventFields.UserAge] = age), Is.Empty);
            Assert.That(Errors(j => j[EventFields.UserAge] = age + 1)[EventFields.UserAge], Is.EqualTo(new[] { $"must be between 0 and {age}" }));
            Assert.That(Errors(j => j[EventFields.ConsentPurposes] = new JsonArray([.. Enumerable.Range(0, purposes + 1).Select(_ => (JsonNode?)"analytics")])).Keys,
                Is.EqualTo(new[] { EventFields.ConsentPurposes }));
            Assert.That(Errors(j => j[EventFields.UserId] = new string('u', identifier)), Is.Empty);
            Assert.That(Errors(j => j[EventFields.UserId] = new string('u', identifier + 1))[EventFields.UserId],
                Is.EqualTo(new[] { $"must be 1-{identifier} characters (got {identifier + 1})" }));
        });
    }
}
