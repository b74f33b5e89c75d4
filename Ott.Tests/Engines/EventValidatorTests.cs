using System.Text.Json;
using System.Text.Json.Nodes;
using Ott.Api.Events;
using Ott.Api.Events.Validation;
using Ott.Grains.Interfaces;
using Ott.Tests.Support;

namespace Ott.Tests.Engines;

public class EventValidatorTests
{
    private static EventValidation Validate(JsonObject json) =>
        new EventValidator(TimeProvider.System).Validate(JsonDocument.Parse(json.ToJsonString()).RootElement);

    [Test]
    public void ValidEvent_IsCanonicalised()
    {
        var json = TestEvents.Json(j =>
        {
            j["event_type"] = "LOGIN_FAILED";
            j["region"] = "uk";
            j["timestamp"] = "2026-01-16T21:34:56.5+09:00";
            j["ip_address"] = "2001:DB8:0:0:0:0:0:1";
            j["subscription_plan"] = "Premium";
            j["consent_purposes"] = new JsonArray("Analytics", "personalization", "analytics");
            j["extra_metadata"] = new JsonObject { ["app_version"] = "1.2.3", ["retries"] = 2, ["beta"] = true };
        });

        var result = Validate(json);

        Assert.That(result.IsValid, Is.True, string.Join("; ", result.Errors.Select(e => $"{e.Key}: {string.Join(",", e.Value)}")));
        var e = result.Event!;
        Assert.Multiple(() =>
        {
            Assert.That(e.Type, Is.EqualTo(EventType.LoginFailed));
            Assert.That(e.Region, Is.EqualTo("GB"));
            Assert.That(e.Timestamp, Is.EqualTo(new DateTimeOffset(2026, 1, 16, 12, 34, 56, 500, TimeSpan.Zero)));
            Assert.That(e.Timestamp.Offset, Is.EqualTo(TimeSpan.Zero));
            Assert.That(e.IpAddress, Is.EqualTo("2001:db8::1"));
            Assert.That(e.Plan, Is.EqualTo(SubscriptionPlan.Premium));
            Assert.That(e.ConsentPurposes, Is.EqualTo(new[] { "analytics", "personalisation" }));
            Assert.That(e.ExtraMetadataJson, Is.EqualTo("""{"app_version":"1.2.3","retries":2,"beta":true}"""));
        });
    }

    [TestCase("walter")]
    [TestCase("update_1")]
    [TestCase("subscription_promo")]
    [TestCase("exp_1")]
    [TestCase("user@example.com")]
    [TestCase("urn:ott:evt-1.2")]
    public void Identifiers_TheOriginalWronglyRejected_AreAccepted(string id) =>
        Assert.That(Identifiers.IsIdentifier(id), Is.True);

    [TestCase("")]
    [TestCase("has space")]
    [TestCase("semi;colon")]
    [TestCase("quote'")]
    [TestCase("slash/x")]
    [TestCase("ünicode")]
    [TestCase("<script>")]
    public void Identifiers_OutsideTheAllowList_AreRejected(string id) =>
        Assert.That(Identifiers.IsIdentifier(id), Is.False);

