using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Ott.Api.Security;

/// <summary>The HS256 key: from configuration, or (embedded profile only) random per start.</summary>
public sealed class SigningKey(IOptions<SecurityOptions> options)
{
    public SymmetricSecurityKey Key { get; } = new(options.Value.SigningKey is { Length: > 0 } configured
        ? Encoding.UTF8.GetBytes(configured)
        : RandomNumberGenerator.GetBytes(32));

    public bool IsRandom { get; } = string.IsNullOrEmpty(options.Value.SigningKey);
}

/// <summary>Issues JWTs with the user's name as subject and roles as claims.</summary>
public sealed class TokenIssuer(SigningKey key, IOptions<SecurityOptions> options, TimeProvider time)
{
    public const string RoleClaim = "role";
    public const string NameClaim = "sub";

    private readonly JsonWebTokenHandler _handler = new();

    public (string Token, int ExpiresIn) Issue(ApiUser user)
    {
        var o = options.Value;
        var now = time.GetUtcNow().UtcDateTime;
        var claims = new List<Claim> { new(NameClaim, user.Username), new("jti", Guid.NewGuid().ToString("N")) };
        claims.AddRange(user.Roles.Select(r => new Claim(RoleClaim, r)));
        var token = _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = o.Issuer,
            Audience = o.Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + o.TokenLifetime,
            Subject = new ClaimsIdentity(claims),
            SigningCredentials = new SigningCredentials(key.Key, SecurityAlgorithms.HmacSha256),
        });
        return (token, (int)o.TokenLifetime.TotalSeconds);
    }
}
