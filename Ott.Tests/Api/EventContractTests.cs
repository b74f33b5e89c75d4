using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Ott.Tests.Support;

namespace Ott.Tests.Api;

public class EventContractTests
{
    private static HttpClient Client => ApiFixture.Client;

    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    public static IEnumerable<TestCaseData> Rejected()
    {
        TestCaseData Case(string name, string field, Action<JsonObject> edit) => new TestCaseData(field, edit).SetName($"Rejected_{name}");

        yield return Case("MissingEventId", "event_id", j => j.Remove("event_id"));
        yield return Case("NullUserId", "user_id", j => j["user_id"] = null);
        yield return Case("EventIdWithSpace", "event_id", j => j["event_id"] = "evt 1");
        yield return Case("EventIdWithQuote", "event_id", j => j["event_id"] = "evt'1");
        yield return Case("EventIdTooLong", "event_id", j => j["event_id"] = new string('e', 129));
        yield return Case("DeviceIdEmpty", "device_id", j => j["device_id"] = "");
        yield return Case("ContentIdSlash", "content_id", j => j["content_id"] = "../etc/passwd");
        yield return Case("UserIdNumber", "user_id", j => j["user_id"] = 42);
        yield return Case("UnknownEventType", "event_type", j => j["event_type"] = "rewind");
        yield return Case("TimestampWithoutOffset", "timestamp", j => j["timestamp"] = "2026-01-16T12:00:00");
        yield return Case("TimestampDateOnly", "timestamp", j => j["timestamp"] = "2026-01-16");
        yield return Case("TimestampSpace", "timestamp", j => j["timestamp"] = "2026-01-16 12:00:00Z");
        yield return Case("TimestampInvalidDate", "timestamp", j => j["timestamp"] = "2026-02-30T12:00:00Z");
        yield return Case("TimestampFuture", "timestamp", j => j["timestamp"] = Now.AddHours(25).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
        yield return Case("RegionUnknown", "region", j => j["region"] = "XX");
        yield return Case("RegionFreeText", "region", j => j["region"] = "Europe");
        yield return Case("RegionBadSubdivision", "region", j => j["region"] = "US-ZZ");
        yield return Case("IsEuString", "is_eu", j => j["is_eu"] = "true");
        yield return Case("HasConsentMissing", "has_consent", j => j.Remove("has_consent"));
        yield return Case("IpOctetTooBig", "ip_address", j => j["ip_address"] = "256.0.0.1");
        yield return Case("IpShort", "ip_address", j => j["ip_address"] = "10.0.1");
        yield return Case("IpColonOnly", "ip_address", j => j["ip_address"] = ":");
        yield return Case("IpHostname", "ip_address", j => j["ip_address"] = "example.com");
        yield return Case("PlanUnknown", "subscription_plan", j => j["subscription_plan"] = "gold");
        yield return Case("ErrorCodeTooLong", "error_code", j => j["error_code"] = new string('E', 65));
        yield return Case("PaymentCardNumber", "payment_method_id", j => j["payment_method_id"] = "4111111111111111");
        yield return Case("UserAgeNegative", "user_age", j => j["user_age"] = -1);
        yield return Case("UserAgeFraction", "user_age", j => j["user_age"] = 12.5);
        yield return Case("AccountCreatedNoOffset", "account_created_at", j => j["account_created_at"] = "2025-01-01T00:00:00");
        yield return Case("PurposeUnknown", "purpose", j => j["purpose"] = "profiling");
        yield return Case("ConsentPurposesNotArray", "consent_purposes", j => j["consent_purposes"] = "analytics");
        yield return Case("ConsentPurposeUnknown", "consent_purposes[1]", j => j["consent_purposes"] = new JsonArray("analytics", "everything"));
        yield return Case("ProcessingRegionUnknown", "processing_region", j => j["processing_region"] = "Moon");
        yield return Case("RecordsNegative", "records_accessed", j => j["records_accessed"] = -5);
        yield return Case("MetadataArray", "extra_metadata", j => j["extra_metadata"] = new JsonArray(1, 2));
        yield return Case("MetadataNestedValue", "extra_metadata.deep", j => j["extra_metadata"] = new JsonObject { ["deep"] = new JsonObject() });
    }

    [TestCaseSource(nameof(Rejected))]
    public async Task InvalidField_Is422NamingTheField(string field, Action<JsonObject> edit)
    {
        var response = await Client.PostEventAsync(TestEvents.Json(edit));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.UnprocessableEntity), await response.Content.ReadAsStringAsync());
        Assert.That(response.Content.Headers.ContentType!.MediaType, Is.EqualTo("application/problem+json"));
        var problem = await response.JsonAsync();
        Assert.Multiple(() =>
        {
            Assert.That(problem.GetProperty("status").GetInt32(), Is.EqualTo(422));
            Assert.That(problem.GetProperty("type").GetString(), Does.EndWith("/validation"));
            Assert.That(problem.GetProperty("title").GetString(), Is.Not.Empty);
            Assert.That(problem.GetProperty("detail").GetString(), Is.Not.Empty);
            Assert.That(problem.Errors().Keys, Is.EqualTo(new[] { field }));
        });
    }

    public static IEnumerable<TestCaseData> Accepted()
    {
        TestCaseData Case(string name, Action<JsonObject> edit) => new TestCaseData(edit).SetName($"Accepted_{name}");

        yield return Case("UppercaseType", j => j["event_type"] = "PLAY");
        yield return Case("MixedCaseType", j => j["event_type"] = "Token_Refresh_Failed");
        yield return Case("NewOttType", j => j["event_type"] = "data_deletion_request");
        yield return Case("RegionUK", j => j["region"] = "UK");
        yield return Case("RegionEU", j => { j["region"] = "EU"; j["is_eu"] = true; });
        yield return Case("RegionSubdivision", j => j["region"] = "US-CA");
        yield return Case("RegionLowercase", j => j["region"] = "de");
        yield return Case("TimestampOffset", j => j["timestamp"] = Now.AddHours(-1).ToOffset(TimeSpan.FromHours(9)).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture));
        yield return Case("TimestampFraction", j => j["timestamp"] = Now.AddHours(-1).ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture));
        yield return Case("TimestampPast", j => j["timestamp"] = "2019-05-01T08:00:00Z");
        yield return Case("Ipv6", j => j["ip_address"] = "2001:db8::1");
        yield return Case("IdentifierPunctuation", j => j["user_id"] = "walter.o_brien@example.com:42");
        yield return Case("AllOptionalFields", j =>
        {
            j["subscription_plan"] = "TRIAL";
            j["error_code"] = "E_NETWORK";
            j["payment_method_id"] = "pm_tok_9a8b7c";
            j["user_age"] = 15;
            j["account_created_at"] = "2025-06-01T00:00:00+02:00";
            j["purpose"] = "personalisation";
            j["consent_purposes"] = new JsonArray("personalisation", "cross_border_transfer");
            j["processing_region"] = "US";
            j["records_accessed"] = 12;
            j["extra_metadata"] = new JsonObject { ["app_version"] = "1.2.3", ["network_type"] = "wifi", ["bitrate"] = 4500, ["hdr"] = true };
        });
        yield return Case("NullOptionalFields", j => { j["error_code"] = null; j["subscription_plan"] = null; j["extra_metadata"] = null; });
        yield return Case("UnknownExtraFieldIgnored", j => j["client_build"] = "abc");
    }

    [TestCaseSource(nameof(Accepted))]
    public async Task ValidVariant_Is202Queued(Action<JsonObject> edit)
    {
        var json = TestEvents.Json(edit);
        var response = await Client.PostEventAsync(json);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), await response.Content.ReadAsStringAsync());
        var body = await response.JsonAsync();
        Assert.Multiple(() =>
        {
            Assert.That(body.GetProperty("status").GetString(), Is.EqualTo("queued"));
            Assert.That(body.GetProperty("event_id").GetString(), Is.EqualTo(json["event_id"]!.GetValue<string>()));
        });
    }

    [Test]
    public async Task ResentEventId_IsDuplicate_AndCountedOnce()
    {
        var json = TestEvents.Json();
        var user = json["user_id"]!.GetValue<string>();

        var first = await (await Client.PostEventAsync(json)).JsonAsync();
        var second = await (await Client.PostEventAsync(json)).JsonAsync();
        await Client.DrainAsync();

        var profile = await (await Client.GetAsync($"/api/v1/users/{user}/risk")).JsonAsync();
        Assert.Multiple(() =>
        {
            Assert.That(first.GetProperty("status").GetString(), Is.EqualTo("queued"));
            Assert.That(second.GetProperty("status").GetString(), Is.EqualTo("duplicate"));
            Assert.That(profile.GetProperty("total_events").GetInt64(), Is.EqualTo(1));
        });
    }

    [Test]
    public async Task OffsetTimestamp_IsStoredAsUtc()
    {
        var sent = Now.AddMinutes(-5).ToOffset(TimeSpan.FromHours(9)).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
        var json = TestEvents.Json(j => j["timestamp"] = sent);
        await Client.PostEventAsync(json);
        await Client.DrainAsync();

        var assessment = await (await Client.GetAsync($"/api/v1/events/{json["event_id"]}/assessment")).JsonAsync();

        var utc = DateTimeOffset.Parse(sent, CultureInfo.InvariantCulture).UtcDateTime;
        Assert.Multiple(() =>
        {
            Assert.That(sent, Does.EndWith("+09:00"));
            Assert.That(assessment.GetProperty("event_time").GetString(),
                Is.EqualTo(utc.ToString("yyyy-MM-dd'T'HH:mm:ss'.000Z'", CultureInfo.InvariantCulture)));
        });
    }

    [Test]
    public async Task UkWithIsEuTrue_IsAcceptedAsGb_WithARegionClaimMismatchNote()
    {
        var json = TestEvents.Json(j => { j["region"] = "UK"; j["is_eu"] = true; j["has_consent"] = false; });
        await Client.PostEventAsync(json);
        await Client.DrainAsync();

        var assessment = await (await Client.GetAsync($"/api/v1/events/{json["event_id"]}/assessment")).JsonAsync();

        Assert.Multiple(() =>
        {
            Assert.That(assessment.GetProperty("region").GetString(), Is.EqualTo("GB"));
            Assert.That(assessment.GetProperty("notes")[0].GetProperty("code").GetString(), Is.EqualTo("region_claim_mismatch"));
            Assert.That(assessment.GetProperty("factors").GetArrayLength(), Is.EqualTo(0), "the note moves no points; GB is not GDPR-area");
        });
    }

    [Test]
    public async Task BodyOver1MB_Is413()
    {
        var huge = new string(' ', 1024 * 1024) + TestEvents.Json().ToJsonString();
        var response = await Client.PostAsync("/events", new StringContent(huge, Encoding.UTF8, "application/json"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.RequestEntityTooLarge));
        Assert.That((await response.JsonAsync()).GetProperty("status").GetInt32(), Is.EqualTo(413));
    }

    [Test]
    public async Task BodyOver1MB_WithoutContentLength_Is413()
    {
        var huge = Encoding.UTF8.GetBytes(new string(' ', 1024 * 1024 + 10));
        var content = new StreamContent(new MemoryStream(huge));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        var request = new HttpRequestMessage(HttpMethod.Post, "/events") { Content = content };
        request.Headers.TransferEncodingChunked = true;

        var response = await Client.SendAsync(request);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.RequestEntityTooLarge));
    }

    [Test]
    public async Task NonJsonContentType_Is415()
    {
        var response = await Client.PostAsync("/events", new StringContent("event_id=1", Encoding.UTF8, "text/plain"));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.UnsupportedMediaType));
    }

    [TestCase("{\"event_id\": ")]
    [TestCase("not json")]
    [TestCase("{} {}")]
    [TestCase("")]
    public async Task MalformedJson_Is400Problem(string body)
    {
        var response = await Client.PostAsync("/events", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((await response.JsonAsync()).GetProperty("status").GetInt32(), Is.EqualTo(400));
    }

    public enum Answer
    {
        /// <summary>The text cannot be read: 400 bad-request naming the field, for the whole body (a batch too).</summary>
        Unreadable,

        /// <summary>The text is read and breaks the field's rule: 422 naming the field (a batch lists the item).</summary>
        BreaksTheRule,

        /// <summary>The text is read, sanitised where the field is free text, and accepted.</summary>
        Accepted,
    }

    private const string Marker = "@@marker@@";

    private static readonly (string Name, string Route, bool Batch)[] EventRoutes =
    [
        ("Events", "/events", false),
        ("Batch", "/events/batch", true),
        ("Check", "/api/v1/compliance/check", false),
        ("NoopEvents", "/bench/noop/events", false),
        ("NoopBatch", "/bench/noop/events/batch", true),
        ("Decision", "/api/v1/decisions", false),
        ("DecisionBatch", "/api/v1/decisions/batch", true),
    ];

    /// <summary>What a route answers a readable request: 200 for the compliance check and decisions, else 202 (queued).</summary>
    private static HttpStatusCode Answered(string route) =>
        route.EndsWith("/check", StringComparison.Ordinal) || route.Contains("/decisions", StringComparison.Ordinal) ? HttpStatusCode.OK : HttpStatusCode.Accepted;

    public static IEnumerable<TestCaseData> JsonEscapes()
    {
        static byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text);
        var cases = new (string Name, string Field, Action<JsonObject> Place, byte[] Text, Answer Answer)[]
        {
            ("LoneHighSurrogate_Ip", "ip_address", j => j["ip_address"] = Marker, Ascii(@"\ud800"), Answer.Unreadable),
            ("LoneLowSurrogate_EventType", "event_type", j => j["event_type"] = Marker, Ascii(@"\udc00"), Answer.Unreadable),
            ("ReversedPair_Region", "region", j => j["region"] = Marker, Ascii(@"\udc00\ud800"), Answer.Unreadable),
            ("LoneHighSurrogate_EventId", "event_id", j => j["event_id"] = Marker, Ascii(@"evt\ud800"), Answer.Unreadable),
            ("LoneHighSurrogate_Timestamp", "timestamp", j => j["timestamp"] = Marker, Ascii(@"\ud800abc"), Answer.Unreadable),
            ("TwoHighSurrogates_UserId", "user_id", j => j["user_id"] = Marker, Ascii(@"u\ud800\ud800\udc00"), Answer.Unreadable),
            ("LoneHighSurrogate_ErrorCode", "error_code", j => j["error_code"] = Marker, Ascii(@"E\ud800"), Answer.Unreadable),
            ("LoneHighSurrogate_Plan", "subscription_plan", j => j["subscription_plan"] = Marker, Ascii(@"\ud800"), Answer.Unreadable),
            ("LoneLowSurrogate_ConsentPurpose", "consent_purposes[1]", j => j["consent_purposes"] = new JsonArray("analytics", Marker), Ascii(@"\udfff"), Answer.Unreadable),
            ("LoneHighSurrogate_MetadataValue", "extra_metadata.note", j => j["extra_metadata"] = new JsonObject { ["note"] = Marker }, Ascii(@"\ud800"), Answer.Unreadable),
            ("LoneHighSurrogate_MetadataKey", "extra_metadata", j => j["extra_metadata"] = new JsonObject { [Marker] = "v" }, Ascii(@"\ud800"), Answer.Unreadable),
            ("LoneHighSurrogate_UnknownFieldName", "", j => j[Marker] = 1, Ascii(@"\ud800"), Answer.Unreadable),
            ("ShortUnicodeEscape_Ip", "ip_address", j => j["ip_address"] = Marker, Ascii(@"\u12"), Answer.Unreadable),
            ("HexEscape_Region", "region", j => j["region"] = Marker, Ascii(@"\x41"), Answer.Unreadable),
            ("InvalidUtf8_ErrorCode", "error_code", j => j["error_code"] = Marker, [0x45, 0xC3, 0x28], Answer.Unreadable),
            ("InvalidUtf8_MetadataKey", "extra_metadata", j => j["extra_metadata"] = new JsonObject { [Marker] = "v" }, [0xFF, 0x6B], Answer.Unreadable),
            ("Nul_EventId", "event_id", j => j["event_id"] = Marker, Ascii(@"evt\u0000"), Answer.BreaksTheRule),
            ("Nul_Region", "region", j => j["region"] = Marker, Ascii(@"\u0000"), Answer.BreaksTheRule),
            ("Nul_MetadataKey", "extra_metadata", j => j["extra_metadata"] = new JsonObject { [Marker] = "v" }, Ascii(@"k\u0000"), Answer.BreaksTheRule),
            ("AstralPairCutByTheEcho_EventType", "event_type", j => j["event_type"] = Marker, Ascii(new string('a', 39) + @"\ud83d\ude00"), Answer.BreaksTheRule),
            ("AstralPairCutByTheEcho_Ip", "ip_address", j => j["ip_address"] = Marker, Ascii(new string('1', 39) + @"\ud83d\ude00"), Answer.BreaksTheRule),
            ("Nul_ErrorCode", "error_code", j => j["error_code"] = Marker, Ascii(@"E\u0000RR"), Answer.Accepted),
            ("Nul_MetadataValue", "extra_metadata.note", j => j["extra_metadata"] = new JsonObject { ["note"] = Marker }, Ascii(@"a\u0000b"), Answer.Accepted),
            ("AstralPair_ErrorCode", "error_code", j => j["error_code"] = Marker, Ascii(@"E \ud83d\ude00"), Answer.Accepted),
            ("AstralPair_MetadataValue", "extra_metadata.note", j => j["extra_metadata"] = new JsonObject { ["note"] = Marker }, Ascii(@"\uD83D\uDE00 ok"), Answer.Accepted),
            ("Noncharacter_ErrorCode", "error_code", j => j["error_code"] = Marker, Ascii(@"E\ufffe\uffff"), Answer.Accepted),
            ("Noncharacter_MetadataValue", "extra_metadata.note", j => j["extra_metadata"] = new JsonObject { ["note"] = Marker }, [0x61, 0xEF, 0xBF, 0xBE], Answer.Accepted),
        };
        foreach (var (name, field, place, text, answer) in cases)
        {
            foreach (var route in EventRoutes)
            {
                yield return new TestCaseData(route.Route, route.Batch, field, place, text, answer).SetName($"JsonEscape_{name}_{route.Name}");
            }
        }
    }

    [TestCaseSource(nameof(JsonEscapes))]
    public async Task JsonEscapeEdgeCase_OnEveryEventRoute_IsAnsweredByTheFieldsRule_NeverA5xx(
        string route, bool batch, string field, Action<JsonObject> place, byte[] text, Answer answer)
    {
        var json = Encoding.UTF8.GetBytes(TestEvents.Json(place).ToJsonString());
        var marker = Encoding.UTF8.GetBytes(Marker);
        var at = json.AsSpan().IndexOf(marker);
        byte[] body = [.. batch ? "["u8 : ""u8, .. json.AsSpan(0, at), .. text, .. json.AsSpan(at + marker.Length), .. batch ? "]"u8 : ""u8];
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");

        var response = await Client.PostAsync(route, content);

        var answerText = await response.Content.ReadAsStringAsync();
        var document = await response.JsonAsync();
        var itemPath = field.Length == 0 ? "[0]" : "[0]." + field;
        switch (answer)
        {
            case Answer.Unreadable:
                Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), answerText);
                Assert.Multiple(() =>
                {
                    Assert.That(response.Content.Headers.ContentType!.MediaType, Is.EqualTo("application/problem+json"));
                    Assert.That(document.GetProperty("type").GetString(), Does.EndWith("/bad-request"));
                    Assert.That(document.Errors().Keys, Is.EqualTo(new[] { batch ? itemPath : field }));
                });
                break;
            case Answer.BreaksTheRule when batch:
                Assert.That(response.StatusCode, Is.EqualTo(Answered(route)), answerText);
                Assert.That(document.GetProperty("rejected")[0].GetProperty("errors").EnumerateObject().Select(p => p.Name), Is.EqualTo(new[] { field }));
                break;
            case Answer.BreaksTheRule:
                Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.UnprocessableEntity), answerText);
                Assert.That(document.Errors().Keys, Is.EqualTo(new[] { field }));
                break;
            default:
                Assert.That(response.StatusCode, Is.EqualTo(Answered(route)), answerText);
                if (batch)
                {
                    Assert.That(document.GetProperty("rejected").GetArrayLength(), Is.EqualTo(0), answerText);
                }

                break;
        }
    }

    [Test]
    public async Task NonObjectEvent_Is422()
    {
        var response = await Client.PostAsync("/events", new StringContent("[1,2]", Encoding.UTF8, "application/json"));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.UnprocessableEntity));
    }

    [Test]
    public async Task ErrorResponses_NeverCarryStackTraces()
    {
        var response = await Client.PostAsync("/events", new StringContent("{\"a\":", Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.That(text, Does.Not.Contain("   at ").And.Not.Contain("Exception"));
    }
}
