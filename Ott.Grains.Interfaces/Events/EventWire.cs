using System.Globalization;
using System.Text.Json.Nodes;

namespace Ott.Grains.Interfaces;

/// <summary>
/// The event's wire format (docs/api.md, "The event"), defined once: the limits, the allowed values, the field table
/// (<see cref="Fields"/>) and the writer from an <see cref="OttEvent"/> to the JSON body (<see cref="ToJson"/>). The
/// API's validator reads by these names and limits, the OpenAPI document is built from the table, and the CLI and
/// the tests write events with the writer.
/// </summary>
public static class EventWire
{
    public const int MaxIdentifierLength = 128;

    /// <summary>The characters an identifier may hold besides ASCII letters and digits (the identifier rule).</summary>
    public const string IdentifierPunctuation = "._:@-";

    /// <summary>A payment_method_id of only digits and separators with this many digits is checked as a card number.</summary>
    public const int MinCardDigits = 13;

    public const int MaxCardDigits = 19;

    public const int MaxErrorCodeLength = 64;
    public const int MaxUserAge = 130;
    public const long MaxRecordsAccessed = 1_000_000_000_000;
    public const int MaxConsentPurposes = 16;
    public const int MaxMetadataKeys = 32;
    public const int MaxMetadataKeyLength = 64;
    public const int MaxMetadataBytes = 4096;

    /// <summary>How far ahead of the server's clock a timestamp may be.</summary>
    public static readonly TimeSpan FutureLimit = TimeSpan.FromHours(24);

    /// <summary>How times are written: UTC, 100 ns precision, <c>Z</c> (any offset is accepted on input).</summary>
    public const string TimeFormat = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";

    /// <summary>The event types' wire names, in declaration order.</summary>
    public static IReadOnlyList<string> EventTypeValues { get; } = [.. EventTypes.All.Select(t => t.ToWireName())];

    public static IReadOnlyList<string> PlanValues { get; } = [.. Enum.GetValues<SubscriptionPlan>().Select(p => WireName.From(p.ToString()))];

    public static IReadOnlyList<string> PurposeValues { get; } = [.. Enum.GetValues<ProcessingPurpose>().Select(p => WireName.From(p.ToString()))];

    /// <summary>Purposes a user can grant: the processing purposes plus consents that are not a purpose of one event.</summary>
    public static IReadOnlyList<string> GrantablePurposes { get; } =
    [
        .. PurposeValues,
        "cross_border_transfer", "viewing_history_sharing", "third_party_sharing", "sensitive_data", "parental_consent",
    ];

    /// <summary>Other spellings accepted for a purpose, and the purpose they stand for.</summary>
    public static IReadOnlyDictionary<string, string> PurposeAliases { get; } =
        new Dictionary<string, string>(StringComparer.Ordinal) { ["personalization"] = "personalisation" };

    private static readonly Dictionary<string, EventType> TypeByName =
        EventTypes.All.ToDictionary(t => t.ToWireName(), StringComparer.OrdinalIgnoreCase);

    private static readonly Dictionary<string, SubscriptionPlan> PlanByName =
        Enum.GetValues<SubscriptionPlan>().ToDictionary(p => WireName.From(p.ToString()), StringComparer.OrdinalIgnoreCase);

    private static readonly Dictionary<string, ProcessingPurpose> PurposeByName = BuildPurposes();

    /// <summary>The event type a wire name (any case) stands for.</summary>
    public static bool TryReadEventType(string value, out EventType type) => TypeByName.TryGetValue(value, out type);

    /// <summary>The plan a wire name (any case) stands for.</summary>
    public static bool TryReadPlan(string value, out SubscriptionPlan plan) => PlanByName.TryGetValue(value, out plan);

    /// <summary>The purpose a wire name or alias (any case) stands for.</summary>
    public static bool TryReadPurpose(string value, out ProcessingPurpose purpose) => PurposeByName.TryGetValue(value, out purpose);

    /// <summary>Every field of the event, in the order of docs/api.md; the required ones first.</summary>
    public static IReadOnlyList<WireField> Fields { get; } = BuildFields();

    /// <summary>The field named <paramref name="name"/> (one of <see cref="EventFields"/>).</summary>
    public static WireField Field(string name) => FieldByName[name];

    private static readonly Dictionary<string, WireField> FieldByName = Fields.ToDictionary(f => f.Name, StringComparer.Ordinal);

    /// <summary>
    /// The JSON body <c>POST /events</c> takes for <paramref name="e"/>: snake_case names, optional fields only when
    /// set, times as <see cref="TimeFormat"/>. The validator reads it back to the same event (except ReceivedAt).
    /// </summary>
    public static JsonObject ToJson(OttEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var json = new JsonObject();
        foreach (var field in Fields)
        {
            if (field.Write(e) is { } value)
            {
                json[field.Name] = value;
            }
        }

        return json;
    }

