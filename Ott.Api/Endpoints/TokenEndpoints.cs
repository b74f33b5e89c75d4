using System.Text.Json;
using Microsoft.Extensions.Options;
using Ott.Api.Events;
using Ott.Api.Hosting;
using Ott.Api.Security;

namespace Ott.Api.Endpoints;

/// <summary>Body of a successful <c>POST /token</c>.</summary>
public sealed record TokenResponse(string AccessToken, string TokenType, int ExpiresIn);

/// <summary><c>POST /token</c>: user name and password (form or JSON) for a bearer token.</summary>
public static class TokenEndpoints
{
    public static RouteHandlerBuilder MapTokenApi(this IEndpointRouteBuilder app) =>
        app.MapPost("/token", IssueAsync)
            .WithTags("Security")
            .WithName("IssueToken")
            .WithSummary("Exchange a user name and password (form or JSON) for a bearer token")
            .AllowAnonymous()
            .RequireRateLimiting(RateLimits.Token)
            .DisableAntiforgery()
            .Produces<TokenResponse>()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

    private static async Task<IResult> IssueAsync(HttpRequest request, UserStore users, TokenIssuer issuer, IOptions<ApiOptions> options)
    {
        string? username = null, password = null;
        if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync();
            username = form["username"];
            password = form["password"];
        }
        else
        {
            var (document, problem) = await JsonBody.ReadAsync(request, options.Value.MaxBodyBytes);
            if (problem is not null)
            {
                return problem;
            }

            using (document)
            {
                var root = document!.RootElement;
                if (root.ValueKind == JsonValueKind.Object)
                {
                    username = root.TryGetProperty("username", out var u) && u.ValueKind == JsonValueKind.String ? u.GetString() : null;
                    password = root.TryGetProperty("password", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;
                }
            }
        }

        if (string.IsNullOrEmpty(username) || string.IsNullOrEmpty(password))
        {
            return Problems.Problems.Validation(new Dictionary<string, string[]>
            {
                ["username"] = string.IsNullOrEmpty(username) ? ["is required"] : [],
                ["password"] = string.IsNullOrEmpty(password) ? ["is required"] : [],
            }.Where(e => e.Value.Length > 0).ToDictionary(), "Send username and password as a form or JSON.");
        }

        if (users.Verify(username, password) is not { } user)
        {
            return Problems.Problems.Problem(StatusCodes.Status401Unauthorized, "unauthorized", "Incorrect username or password",
                "The user name or password is wrong.");
        }

        var (token, expiresIn) = issuer.Issue(user);
        return TypedResults.Ok(new TokenResponse(token, "bearer", expiresIn));
    }
}
