using System.Buffers;
using Ott.Grains.Interfaces;

namespace Ott.Api.Events.Validation;

/// <summary>
/// The identifier rule of docs/api.md (1-128 characters of <c>[A-Za-z0-9._:@-]</c>, for every id in a body or a path)
/// and the card-number check of <c>payment_method_id</c>. The allow-list excludes every character an injection needs,
/// which is why identifiers never go through the attack-pattern check.
/// </summary>
public static class Identifiers
{
    /// <summary>The allowed characters in words (<c>letters, digits and . _ : @ -</c>).</summary>
    public static readonly string Characters = $"letters, digits and {string.Join(' ', EventWire.IdentifierPunctuation.ToCharArray())}";

    private static readonly SearchValues<char> Allowed =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789" + EventWire.IdentifierPunctuation);

    /// <summary>The rule in words, for messages (<c>1-128 characters of letters, digits and . _ : @ -</c>).</summary>
    public static readonly string Rule = $"1-{EventWire.MaxIdentifierLength} characters of {Characters}";

    /// <summary>True when <paramref name="value"/> follows the identifier rule.</summary>
    public static bool IsIdentifier(string value) =>
        value.Length is > 0 and <= EventWire.MaxIdentifierLength && value.AsSpan().IndexOfAnyExcept(Allowed) < 0;

    /// <summary>Why <paramref name="value"/> breaks the identifier rule; null when it does not.</summary>
    public static string? Problem(string value)
    {
        if (value.Length is 0 or > EventWire.MaxIdentifierLength)
        {
            return $"must be 1-{EventWire.MaxIdentifierLength} characters (got {value.Length})";
        }

        return IsIdentifier(value) ? null : $"may contain only {Characters}";
    }

    /// <summary>
    /// True when the value is only digits and separators (<c>- . : _</c>, the identifier punctuation but <c>@</c>),
    /// has 13-19 digits (<see cref="EventWire.MinCardDigits"/>) and passes the Luhn check: a card number (PAN).
    /// </summary>
    public static bool LooksLikeCardNumber(string value)
    {
        Span<int> digits = stackalloc int[EventWire.MaxCardDigits + 1];
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

        if (count is < EventWire.MinCardDigits or > EventWire.MaxCardDigits)
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
}
