using System.Buffers;
using System.Text;
using Ott.Api.Security;

namespace Ott.Api.Events.Validation;

/// <summary>
/// Free-text values (<c>error_code</c>, the string values of <c>extra_metadata</c>): stage 2 of docs/security.md (attack
/// patterns, <see cref="AttackPatterns"/>) and stage 3 (sanitisation of what is stored).
/// </summary>
public static class FreeText
{
    // Characters stage 3 may have to remove: controls, BMP noncharacters, and surrogates (a pair is kept unless it
    // encodes a noncharacter; a lone one is dropped). Text without any of them takes the fast path.
    private static readonly SearchValues<char> Suspects = SearchValues.Create(BuildSuspects());

    /// <summary>Records an attack-pattern hit of <paramref name="value"/> under <paramref name="field"/>, then sanitises it.</summary>
    public static string Check(string field, string value, ICollection<AttackHit> attacks)
    {
        if (AttackPatterns.Match(value) is { } pattern)
        {
            attacks.Add(new AttackHit(field, pattern));
        }

        return Sanitize(value);
    }

    /// <summary>
    /// Stage 3: removes NUL and every other control character, the noncharacters (U+FDD0-U+FDEF and the last two code
    /// points of every plane, U+FFFE included, which normalisation refuses) and any lone surrogate, then normalises to
    /// NFC. Never throws.
    /// </summary>
    public static string Sanitize(string value)
    {
        var clean = value.AsSpan().IndexOfAny(Suspects) < 0 ? value : Strip(value);
        return clean.IsNormalized(NormalizationForm.FormC) ? clean : clean.Normalize(NormalizationForm.FormC);
    }

    private static string Strip(string value)
    {
        var builder = new StringBuilder(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                if (!IsNoncharacter(char.ConvertToUtf32(c, value[i + 1])))
                {
                    builder.Append(c).Append(value[i + 1]);
                }

                i++;
            }
            else if (!char.IsControl(c) && !char.IsSurrogate(c) && !IsNoncharacter(c))
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    private static bool IsNoncharacter(int codePoint) => codePoint is >= 0xFDD0 and <= 0xFDEF || (codePoint & 0xFFFE) == 0xFFFE;

    private static string BuildSuspects()
    {
        var suspects = new StringBuilder();
        for (var c = 0; c <= char.MaxValue; c++)
        {
            if (char.IsControl((char)c) || char.IsSurrogate((char)c) || IsNoncharacter(c))
            {
                suspects.Append((char)c);
            }
        }

        return suspects.ToString();
    }
}
