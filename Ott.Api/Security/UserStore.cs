using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Ott.Api.Security;

/// <summary>The users who can obtain tokens, with PBKDF2 password hashes (clear-text development passwords are hashed at start).</summary>
public sealed class UserStore
{
    private static readonly PasswordHasher<ApiUser> Hasher = new();
    private readonly Dictionary<string, (ApiUser User, string Hash)> _users;
    private readonly string _dummyHash = Hasher.HashPassword(new ApiUser(), Convert.ToBase64String(RandomNumberGenerator.GetBytes(16)));

    public UserStore(IOptions<SecurityOptions> options)
    {
        _users = options.Value.Users.ToDictionary(
            u => u.Username,
            u => (u, u.PasswordHash ?? Hasher.HashPassword(u, u.Password!)),
            StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>Users configured with a clear-text password (development users).</summary>
    public IReadOnlyList<string> DevelopmentUsers => _users.Values.Where(u => u.User.Password is not null).Select(u => u.User.Username).ToList();

    /// <summary>The user when the password matches; otherwise null (same work either way, so timing does not tell names apart).</summary>
    public ApiUser? Verify(string username, string password)
    {
        if (!_users.TryGetValue(username, out var entry))
        {
            Hasher.VerifyHashedPassword(new ApiUser(), _dummyHash, password);
            return null;
        }

        return Hasher.VerifyHashedPassword(entry.User, entry.Hash, password) is PasswordVerificationResult.Failed ? null : entry.User;
    }

    /// <summary>Hashes a password for configuration (<c>dotnet Ott.Api.dll hash-password</c>).</summary>
    public static string Hash(string password) => Hasher.HashPassword(new ApiUser(), password);
}
