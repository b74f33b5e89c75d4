using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Ott.Api.Security;
using Ott.Grains.Geo;
using Ott.Grains.Interfaces;

namespace Ott.Api.Events;

/// <summary>A free-text field that matched a known attack pattern.</summary>
public sealed record AttackHit(string Field, AttackPattern Pattern);

/// <summary>
/// The result of validating one event: the canonical event, or every failing field with its messages. Attack
/// pattern hits are listed apart (they are a 400 and a security record, not a 422).
/// </summary>
public sealed record EventValidation(OttEvent? Event, string? EventId, IReadOnlyDictionary<string, string[]> Errors)
{
    public bool IsValid => Event is not null;

    public IReadOnlyList<AttackHit> Attacks { get; init; } = [];
}

/// <summary>
/// Input handling of docs/security.md, applied to a parsed JSON element: stage 1 (schema, types, lengths, allowed
/// values, the identifier rule of docs/api.md), stage 2 (attack patterns in free-text values: error_code and
/// extra_metadata string values) and stage 3 (sanitisation of what is stored: control characters removed, NFC).
/// Reports every failing field, not just the first.
/// </summary>
public sealed class EventValidator(TimeProvider time)
{
    public const int MaxIdentifierLength = 128;
    public const int MaxErrorCodeLength = 64;
    public const int MaxMetadataKeys = 32;
    public const int MaxMetadataBytes = 4096;
    public const int MaxConsentPurposes = 16;
    public const int MaxUserAge = 130;
    public const long MaxRecordsAccessed = 1_000_000_000_000;
    public static readonly TimeSpan FutureLimit = TimeSpan.FromHours(24);

    private static readonly string[] TimestampFormats =
        ["yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzz", "yyyy-MM-dd'T'HH:mmzzz"];

    private static readonly Dictionary<string, EventType> Types =
        EventTypes.All.ToDictionary(t => t.ToWireName(), StringComparer.OrdinalIgnoreCase);

    private static readonly Dictionary<string, SubscriptionPlan> Plans =
        Enum.GetValues<SubscriptionPlan>().ToDictionary(p => WireName.From(p.ToString()), StringComparer.OrdinalIgnoreCase);

    private static readonly Dictionary<string, ProcessingPurpose> Purposes = BuildPurposes();