    /// <summary>A time as the wire writes it (<see cref="TimeFormat"/>).</summary>
    public static string FormatTime(DateTimeOffset time) => time.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture);

    private static WireField[] BuildFields()
    {
        const bool Required = true, Optional = false;
        var identifier = $"1-{MaxIdentifierLength} characters of A-Z a-z 0-9 {string.Join(' ', IdentifierPunctuation.ToCharArray())} (the identifier rule)";
        const string TimeRule = "yyyy-MM-ddTHH:mm[:ss[.fraction]] followed by Z or an offset (+09:00, +0900, +09); no offset, a space for T or a date alone are refused";
        const string RegionRule = "an ISO 3166-1 alpha-2 country (any case), optionally - and a subdivision of 1-3 letters or digits (US-CA); " +
            "US subdivisions must be ISO 3166-2:US; EU = an EU member not named; UK is stored as GB";

        return
        [
            Identifier(EventFields.EventId, Required, $"{identifier}; the dedupe key: an id accepted before comes back as a duplicate.", e => e.EventId),
            Identifier(EventFields.UserId, Required, $"The user the event belongs to: {identifier}.", e => e.UserId),
            Identifier(EventFields.DeviceId, Required, $"The device that sent it: {identifier}.", e => e.DeviceId),
            Identifier(EventFields.ContentId, Required, $"The content played, bought or exported: {identifier}.", e => e.ContentId),
            Field(EventFields.EventType, WireKind.Text, Required, "What happened: one of the event types, any case (PLAY = play).",
                e => e.Type.ToWireName()) with { Values = EventTypeValues },
            Field(EventFields.Timestamp, WireKind.Text, Required,
                $"When it happened: {TimeRule}; more than {FutureLimit.TotalHours:0} h ahead of the server's clock is refused, the past is not limited; stored in UTC.",
                e => FormatTime(e.Timestamp)),
            Field(EventFields.Region, WireKind.Text, Required, $"Where the user is: {RegionRule}.", e => e.Region),
            Field(EventFields.IsEu, WireKind.Boolean, Required,
                "The client's claim that the user is in the EU; jurisdiction follows region (a contradiction adds the region_claim_mismatch note; " +
                "for IS, LI and NO either value is accepted).",
                e => e.IsEuClaim),
            Field(EventFields.HasConsent, WireKind.Boolean, Required, "Consent for the processing this event implies.", e => e.HasConsent),
            Field(EventFields.IpAddress, WireKind.Text, Required,
                "IPv4 as four decimal octets without leading zeros (01.2.3.4 is refused as ambiguous), or IPv6 without a zone id; stored in canonical form.",
                e => e.IpAddress),
            Field(EventFields.SubscriptionPlan, WireKind.Text, Optional, "The user's plan, any case.",
                e => e.Plan is { } plan ? WireName.From(plan.ToString()) : null) with { Values = PlanValues },
            Field(EventFields.ErrorCode, WireKind.Text, Optional,
                "The client's error code: free text (checked for attack patterns, control characters removed, NFC), " +
                $"at most {MaxErrorCodeLength} characters after sanitisation.",
                e => e.ErrorCode) with { MaxLength = MaxErrorCodeLength },
            Identifier(EventFields.PaymentMethodId, Optional,
                $"A payment token or fingerprint: {identifier}. A value of only digits and separators with {MinCardDigits}-{MaxCardDigits} " +
                "digits that passes the Luhn check is refused as a card number.",
                e => e.PaymentMethodId),
            Field(EventFields.UserAge, WireKind.WholeNumber, Optional, "The user's age in years; drives the children's rules.",
                e => e.UserAge) with { Minimum = 0, Maximum = MaxUserAge },
            Field(EventFields.AccountCreatedAt, WireKind.Text, Optional,
                $"When the account was created (the timestamp rule: {TimeRule}); the account's age for segments.",
                e => e.AccountCreatedAt is { } created ? FormatTime(created) : null),
            Field(EventFields.Purpose, WireKind.Text, Optional, "What the processing is for, any case (personalization = personalisation).",
                e => e.Purpose is { } purpose ? WireName.From(purpose.ToString()) : null) with { Values = PurposeValues, Aliases = [.. PurposeAliases.Keys] },
            Field(EventFields.ConsentPurposes, WireKind.TextArray, Optional,
                $"The purposes the user granted: at most {MaxConsentPurposes} items, any case, repeats dropped.",
                e => e.ConsentPurposes is { } purposes ? new JsonArray([.. purposes.Select(p => (JsonNode?)p)]) : null)
                with { MaxItems = MaxConsentPurposes, Values = GrantablePurposes, Aliases = [.. PurposeAliases.Keys] },
            Field(EventFields.ProcessingRegion, WireKind.Text, Optional,
                $"Where the data is processed: {RegionRule}. A country other than the user's is a cross-border transfer.",
                e => e.ProcessingRegion),
            Field(EventFields.RecordsAccessed, WireKind.WholeNumber, Optional, "How many records left the system (export, download, access events).",
                e => e.RecordsAccessed) with { Minimum = 0, Maximum = MaxRecordsAccessed },
            Field(EventFields.ExtraMetadata, WireKind.FlatObject, Optional,
                $"At most {MaxMetadataKeys} keys of 1-{MaxMetadataKeyLength} characters without control characters; values string, number or " +
                $"boolean (no nesting); at most {MaxMetadataBytes} bytes as compact JSON after sanitisation; string values are free text.",
                e => e.ExtraMetadataJson is { } metadata ? JsonNode.Parse(metadata) : null)
                with { MaxItems = MaxMetadataKeys, MaxKeyLength = MaxMetadataKeyLength, MaxBytes = MaxMetadataBytes },
        ];
    }

    private static WireField Field(string name, WireKind kind, bool required, string description, Func<OttEvent, JsonNode?> write) =>
        new() { Name = name, Kind = kind, Required = required, Description = description, Write = write };

    private static WireField Identifier(string name, bool required, string description, Func<OttEvent, string?> write) =>
        Field(name, WireKind.Text, required, description, e => write(e)) with
        {
            MinLength = 1,
            MaxLength = MaxIdentifierLength,
            Pattern = $"^[A-Za-z0-9{IdentifierPunctuation}]+$",
        };

    private static Dictionary<string, ProcessingPurpose> BuildPurposes()
    {
        var purposes = Enum.GetValues<ProcessingPurpose>().ToDictionary(p => WireName.From(p.ToString()), StringComparer.OrdinalIgnoreCase);
        foreach (var (alias, purpose) in PurposeAliases)
        {
            purposes[alias] = purposes[purpose];
        }

        return purposes;
    }
}