    [Test]
    public void Identifier_Of129Characters_IsRejected()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Identifiers.IsIdentifier(new string('a', 128)), Is.True);
            Assert.That(Identifiers.IsIdentifier(new string('a', 129)), Is.False);
        });
    }

    [TestCase("4111111111111111", true)]
    [TestCase("4111-1111-1111-1111", true)]
    [TestCase("5500005555555559", true)]
    [TestCase("4111111111111112", false)]
    [TestCase("pm_4111111111111111", false)]
    [TestCase("123456789012", false)]
    [TestCase("tok_visa_abc", false)]
    public void CardNumbers_AreRecognisedByLengthAndLuhn(string value, bool isCard) =>
        Assert.That(Identifiers.LooksLikeCardNumber(value), Is.EqualTo(isCard));

    [TestCase("192.168.0.1", "192.168.0.1")]
    [TestCase("0.0.0.0", "0.0.0.0")]
    [TestCase("255.255.255.255", "255.255.255.255")]
    [TestCase("::1", "::1")]
    [TestCase("2001:0db8:0000:0000:0000:ff00:0042:8329", "2001:db8::ff00:42:8329")]
    [TestCase("::ffff:192.0.2.1", "::ffff:192.0.2.1")]
    public void Ip_ValidAddresses_AreCanonicalised(string raw, string canonical) =>
        Assert.That(IpAddresses.Canonical(raw), Is.EqualTo(canonical));

    [TestCase("256.1.1.1")]
    [TestCase("1.2.3")]
    [TestCase("1")]
    [TestCase("01.2.3.4")]
    [TestCase("1.2.3.4.5")]
    [TestCase("a.b.c.d")]
    [TestCase(":")]
    [TestCase("fe80::1%eth0")]
    [TestCase("1.2.3.4 ")]
    [TestCase("gggg::1")]
    public void Ip_InvalidAddresses_AreRejected(string raw) =>
        Assert.That(IpAddresses.Canonical(raw), Is.Null);

    [Test]
    public void EveryFailingField_IsReported()
    {
        var json = new JsonObject
        {
            ["event_id"] = 42,
            ["user_id"] = "",
            ["event_type"] = "jump",
            ["timestamp"] = "2026-01-16 12:00:00",
            ["region"] = "XX",
            ["is_eu"] = "true",
            ["ip_address"] = "300.1.1.1",
            ["user_age"] = 131,
            ["records_accessed"] = -1,
            ["extra_metadata"] = new JsonObject { ["nested"] = new JsonObject() },
        };

        var result = Validate(json);

        Assert.That(result.Errors.Keys, Is.EquivalentTo(new[]
        {
            "event_id", "user_id", "device_id", "content_id", "event_type", "timestamp", "region", "is_eu", "has_consent",
            "ip_address", "user_age", "records_accessed", "extra_metadata.nested",
        }));
    }

    [Test]
    public void Timestamp_MoreThan24HoursAhead_IsRejected_23HoursIsAccepted()
    {
        var now = DateTimeOffset.UtcNow;
        Assert.Multiple(() =>
        {
            Assert.That(Validate(TestEvents.Json(at: now.AddHours(23))).IsValid, Is.True);
            Assert.That(Validate(TestEvents.Json(at: now.AddHours(25))).Errors["timestamp"][0], Does.Contain("future"));
        });
    }

    [Test]
    public void Metadata_OverLimits_IsRejected()
    {
        var manyKeys = new JsonObject();
        for (var i = 0; i < 33; i++)
        {
            manyKeys[$"k{i}"] = i;
        }

        var big = new JsonObject { ["blob"] = new string('x', 4100) };
        Assert.Multiple(() =>
        {
            Assert.That(Validate(TestEvents.Json(j => j["extra_metadata"] = manyKeys)).Errors["extra_metadata"][0], Does.Contain("32 keys"));
            Assert.That(Validate(TestEvents.Json(j => j["extra_metadata"] = big)).Errors["extra_metadata"][0], Does.Contain("4096 bytes"));
        });
    }

    [TestCase("""{"ip_address":"\ud800"}""", "ip_address")]
    [TestCase("""{"event_type":"\udc00\ud800"}""", "event_type")]
    [TestCase("""{"extra_metadata":{"note":"\ud800"}}""", "extra_metadata.note")]
    [TestCase("""{"extra_metadata":{"\ud800":"v"}}""", "extra_metadata")]
    [TestCase("""{"\ud800":1,"event_id":"e"}""", "")]
    public void UnreadableText_HandedDirectly_IsReportedByItsPath_NotThrown(string json, string field)
    {
        using var document = JsonDocument.Parse(json);

        var result = new EventValidator(TimeProvider.System).Validate(document.RootElement);

        Assert.Multiple(() =>
        {
            Assert.That(result.IsValid, Is.False);
            Assert.That(result.Errors.Keys, Is.EqualTo(new[] { field }));
            Assert.That(result.Errors[field][0], Does.Contain("lone surrogate"));
        });
    }

    [Test]
    public void EscapedControlAndNoncharacters_InFreeText_AreSanitisedAway_AstralPairsKept()
    {
        var json = TestEvents.Json(j =>
        {
            j["error_code"] = "@code@";
            j["extra_metadata"] = new JsonObject { ["note"] = "@note@" };
        }).ToJsonString()
            .Replace("@code@", @"E\u0000R\ufffeR\uffff\ud83d\ude00", StringComparison.Ordinal)
            .Replace("@note@", @"a\u0000\ufdd0b\udbff\udfff", StringComparison.Ordinal);

        var result = new EventValidator(TimeProvider.System).Validate(JsonDocument.Parse(json).RootElement);

        Assert.That(result.IsValid, Is.True, string.Join("; ", result.Errors.Select(e => $"{e.Key}: {string.Join(",", e.Value)}")));
        Assert.Multiple(() =>
        {
            Assert.That(result.Event!.ErrorCode, Is.EqualTo("ERR\U0001F600"));
            Assert.That(JsonDocument.Parse(result.Event.ExtraMetadataJson!).RootElement.GetProperty("note").GetString(), Is.EqualTo("ab"));
        });
    }

    [TestCase("a\uFFFEb", "ab")]
    [TestCase("\U0001FFFE\U0001F600", "\U0001F600")]
    [TestCase("\u0085x\u200Bz", "x\u200Bz")]
    [TestCase("Cafe\u0301", "Caf\u00E9")]
    public void Sanitize_RemovesControlsNoncharactersAndLoneSurrogates_ThenNormalises(string raw, string clean) =>
        Assert.That(FreeText.Sanitize(raw), Is.EqualTo(clean));

    [Test]
    public void Sanitize_DropsLoneSurrogates_ItNeverThrows()
    {
        // Built in code: an attribute argument cannot carry a lone surrogate (metadata stores UTF-8).
        var high = "a" + (char)0xD800 + "b";
        var reversed = "a" + (char)0xDC00 + (char)0xD800 + "b";

        Assert.Multiple(() =>
        {
            Assert.That(FreeText.Sanitize(high), Is.EqualTo("ab"));
            Assert.That(FreeText.Sanitize(reversed), Is.EqualTo("ab"));
        });
    }

    [Test]
    public void Excerpt_NeverCutsASurrogatePairInHalf()
    {
        var value = new string('a', 39) + "\U0001F600" + "tail";

        Assert.Multiple(() =>
        {
            Assert.That(FieldReader.Excerpt(value), Is.EqualTo(new string('a', 39) + "..."));
            Assert.That(FieldReader.Excerpt(new string('b', 41)), Is.EqualTo(new string('b', 40) + "..."));
            Assert.That(FieldReader.Excerpt("short"), Is.EqualTo("short"));
        });
    }
}
