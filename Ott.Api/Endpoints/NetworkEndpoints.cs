using Microsoft.AspNetCore.Http.HttpResults;
using Ott.Api.Events.Validation;
using Ott.Api.Security;
using Ott.Grains.Interfaces;

namespace Ott.Api.Endpoints;

/// <summary>The fraud-ring graph for analysts (docs/scoring.md, "Fraud rings").</summary>
public static class NetworkEndpoints
{
    private static readonly string[] Kinds = ["device", "ip", "payment", "mixed"];

    public static RouteGroupBuilder MapNetworkApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/network").WithTags("Network");
        group.MapGet("/fraud-rings", RingsAsync).WithName("ListFraudRings")
            .WithSummary("Fraud rings: members, shared identifiers, risk, first seen").WithMetadata(new AuditedAttribute());
        group.MapGet("/users/{user_id}", UserAsync).WithName("GetUserNetwork")
            .WithSummary("A user's ring, neighbours, network risk and the identifiers that tie them").WithMetadata(new AuditedAttribute());
        group.MapGet("/path", PathAsync).WithName("GetNetworkPath")
            .WithSummary("The shortest chain of shared identifiers between two users").WithMetadata(new AuditedAttribute());
        group.MapGet("/stats", (IGrainFactory grains) => grains.GetGrain<INetworkGrain>(0).GetStatsAsync()).WithName("GetNetworkStats")
            .WithSummary("Users, identifiers, links, hubs and rings in the graph");
        return group;
    }

    private static async Task<Results<Ok<IReadOnlyList<RingView>>, ProblemHttpResult>> RingsAsync(int? min_size, string? kind, IGrainFactory grains)
    {
        if (min_size is < 2 or > 1_000_000)
        {
            return Problems.Problems.Validation(new Dictionary<string, string[]> { ["min_size"] = ["must be between 2 and 1000000"] }, "Invalid query.");
        }

        if (kind is not null && !Kinds.Contains(kind))
        {
            return Problems.Problems.Validation(new Dictionary<string, string[]> { ["kind"] = [$"must be one of {string.Join(", ", Kinds)}"] }, "Invalid query.");
        }

        return TypedResults.Ok(await grains.GetGrain<INetworkGrain>(0).GetRingsAsync(min_size ?? 0, kind));
    }

    private static async Task<Results<Ok<UserNetworkInfo>, ProblemHttpResult>> UserAsync(string user_id, IGrainFactory grains)
    {
        if (!Identifiers.IsIdentifier(user_id))
        {
            return Problems.Problems.Problem(StatusCodes.Status400BadRequest, "bad-request", "Invalid identifier", "user_id is not a valid identifier.");
        }

        return await grains.GetGrain<INetworkGrain>(0).GetUserAsync(user_id) is { } view
            ? TypedResults.Ok(view)
            : Problems.Problems.NotFound("user in the network graph", user_id);
    }

    private static async Task<Results<Ok<IReadOnlyList<PathStep>>, ProblemHttpResult>> PathAsync(string? from, string? to, IGrainFactory grains)
    {
        var errors = new Dictionary<string, string[]>();
        if (from is null || !Identifiers.IsIdentifier(from))
        {
            errors["from"] = ["a user id is required"];
        }

        if (to is null || !Identifiers.IsIdentifier(to))
        {
            errors["to"] = ["a user id is required"];
        }

        if (errors.Count > 0)
        {
            return Problems.Problems.Validation(errors, "Invalid query.");
        }

        var path = await grains.GetGrain<INetworkGrain>(0).GetPathAsync(from!, to!);
        return path.Count > 0 ? TypedResults.Ok(path) : Problems.Problems.NotFound("path between the users", $"{from} -> {to}");
    }
}
