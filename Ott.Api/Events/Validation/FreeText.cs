using System.Text;
using Ott.Api.Security;

namespace Ott.Api.Events.Validation;

/// <summary>
/// Free-text values (<c>error_code</c>, the string values of <c>extra_metadata</c>): stage 2 of docs/security.md (attack
/// patterns, <see cref="AttackPatterns"/>) and stage 3 (sanitisation of what is stored).
/// </summary>
public static class FreeText
{
    /// <summary>Records an attack-pattern hit of <paramref name="value"/> under <paramref name="field"/>, then sanitises it.</summary>
    public static string Check(string field, string value, ICollection<AttackHit> attacks)
    {
        if (AttackPatterns.Match(value) is { } pattern)
        {
            attacks.Add(new AttackHit(field, pattern));
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
}
