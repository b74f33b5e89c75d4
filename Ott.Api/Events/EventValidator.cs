using System.Globalization;
using System.Text.Json;
using Ott.Api.Events.Validation;
using Ott.Api.Json;
using Ott.Grains.Geo;
using Ott.Grains.Interfaces;

namespace Ott.Api.Events;

/// <summary>
/// Input handling of docs/security.md, applied to one parsed event object: stage 1 (schema, types, lengths, allowed
/// values, the identifier rule; names and limits from <see cref="EventWire"/>), stage 2 (attack patterns in free-text
/// values: error_code and extra_metadata string values) and stage 3 (sanitisation of what is stored). Reports every
/// failing field, not just the first. The parts: <see cref="FieldReader"/> (typed reads collecting errors),
/// <see cref="Identifiers"/>, <see cref="IpAddresses"/>, <see cref="FreeText"/>, <see cref="ExtraMetadata"/>.
/// </summary>
/// <remarks>
/// Text that no string can hold (bytes that are not UTF-8, or an escaped lone surrogate such as <c>"\ud800"</c>) is
/// not a value that breaks a rule but a body that cannot be read: over HTTP, <see cref="JsonBody"/> answers 400
/// naming the field before any event reaches this class, like a body that is not UTF-8 at all. Handed such an
/// element directly, <see cref="Validate"/> reports that field (by its JSON path) and reads nothing else; it never
/// throws.
/// </remarks>
public sealed class EventValidator(TimeProvider time)
{
    private static readonly string[] TimestampFormats =
        ["yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzz", "yyyy-MM-dd'T'HH:mmzzz"];

    private static readonly HashSet<string> Grantable = new(EventWire.Field(EventFields.ConsentPurposes).Values!, StringComparer.Ordinal);

    private readonly FieldReader _fields = new();
    private readonly List<AttackHit> _attacks = [];