    /// <summary>Purposes a user can grant: the processing purposes plus consents that are not a purpose of one event.</summary>
    public static readonly IReadOnlySet<string> GrantablePurposes = new HashSet<string>(StringComparer.Ordinal)
    {
        "service", "analytics", "personalisation", "advertising", "marketing", "sale",
        "cross_border_transfer", "viewing_history_sharing", "third_party_sharing", "sensitive_data", "parental_consent",
    };

    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);
    private readonly List<AttackHit> _attacks = [];

    /// <summary>Validates one event object. Not thread-safe: use one validator per request.</summary>
    public EventValidation Validate(JsonElement element)
    {
        _errors.Clear();
        _attacks.Clear();
        if (element.ValueKind != JsonValueKind.Object)
        {
            return new EventValidation(null, null, new Dictionary<string, string[]> { [""] = ["each event must be a JSON object"] });
        }

        var eventId = Identifier(element, "event_id", required: true);
        var userId = Identifier(element, "user_id", required: true);
        var deviceId = Identifier(element, "device_id", required: true);
        var contentId = Identifier(element, "content_id", required: true);
        var type = EventTypeOf(element);
        var timestamp = Time(element, "timestamp", required: true);
        var region = Region(element, "region", required: true);
        var isEu = Bool(element, "is_eu");
        var hasConsent = Bool(element, "has_consent");
        var ip = Ip(element);
        var plan = Plan(element);
        var errorCode = OptionalText(element, "error_code", MaxErrorCodeLength);
        var payment = PaymentMethod(element);
        var age = Integer(element, "user_age", 0, MaxUserAge);
        var created = Time(element, "account_created_at", required: false);
        var purpose = Purpose(element);
        var consentPurposes = ConsentPurposes(element);
        var processingRegion = Region(element, "processing_region", required: false);
        var records = Integer(element, "records_accessed", 0, MaxRecordsAccessed);
        var metadata = Metadata(element);

        var rawId = element.TryGetProperty("event_id", out var idElement) && idElement.ValueKind == JsonValueKind.String
            ? idElement.GetString()
            : null;

        foreach (var hit in _attacks)
        {
            Error(hit.Field, $"matches attack pattern {hit.Pattern.Name} ({hit.Pattern.FamilyTitle})");
        }

        if (_errors.Count > 0)
        {
            return new EventValidation(null, rawId, _errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal))
            {
                Attacks = [.. _attacks],
            };
        }

        var ottEvent = new OttEvent
        {
            EventId = eventId!,
            UserId = userId!,
            DeviceId = deviceId!,
            ContentId = contentId!,
            Type = type!.Value,
            Timestamp = timestamp!.Value,
            Region = region!,
            IsEuClaim = isEu!.Value,
            HasConsent = hasConsent!.Value,
            IpAddress = ip!,
            Plan = plan,
            ErrorCode = errorCode,
            PaymentMethodId = payment,
            UserAge = (int?)age,
            AccountCreatedAt = created,
            Purpose = purpose,
            ConsentPurposes = consentPurposes,
            ProcessingRegion = processingRegion,
            RecordsAccessed = records,
            ExtraMetadataJson = metadata,
            ReceivedAt = time.GetUtcNow(),
        };
        return new EventValidation(ottEvent, eventId, new Dictionary<string, string[]>());
    }

    /// <summary>True when <paramref name="value"/> is 1-128 characters of <c>[A-Za-z0-9._:@-]</c>.</summary>
    public static bool IsIdentifier(string value)
    {
        if (value.Length is 0 or > MaxIdentifierLength)
        {
            return false;
        }

        foreach (var c in value)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or ':' or '@' or '-'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>True when the value is only digits and separators, 13-19 digits, and passes the Luhn check.</summary>
    public static bool LooksLikeCardNumber(string value)
    {
        Span<int> digits = stackalloc int[20];
        var count = 0;
        foreach (var c in value)
        {
            if (char.IsAsciiDigit(c))
            {
                if (count == digits.Length)
                {
                    return false;
                }

                digits[count++] = c - '0';
            }
            else if (c is not ('-' or '.' or ':' or '_'))
            {
                return false;
            }
        }

        if (count is < 13 or > 19)
        {
            return false;
        }

        var sum = 0;
        for (var i = 0; i < count; i++)
        {
            var d = digits[count - 1 - i];
            if (i % 2 == 1)
            {
                d *= 2;
                if (d > 9)
                {
                    d -= 9;
                }
            }

            sum += d;
        }

        return sum % 10 == 0;
    }

    /// <summary>Strict IP parsing: four decimal octets 0-255 without leading zeros, or an IPv6 address without a zone.</summary>
    public static string? CanonicalIp(string value)
    {
        if (value.Contains(':', StringComparison.Ordinal))
        {
            return !value.Contains('%', StringComparison.Ordinal)
                && IPAddress.TryParse(value, out var v6)
                && v6.AddressFamily == AddressFamily.InterNetworkV6
                ? v6.ToString()
                : null;
        }

        var parts = value.Split('.');
        if (parts.Length != 4)
        {
            return null;
        }

        foreach (var part in parts)
        {
            if (part.Length is 0 or > 3 || !part.All(char.IsAsciiDigit) || (part.Length > 1 && part[0] == '0')
                || int.Parse(part, CultureInfo.InvariantCulture) > 255)
            {
                return null;
            }
        }

        return value;
    }

    private void Error(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var list))
        {
            _errors[field] = list = [];
        }

        list.Add(message);
    }

    private bool TryGet(JsonElement element, string field, bool required, out JsonElement value)
    {
        if (element.TryGetProperty(field, out value) && value.ValueKind != JsonValueKind.Null)
        {
            return true;
        }

        if (required)
        {
            Error(field, "is required");
        }

        return false;
    }

    private string? String(JsonElement element, string field, bool required)
    {
        if (!TryGet(element, field, required, out var value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            Error(field, "must be a string");
            return null;
        }

        return value.GetString();
    }

    private string? Identifier(JsonElement element, string field, bool required)
    {
        var value = String(element, field, required);
        if (value is null)
        {
            return null;
        }

        if (!IsIdentifier(value))
        {
            Error(field, value.Length is 0 or > MaxIdentifierLength
                ? $"must be 1-{MaxIdentifierLength} characters (got {value.Length})"
                : "may contain only letters, digits and . _ : @ -");
            return null;
        }

        return value;
    }

    private EventType? EventTypeOf(JsonElement element)
    {
        var value = String(element, "event_type", required: true);
        if (value is null)
        {
            return null;
        }

        if (Types.TryGetValue(value, out var type))
        {
            return type;
        }

        Error("event_type", $"'{Truncate(value)}' is not an event type; expected one of {string.Join(", ", Types.Keys)}");
        return null;
    }

    private DateTimeOffset? Time(JsonElement element, string field, bool required)
    {
        var value = String(element, field, required);
        if (value is null)
        {
            return null;
        }

        var text = value.EndsWith('Z') || value.EndsWith('z') ? string.Concat(value.AsSpan(0, value.Length - 1), "+00:00") : value;
        if (!DateTimeOffset.TryParseExact(text, TimestampFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
        {
            Error(field, "must be an ISO 8601 date-time with an offset or Z (e.g. 2026-01-16T12:34:56Z)");
            return null;
        }

        var utc = parsed.ToUniversalTime();
        if (utc > time.GetUtcNow() + FutureLimit)
        {
            Error(field, $"is more than {FutureLimit.TotalHours:0} hours in the future");
            return null;
        }

        return utc;
    }

    private string? Region(JsonElement element, string field, bool required)
    {
        var value = String(element, field, required);
        if (value is null)
        {
            return null;
        }

        var region = RegionCodes.Normalize(value, out var error);
        if (region is null)
        {
            Error(field, error!);
        }

        return region;
    }

    private bool? Bool(JsonElement element, string field)
    {
        if (!TryGet(element, field, required: true, out var value))
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

    private string? Ip(JsonElement element)
    {
        var value = String(element, "ip_address", required: true);
        if (value is null)
        {
            return null;
        }

        var ip = CanonicalIp(value);
        if (ip is null)
        {
            Error("ip_address", $"'{Truncate(value)}' is not a valid IPv4 or IPv6 address");
        }

        return ip;
    }

    private SubscriptionPlan? Plan(JsonElement element)
    {
        var value = String(element, "subscription_plan", required: false);
        if (value is null)
        {
            return null;
        }

        if (Plans.TryGetValue(value, out var plan))
        {
            return plan;
        }

        Error("subscription_plan", $"must be one of {string.Join(", ", Plans.Keys)}");
        return null;
    }

    private string? OptionalText(JsonElement element, string field, int maxLength)
    {
        var value = String(element, field, required: false);
        if (value is null)
        {
            return null;
        }

        value = FreeText(field, value);
        if (value.Length > maxLength)
        {
            Error(field, $"must be at most {maxLength} characters (got {value.Length})");
            return null;
        }

        return value;
    }

    /// <summary>Checks a free-text value for attack patterns, then sanitises it for storage.</summary>
    private string FreeText(string field, string value)
    {
        if (AttackPatterns.Match(value) is { } pattern)
        {
            _attacks.Add(new AttackHit(field, pattern));
        }

        return Sanitize(value);
    }

    /// <summary>Stage 3: removes NUL and every other control character, then normalises to NFC.</summary>
    public static string Sanitize(string value)
    {
        var clean = value;
        if (value.Any(char.IsControl))
        {
            var builder = new StringBuilder(value.Length);
            foreach (var c in value)
            {
                if (!char.IsControl(c))
                {
                    builder.Append(c);
                }
            }

            clean = builder.ToString();
        }

        return clean.IsNormalized(NormalizationForm.FormC) ? clean : clean.Normalize(NormalizationForm.FormC);
    }

    private string? PaymentMethod(JsonElement element)
    {
        var value = Identifier(element, "payment_method_id", required: false);
        if (value is not null && LooksLikeCardNumber(value))
        {
            Error("payment_method_id", "looks like a card number (PAN); send a payment token or fingerprint instead");
            return null;
        }

        return value;
    }

    private long? Integer(JsonElement element, string field, long min, long max)
    {
        if (!TryGet(element, field, required: false, out var value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out var number))
        {
            Error(field, "must be an integer");
            return null;
        }

        if (number < min || number > max)
        {
            Error(field, $"must be between {min} and {max}");
            return null;
        }

        return number;
    }

    private ProcessingPurpose? Purpose(JsonElement element)
    {
        var value = String(element, "purpose", required: false);
        if (value is null)
        {
            return null;
        }

        if (Purposes.TryGetValue(value, out var purpose))
        {
            return purpose;
        }

        Error("purpose", "must be one of service, analytics, personalisation, advertising, marketing, sale");
        return null;
    }

    private string[]? ConsentPurposes(JsonElement element)
    {
        if (!TryGet(element, "consent_purposes", required: false, out var value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            Error("consent_purposes", "must be an array of strings");
            return null;
        }

        if (value.GetArrayLength() > MaxConsentPurposes)
        {
            Error("consent_purposes", $"must have at most {MaxConsentPurposes} items");
            return null;
        }

        var result = new List<string>();
        var index = 0;
        foreach (var item in value.EnumerateArray())
        {
            var name = item.ValueKind == JsonValueKind.String ? item.GetString()!.ToLowerInvariant() : null;
            if (name == "personalization")
            {
                name = "personalisation";
            }

            if (name is null || !GrantablePurposes.Contains(name))
            {
                Error($"consent_purposes[{index}]", $"must be one of {string.Join(", ", GrantablePurposes)}");
            }
            else if (!result.Contains(name))
            {
                result.Add(name);
            }

            index++;
        }

        return [.. result];
    }

    private string? Metadata(JsonElement element)
    {
        if (!TryGet(element, "extra_metadata", required: false, out var value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            Error("extra_metadata", "must be a JSON object");
            return null;
        }

        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            var keys = 0;
            foreach (var property in value.EnumerateObject())
            {
                keys++;
                if (property.Name.Length is 0 or > 64 || property.Name.Any(char.IsControl))
                {
                    Error("extra_metadata", $"key '{Truncate(property.Name)}' must be 1-64 characters without control characters");
                    continue;
                }

                switch (property.Value.ValueKind)
                {
                    case JsonValueKind.String:
                        writer.WriteString(property.Name, FreeText($"extra_metadata.{property.Name}", property.Value.GetString()!));
                        break;
                    case JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False:
                        property.WriteTo(writer);
                        break;
                    default:
                        Error($"extra_metadata.{property.Name}", "must be a string, number or boolean");
                        break;
                }
            }

            writer.WriteEndObject();
            if (keys > MaxMetadataKeys)
            {
                Error("extra_metadata", $"must have at most {MaxMetadataKeys} keys (got {keys})");
            }
        }

        if (buffer.WrittenCount > MaxMetadataBytes)
        {
            Error("extra_metadata", $"must be at most {MaxMetadataBytes} bytes of JSON (got {buffer.WrittenCount})");
            return null;
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static Dictionary<string, ProcessingPurpose> BuildPurposes()
    {
        var purposes = Enum.GetValues<ProcessingPurpose>().ToDictionary(p => WireName.From(p.ToString()), StringComparer.OrdinalIgnoreCase);
        purposes["personalization"] = ProcessingPurpose.Personalisation;
        return purposes;
    }

    private static string Truncate(string value) => value.Length <= 40 ? value : string.Concat(value.AsSpan(0, 40), "...");
}
