using System.ComponentModel.DataAnnotations;

namespace Ott.Api.Security;

/// <summary>A user who can obtain tokens.</summary>
public sealed class ApiUser
{
    [Required, RegularExpression("^[A-Za-z0-9._@-]{1,64}$")]
    public string Username { get; set; } = "";

    /// <summary>ASP.NET Core PasswordHasher (PBKDF2) hash; create one with <c>dotnet Ott.Api.dll hash-password</c>.</summary>
    public string? PasswordHash { get; set; }

    /// <summary>
    /// A clear-text password: only for the embedded profile's development users (appsettings.Development.json); the
    /// production profile refuses it. Hashed in memory at start-up.
    /// </summary>
    public string? Password { get; set; }

    /// <summary><c>admin</c>, <c>analyst</c>, <c>ingest</c>.</summary>
    public List<string> Roles { get; set; } = [];
}
