using System.Net;
using System.Text;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Ott.Tests.Api.Security;

/// <summary>Every route, with every role, no token, an expired token and a wrong signature: the exact status.</summary>
public class RouteRoleMatrixTests
{
    private enum Access { Public, Ingest, Analyst, Admin }

    private static readonly string[] Callers = ["none", "ingest", "analyst", "admin", "expired", "wrong-signature"];

    /// <summary>Who may call what (docs/api.md, "Routes and roles"). A route missing from here fails the test: classify new routes.</summary>
    private static Access Classify(string method, string route) => (method, route) switch
    {
        (_, "/token" or "/health/live" or "/health/ready" or "/metrics" or "/openapi/{documentName}.json" or "/") => Access.Public,
        (_, _) when route.StartsWith("/scalar", StringComparison.Ordinal) => Access.Public,
        (_, "/events" or "/events/batch" or "/bench/noop/events" or "/bench/noop/events/batch" or "/bench/process") => Access.Ingest,
        (_, "/api/v1/decisions" or "/api/v1/decisions/batch" or "/api/v1/decisions/{event_id}") => Access.Ingest,
        ("GET", "/api/v1/audit") or ("DELETE", "/api/v1/users/{user_id}") or ("GET", "/api/v1/models") or ("POST", "/api/v1/models/retrain")
            or ("POST", "/api/v1/simulations") or ("GET", "/api/v1/cluster")
            or ("POST", "/api/v1/policies") or ("POST", "/api/v1/policies/{version:int}/activate")
            or ("POST", "/api/v1/policies/{version:int}/shadow") or ("DELETE", "/api/v1/policies/shadow") => Access.Admin,
        (_, _) when route == "/dashboard" || route.StartsWith("/dashboard/", StringComparison.Ordinal) => Access.Admin,
        (_, _) when route.StartsWith("/api/v1/", StringComparison.Ordinal) => Access.Analyst,
        (_, "/stats/summary" or "/results/latest" or "/compliance/summary" or "/process/drain") => Access.Analyst,
        _ => throw new InvalidOperationException($"route {method} {route} is not classified in the matrix"),
    };

    private static List<(string Method, string Route)> Routes(ApiFactory factory) =>
        factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(m => (m, "/" + e.RoutePattern.RawText!.Trim('/'))))
            .Distinct()
            .ToList();

    private static async Task<HttpStatusCode> CallAsync(ApiFactory factory, string caller, string method, string route)
    {
        var client = caller switch
        {
            "none" => factory.CreateClient(),
            "expired" => factory.WithToken(SecurityHosts.Forge("admin", TimeSpan.FromMinutes(-5))),
            "wrong-signature" => factory.WithToken(SecurityHosts.Forge("admin", TimeSpan.FromMinutes(30), key: "another-key-another-key-another-key-1234")),
            _ => await factory.ClientForAsync(caller),
        };
        var path = route.Replace("{documentName}", "v1", StringComparison.Ordinal)
            .Replace("{user_id}", "matrix-user", StringComparison.Ordinal)
            .Replace("{event_id}", "matrix-event", StringComparison.Ordinal)
            .Replace("{device_id}", "matrix-device", StringComparison.Ordinal)
            .Replace("{code}", "GDPR", StringComparison.Ordinal)
            .Replace("{request_id}", "matrix-request", StringComparison.Ordinal)
            .Replace("{incident_id}", "matrix-incident", StringComparison.Ordinal)
            .Replace("{page:int}", "1", StringComparison.Ordinal)
            // Policy versions that do not exist: an allowed caller gets 404 and nothing is activated.
            .Replace("{version:int}", "999999", StringComparison.Ordinal)
            .Replace("{from:int}", "999999", StringComparison.Ordinal)
            .Replace("{to:int}", "999999", StringComparison.Ordinal);
        if (path == "/dashboard")
        {
            // The Orleans Dashboard's root answers a redirect to "/dashboard/", which HttpClient follows without the token.
            path = "/dashboard/";
        }

        path = System.Text.RegularExpressions.Regex.Replace(path, @"\{[^}]+\}", "x");
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method is "POST" or "PUT")
        {
            // Bodies that pass authorization but change nothing shared (a simulation with 0 users is a 422).
            var body = path switch
            {
                "/token" => "{\"username\":\"admin\",\"password\":\"admin123\"}",
                "/api/v1/simulations" => "{\"users\":0}",
                "/api/v1/policies" => "{\"rules\":5}",
                _ => "{}",
            };
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        return response.StatusCode;
    }

    private static void Expect(Access access, string caller, bool anonymousIngest, HttpStatusCode status, string what)
    {
        var badToken = caller is "expired" or "wrong-signature";
        var allowed = access switch
        {
            Access.Public => true,
            Access.Ingest => caller is "ingest" or "admin" || (caller == "none" && anonymousIngest),
            Access.Analyst => caller is "analyst" or "admin",
            _ => caller is "admin",
        };

        if (allowed)
        {
            Assert.That(status, Is.Not.EqualTo(HttpStatusCode.Unauthorized).And.Not.EqualTo(HttpStatusCode.Forbidden), what);
        }
        else if (caller == "none" || badToken)
        {
            Assert.That(status, Is.EqualTo(HttpStatusCode.Unauthorized), what);
        }
        else
        {
            Assert.That(status, Is.EqualTo(HttpStatusCode.Forbidden), what);
        }
    }

    [Test]
    public Task EveryRoute_AnswersEveryCallerExactly_AnonymousIngestAllowed() => RunMatrixAsync(ApiFixture.Factory, anonymousIngest: true);

    [Test]
    public async Task EveryRoute_AnswersEveryCallerExactly_AnonymousIngestRefused()
    {
        await using var factory = new ApiFactory(new Dictionary<string, string?> { ["Ott:Security:AllowAnonymousIngest"] = "false" });
        await RunMatrixAsync(factory, anonymousIngest: false);
    }

    private static async Task RunMatrixAsync(ApiFactory factory, bool anonymousIngest)
    {
        var routes = Routes(factory);
        Assert.That(routes, Has.Count.GreaterThan(25), "the endpoint list was read");

        Assert.Multiple(async () =>
        {
            foreach (var (method, route) in routes)
            {
                var access = Classify(method, route);
                foreach (var caller in Callers)
                {
                    var status = await CallAsync(factory, caller, method, route);
                    Expect(access, caller, anonymousIngest, status, $"{method} {route} as {caller}: {(int)status}");
                }
            }
        });
    }
}
