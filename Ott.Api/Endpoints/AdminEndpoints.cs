using Microsoft.AspNetCore.Http.HttpResults;
using Ott.Api.Events.Validation;
using Ott.Api.Security;
using Ott.Grains.Interfaces;
using Ott.Grains.Logs;

namespace Ott.Api.Endpoints;

/// <summary>Admin routes: erasure and the audit trail (no route can edit or delete audit records).</summary>
public static class AdminEndpoints
{
    public const int MaxAuditLimit = 1_000;

    public static RouteGroupBuilder MapAdminApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1").WithTags("Admin");
        group.MapDelete("/users/{user_id}", EraseUserAsync).WithName("EraseUser")
            .WithSummary("Erase a user: grain state, events, assessments, device links; completes open requests; audited")
            .WithMetadata(new AuditedAttribute());
        group.MapGet("/models", (IGrainFactory grains) => grains.GetGrain<IModelGrain>(0).GetInfoAsync()).WithName("GetModels")
            .WithSummary("Model versions, sample and label counts, training time, last quality figures");
        group.MapPost("/models/retrain", (IGrainFactory grains, HttpContext http) =>
                grains.GetGrain<IModelGrain>(0).RetrainAsync($"requested by {http.User.Identity?.Name}"))
            .WithName("RetrainModels").WithSummary("Train the anomaly ensemble and the violation model now, and measure them");
        group.MapGet("/cluster", GetClusterAsync).WithName("GetCluster")
            .WithSummary("The silos in the membership (address, name, status, start time) and the grain activations each hosts");
        group.MapGet("/audit", QueryAuditAsync).WithName("QueryAudit").WithSummary("The audit trail, newest first")
            .WithMetadata(new AuditedAttribute());
        return group;
    }

    private static async Task<Ok<ClusterView>> GetClusterAsync(IGrainFactory grains)
    {
        var management = grains.GetGrain<IManagementGrain>(0);
        var hosts = await management.GetDetailedHosts(onlyActive: false);
        var statistics = await management.GetSimpleGrainStatistics();
        var activations = statistics.GroupBy(s => s.SiloAddress).ToDictionary(g => g.Key, g => g.Sum(s => (long)s.ActivationCount));
        var silos = hosts
            .OrderBy(h => h.StartTime)
            .Select(h => new SiloView(h.SiloAddress.ToParsableString(), h.SiloName, h.Status.ToString(), h.StartTime,
                activations.GetValueOrDefault(h.SiloAddress)))
            .ToList();
        return TypedResults.Ok(new ClusterView(silos.Count(s => s.Status == "Active"), silos));
    }

    private static async Task<Results<Ok<ErasureReport>, ProblemHttpResult>> EraseUserAsync(string user_id, IGrainFactory grains)
    {
        if (!Identifiers.IsIdentifier(user_id))
        {
            return Problems.Problems.Problem(StatusCodes.Status400BadRequest, "bad-request", "Invalid identifier",
                $"user_id must be {Identifiers.Rule}");
        }

        return await grains.GetGrain<IUserGrain>(user_id).EraseAsync() is { } report
            ? TypedResults.Ok(report)
            : Problems.Problems.NotFound("user", user_id);
    }

    private static async Task<Results<Ok<IReadOnlyList<AuditRecord>>, ProblemHttpResult>> QueryAuditAsync(
        string? actor, string? target, DateTimeOffset? since, int? limit, IAuditLog audit)
    {
        if (limit is < 1 or > MaxAuditLimit)
        {
            return Problems.Problems.Validation(
                new Dictionary<string, string[]> { ["limit"] = [$"must be between 1 and {MaxAuditLimit}"] }, "Invalid query.");
        }

        return TypedResults.Ok(await audit.QueryAsync(actor, target, since, limit ?? 100));
    }
}

/// <summary>One silo of <c>GET /api/v1/cluster</c>.</summary>
public sealed record SiloView(string Address, string Name, string Status, DateTime StartedAt, long Activations);

/// <summary><c>GET /api/v1/cluster</c>: active silo count and every silo the membership knows.</summary>
public sealed record ClusterView(int Active, IReadOnlyList<SiloView> Silos);
