using System.ComponentModel.DataAnnotations;

namespace Ott.Api.Security;

/// <summary>Tokens, users, roles and limits (configuration section <c>Ott:Security</c>).</summary>
public sealed class SecurityOptions : IValidatableObject
{
    public const string Section = "Ott:Security";

    /// <summary>HS256 signing key, at least 32 bytes. Without one the embedded profile makes a random key per start.</summary>
    public string? SigningKey { get; set; }

    [Required] public string Issuer { get; set; } = "ott-compliance";

    [Required] public string Audience { get; set; } = "ott-api";

    [Range(typeof(TimeSpan), "00:01:00", "24:00:00")]
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromMinutes(60);

    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Whether <c>POST /events</c> accepts requests without a token (embedded default: yes; production: no).</summary>
    public bool? AllowAnonymousIngest { get; set; }

    public List<ApiUser> Users { get; set; } = [];

    public RateLimitOptions RateLimits { get; set; } = new();

    /// <summary>Set by the host from the profile; production rules apply when true.</summary>
    public bool Production { get; internal set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (SigningKey is { Length: > 0 } key && System.Text.Encoding.UTF8.GetByteCount(key) < 32)
        {
            yield return new ValidationResult("SigningKey must be at least 32 bytes (256 bits) for HS256.", [nameof(SigningKey)]);
        }

        if (Production && string.IsNullOrEmpty(SigningKey))
        {
            yield return new ValidationResult("the Production profile needs a SigningKey (Ott__Security__SigningKey).", [nameof(SigningKey)]);
        }

        if (Production && Users.Any(u => u.Password is not null))
        {
            yield return new ValidationResult("the Production profile refuses users with a clear-text Password (development users); give PasswordHash.", [nameof(Users)]);
        }

        if (Production && AllowAnonymousIngest == true)
        {
            yield return new ValidationResult("the Production profile does not allow anonymous ingest.", [nameof(AllowAnonymousIngest)]);
        }

        foreach (var user in Users)
        {
            if (string.IsNullOrEmpty(user.PasswordHash) == string.IsNullOrEmpty(user.Password))
            {
                yield return new ValidationResult($"user '{user.Username}' needs exactly one of PasswordHash or Password.", [nameof(Users)]);
            }

            foreach (var role in user.Roles.Where(r => !Roles.All.Contains(r)))
            {
                yield return new ValidationResult($"user '{user.Username}' has unknown role '{role}' (admin, analyst, ingest).", [nameof(Users)]);
            }
        }

        if (Users.GroupBy(u => u.Username, StringComparer.OrdinalIgnoreCase).Any(g => g.Count() > 1))
        {
            yield return new ValidationResult("user names must be unique.", [nameof(Users)]);
        }
    }
}

