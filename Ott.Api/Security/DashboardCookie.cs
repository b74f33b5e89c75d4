using Microsoft.AspNetCore.Authentication.JwtBearer;

namespace Ott.Api.Security;

/// <summary>
/// A browser cannot add an Authorization header to the pages and calls of the Orleans Dashboard, so the web dashboard
/// (wwwroot/app.js) puts an admin's token in the cookie <see cref="Name"/>, scoped to <see cref="Path"/> and
/// SameSite=Strict, and the bearer handler reads it there, for that path only. The token is the one the page already
/// holds; the admin policy still decides.
/// </summary>
public static class DashboardCookie
{
    public const string Name = "ott_dashboard";

    public const string Path = "/dashboard";

    public static Task ReadToken(MessageReceivedContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = context.Request;
        if (string.IsNullOrEmpty(context.Token)
            && !request.Headers.ContainsKey("Authorization")
            && request.Path.StartsWithSegments(Path, StringComparison.Ordinal)
            && request.Cookies.TryGetValue(Name, out var token) && !string.IsNullOrEmpty(token))
        {
            context.Token = token;
        }

        return Task.CompletedTask;
    }
}