    /// <summary>Validates one event object. Not thread-safe: use one validator per request.</summary>
    public EventValidation Validate(JsonElement element)
    {
        _attacks.Clear();
        if (element.ValueKind != JsonValueKind.Object)
        {
            return new EventValidation(null, null, new Dictionary<string, string[]> { [""] = ["each event must be a JSON object"] });
        }

        if (JsonText.FindUnreadable(element) is { } unreadable)
        {
            return new EventValidation(null, null, new Dictionary<string, string[]> { [unreadable.Path] = [unreadable.Message] });
        }

        _fields.Start(element);
        var eventId = Identifier(EventFields.EventId);
        var userId = Identifier(EventFields.UserId);
        var deviceId = Identifier(EventFields.DeviceId);
        var contentId = Identifier(EventFields.ContentId);
        var type = OneOf<EventType>(EventFields.EventType, EventWire.TryReadEventType,
            value => $"'{FieldReader.Excerpt(value)}' is not an event type; expected one of {Choices(EventFields.EventType)}");
        var timestamp = Time(EventFields.Timestamp);
        var region = Region(EventFields.Region);
        var isEu = _fields.Boolean(EventFields.IsEu);
        var hasConsent = _fields.Boolean(EventFields.HasConsent);
        var ip = Ip();
        var plan = OneOf<SubscriptionPlan>(EventFields.SubscriptionPlan, EventWire.TryReadPlan,
            _ => $"must be one of {Choices(EventFields.SubscriptionPlan)}");
        var errorCode = OptionalText(EventFields.ErrorCode);
        var payment = PaymentMethod();
        var age = _fields.WholeNumber(EventFields.UserAge);
        var created = Time(EventFields.AccountCreatedAt);
        var purpose = OneOf<ProcessingPurpose>(EventFields.Purpose, EventWire.TryReadPurpose, _ => $"must be one of {Choices(EventFields.Purpose)}");
        var consentPurposes = ConsentPurposes();
        var processingRegion = Region(EventFields.ProcessingRegion);
        var records = _fields.WholeNumber(EventFields.RecordsAccessed);
        var metadata = ExtraMetadata.Read(_fields, _attacks);

        foreach (var hit in _attacks)
        {
            _fields.Error(hit.Field, $"matches attack pattern {hit.Pattern.Name} ({hit.Pattern.FamilyTitle})");
        }

        if (_fields.HasErrors)
        {
            return new EventValidation(null, _fields.RawText(EventFields.EventId), _fields.Errors()) { Attacks = [.. _attacks] };
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

    private delegate bool TryRead<T>(string value, out T result);

    /// <summary>A string field naming one of the field's allowed values (any case).</summary>
    private T? OneOf<T>(string field, TryRead<T> read, Func<string, string> message)
        where T : struct
    {
        var value = _fields.Text(field);
        if (value is null)
        {
            return null;
        }

        if (read(value, out var result))
        {
            return result;
        }

        _fields.Error(field, message(value));
        return null;
    }

    private static string Choices(string field) => string.Join(", ", EventWire.Field(field).Values!);

    private string? Identifier(string field)
    {
        var value = _fields.Text(field);
        if (value is not null && Identifiers.Problem(value) is { } problem)
        {
            _fields.Error(field, problem);
            return null;
        }

        return value;
    }

    private DateTimeOffset? Time(string field)
    {
        var value = _fields.Text(field);
        if (value is null)
        {
            return null;
        }

        var text = value.EndsWith('Z') || value.EndsWith('z') ? string.Concat(value.AsSpan(0, value.Length - 1), "+00:00") : value;
        if (!DateTimeOffset.TryParseExact(text, TimestampFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
        {
            _fields.Error(field, "must be an ISO 8601 date-time with an offset or Z (e.g. 2026-01-16T12:34:56Z)");
            return null;
        }

        var utc = parsed.ToUniversalTime();
        if (utc > time.GetUtcNow() + EventWire.FutureLimit)
        {
            _fields.Error(field, $"is more than {EventWire.FutureLimit.TotalHours:0} hours in the future");
            return null;
        }

        return utc;
    }

    private string? Region(string field)
    {
        var value = _fields.Text(field);
        if (value is null)
        {
            return null;
        }

        var region = RegionCodes.Normalize(value, out var error);
        if (region is null)
        {
            _fields.Error(field, error!);
        }

        return region;
    }

    private string? Ip()
    {
        var value = _fields.Text(EventFields.IpAddress);
        if (value is null)
        {
            return null;
        }

        var ip = IpAddresses.Canonical(value);
        if (ip is null)
        {
            _fields.Error(EventFields.IpAddress, $"'{FieldReader.Excerpt(value)}' is not a valid IPv4 or IPv6 address");
        }

        return ip;
    }

    private string? OptionalText(string field)
    {
        var value = _fields.Text(field);
        if (value is null)
        {
            return null;
        }

        value = FreeText.Check(field, value, _attacks);
        if (EventWire.Field(field).MaxLength is { } maxLength && value.Length > maxLength)
        {
            _fields.Error(field, $"must be at most {maxLength} characters (got {value.Length})");
            return null;
        }

        return value;
    }

    private string? PaymentMethod()
    {
        var value = Identifier(EventFields.PaymentMethodId);
        if (value is not null && Identifiers.LooksLikeCardNumber(value))
        {
            _fields.Error(EventFields.PaymentMethodId, "looks like a card number (PAN); send a payment token or fingerprint instead");
            return null;
        }

        return value;
    }

    private string[]? ConsentPurposes()
    {
        if (_fields.TextArray(EventFields.ConsentPurposes) is not { } value)
        {
            return null;
        }

        var result = new List<string>();
        var index = 0;
        foreach (var item in value.EnumerateArray())
        {
            var name = item.ValueKind == JsonValueKind.String ? item.GetString()!.ToLowerInvariant() : null;
            if (name is not null && EventWire.PurposeAliases.TryGetValue(name, out var canonical))
            {
                name = canonical;
            }

            if (name is null || !Grantable.Contains(name))
            {
                _fields.Error($"{EventFields.ConsentPurposes}[{index}]", $"must be one of {Choices(EventFields.ConsentPurposes)}");
            }
            else if (!result.Contains(name))
            {
                result.Add(name);
            }

            index++;
        }

        return [.. result];
    }
}
