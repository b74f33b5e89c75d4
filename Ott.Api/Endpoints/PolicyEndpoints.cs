using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Ott.Api.Events;
using Ott.Api.Security;
using Ott.Grains.Interfaces;
using Ott.Grains.Policies;

namespace Ott.Api.Endpoints;

/// <summary>
/// Decision policies as versioned data (docs/policies.md): drafts, versions, diffs, the schema (analyst reads) and
/// creating and activating versions (admin, audited).
/// </summary>
public static class PolicyEndpoints
{
    /// <summary>Largest policy document accepted.</summary>
    public const int MaxBytes = 256 * 1024;

    public static RouteGroupBuilder MapPolicyApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/policies").WithTags("Policies");
        group.MapGet("", ListAsync).WithName("ListPolicies")
            .WithSummary("Every policy version, newest first, with its status (draft, active, retired) and last activation");
        group.MapGet("/schema", () => Results.Text(PolicySchema.Json, "application/schema+json")).WithName("GetPolicySchema")
            .WithSummary("The JSON Schema of a policy document");
        group.MapGet("/active", GetActiveAsync).WithName("GetActivePolicy").WithSummary("The live version with its document");
        group.MapGet("/{version:int}", GetAsync).WithName("GetPolicy").WithSummary("One version with its full document");
        group.MapGet("/{from:int}/diff/{to:int}", DiffAsync).WithName("DiffPolicies")
            .WithSummary("What changed from one version to another, field by field (rules matched by id)");
        group.MapGet("/activations", (IGrainFactory grains) => grains.GetGrain<IPolicyRegistryGrain>(0).GetActivationsAsync())
            .WithName("ListPolicyActivations").WithSummary("Every activation, newest first: version, the one it replaced, who, when");
        group.MapPost("", CreateAsync).WithName("CreatePolicy")
            .WithSummary("Store a draft version (fields left out are taken from based_on, default the active version)")
            .WithDescription("201 with the stored version; 400 naming each refused field by its JSON path and the reason.")
            .Accepts<JsonElement>("application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .RequireAuthorization(Security.Policies.Admin)
            .WithMetadata(new AuditedAttribute());
        group.MapPost("/{version:int}/activate", ActivateAsync).WithName("ActivatePolicy")
            .WithSummary("Make a version live on every silo (within Ott:Policies:Refresh, 1 s by default); an older version is a rollback")
            .RequireAuthorization(Security.Policies.Admin)
            .WithMetadata(new AuditedAttribute());
        return group;
    }

    private static async Task<Ok<PolicyList>> ListAsync(IGrainFactory grains)
    {
        var registry = grains.GetGrain<IPolicyRegistryGrain>(0);
        return TypedResults.Ok(new PolicyList(await registry.GetActiveVersionAsync(), await registry.ListAsync()));
    }

    private static async Task<Results<Ok<PolicyView>, ProblemHttpResult>> GetAsync(int version, IGrainFactory grains)
    {
        var registry = grains.GetGrain<IPolicyRegistryGrain>(0);
        return await registry.GetAsync(version) is { } stored
            ? TypedResults.Ok(await ViewAsync(registry, stored))
            : Problems.Problems.NotFound("policy version", version.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    private static async Task<Results<Ok<PolicyView>, ProblemHttpResult>> GetActiveAsync(IGrainFactory grains)
    {
        var registry = grains.GetGrain<IPolicyRegistryGrain>(0);
        return await registry.GetActiveAsync() is { } stored
            ? TypedResults.Ok(await ViewAsync(registry, stored))
            : Problems.Problems.Problem(StatusCodes.Status404NotFound, "not-found", "No active policy",
                "No silo has seeded the registry yet; it does so on start.");
    }

    private static async Task<Results<Ok<PolicyDiffView>, ProblemHttpResult>> DiffAsync(int from, int to, IGrainFactory grains)
    {
        var registry = grains.GetGrain<IPolicyRegistryGrain>(0);
        var a = await registry.GetAsync(from);
        var b = await registry.GetAsync(to);
        if (a is null || b is null)
        {
            return Problems.Problems.NotFound("policy version", (a is null ? from : to).ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        return TypedResults.Ok(new PolicyDiffView(from, to, PolicyDiff.Compare(a.Document, b.Document)));
    }

    private static async Task<Results<Created<PolicySummary>, ProblemHttpResult>> CreateAsync(HttpRequest request, IGrainFactory grains)
    {
        var (document, problem) = await JsonBody.ReadAsync(request, MaxBytes);
        if (problem is not null)
        {
            return problem;
        }

        using (document)
        {
            var actor = request.HttpContext.User.Identity?.Name ?? "anonymous";
            var result = await grains.GetGrain<IPolicyRegistryGrain>(0).CreateAsync(document!.RootElement.GetRawText(), actor);
            if (result.Created is not { } created)
            {
                var errors = result.Errors.GroupBy(e => e.Path).ToDictionary(g => g.Key, g => g.Select(e => e.Reason).ToArray());
                return Problems.Problems.Problem(StatusCodes.Status400BadRequest, "invalid-policy", "The policy is invalid",
                    string.Join("; ", result.Errors.Select(e => $"{e.Path}: {e.Reason}")), errors);
            }

            return TypedResults.Created($"/api/v1/policies/{created.Version}", created);
        }
    }

    private static async Task<Results<Ok<PolicyActivation>, ProblemHttpResult>> ActivateAsync(int version, HttpContext http, IGrainFactory grains)
    {
        var actor = http.User.Identity?.Name ?? "anonymous";
        return await grains.GetGrain<IPolicyRegistryGrain>(0).ActivateAsync(version, actor) is { } activation
            ? TypedResults.Ok(activation)
            : Problems.Problems.NotFound("policy version", version.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    private static async Task<PolicyView> ViewAsync(IPolicyRegistryGrain registry, PolicyVersion stored)
    {
        var summary = (await registry.ListAsync()).First(s => s.Version == stored.Version);
        using var json = JsonDocument.Parse(stored.Document);
        return new PolicyView(summary.Version, summary.Status, summary.Description, summary.BasedOn, summary.CreatedAt, summary.CreatedBy,
            summary.ActivatedAt, summary.ActivatedBy, json.RootElement.Clone());
    }
}

/// <summary><c>GET /api/v1/policies</c>: the live version and every version.</summary>
public sealed record PolicyList(int? Active, IReadOnlyList<PolicySummary> Versions);

/// <summary>One version with its document (the JSON a draft would be submitted as).</summary>
public sealed record PolicyView(
    int Version,
    PolicyStatus Status,
    string? Description,
    int? BasedOn,
    DateTimeOffset CreatedAt,
    string CreatedBy,
    DateTimeOffset? ActivatedAt,
    string? ActivatedBy,
    JsonElement Document);

/// <summary><c>GET /api/v1/policies/{from}/diff/{to}</c>.</summary>
public sealed record PolicyDiffView(int From, int To, IReadOnlyList<PolicyChange> Changes);
