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
        var group = app.MapGroup("/api/v1").WithTags("Policies");
        group.MapGet("/policies", ListAsync).WithName("ListPolicies")
            .WithSummary("Every policy version, newest first, with its status (draft, active, retired) and last activation");
        group.MapGet("/policies/schema", () => Results.Text(PolicySchema.Json, "application/schema+json")).WithName("GetPolicySchema")
            .WithSummary("The JSON Schema of a policy document");
        group.MapGet("/policies/active", GetActiveAsync).WithName("GetActivePolicy").WithSummary("The live version with its document");
        group.MapGet("/policies/{version:int}", GetAsync).WithName("GetPolicy").WithSummary("One version with its full document");
        group.MapGet("/policies/{from:int}/diff/{to:int}", DiffAsync).WithName("DiffPolicies")
            .WithSummary("What changed from one version to another, field by field (rules matched by id)");
        group.MapGet("/policies/activations", (IGrainFactory grains) => grains.GetGrain<IPolicyRegistryGrain>(0).GetActivationsAsync())
            .WithName("ListPolicyActivations").WithSummary("Every activation, newest first: version, the one it replaced, who, when");
        group.MapPost("/policies", CreateAsync).WithName("CreatePolicy")
            .WithSummary("Store a draft version (fields left out are taken from based_on, default the active version)")
            .WithDescription("201 with the stored version; 400 naming each refused field by its JSON path and the reason.")
            .Accepts<JsonElement>("application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .RequireAuthorization(Security.Policies.Admin)
            .WithMetadata(new AuditedAttribute());
        group.MapPost("/policies/{version:int}/activate", ActivateAsync).WithName("ActivatePolicy")
            .WithSummary("Make a version live on every silo (within Ott:Policies:Refresh, 1 s by default); an older version is a rollback")
            .RequireAuthorization(Security.Policies.Admin)
            .WithMetadata(new AuditedAttribute());
        group.MapPost("/policies/{version:int}/shadow", StartShadowAsync).WithName("StartShadow")
            .WithSummary("Run a version in shadow beside the live one on new events (replaces any other shadow); every silo within a second")
            .RequireAuthorization(Security.Policies.Admin)
            .WithMetadata(new AuditedAttribute());
        group.MapDelete("/policies/shadow", StopShadowAsync).WithName("StopShadow")
            .WithSummary("Stop the shadow run")
            .RequireAuthorization(Security.Policies.Admin)
            .WithMetadata(new AuditedAttribute());
        group.MapGet("/policies/shadow", GetShadowAsync).WithName("GetShadow")
            .WithSummary("The shadow run and its comparison with the live version, from live aggregates");
        group.MapPost("/policies/{version:int}/backtests", StartBacktestAsync).WithName("StartBacktest")
            .WithSummary("Replay a period's logged events under this version and the live one, off the live path; 202 with a Location to follow it")
            .WithDescription("Body {from, to, users?, outcome_sources?}: event-time period [from, to), at most Ott:Backtest:MaxPeriod; up to " +
                             "1,000 users (default all); outcome sources analyst and/or simulation (default both).")
            .Produces<BacktestView>(StatusCodes.Status202Accepted)
            .WithMetadata(new AuditedAttribute());
        group.MapGet("/backtests", (IGrainFactory grains) => grains.GetGrain<IPolicyRegistryGrain>(0).ListBacktestsAsync())
            .WithName("ListBacktests").WithSummary("Backtests, newest first (id, versions, period, who, when)");
        group.MapGet("/backtests/{backtest_id}", GetBacktestAsync).WithName("GetBacktest")
            .WithSummary("A backtest: progress while it runs, the report once completed; format=json|html|csv")
            .WithMetadata(new AuditedAttribute());
        return group;
    }

    private static async Task<Results<Ok<PolicyPointer>, ProblemHttpResult>> StartShadowAsync(int version, HttpContext http, IGrainFactory grains)
    {
        var registry = grains.GetGrain<IPolicyRegistryGrain>(0);
        if (await registry.GetActiveVersionAsync() == version)
        {
            return Problems.Problems.Validation(new Dictionary<string, string[]> { ["version"] = [$"{version} is the live version; shadow another one"] },
                "No shadow was started.");
        }

        return await registry.StartShadowAsync(version, http.User.Identity?.Name ?? "anonymous") is { } pointer
            ? TypedResults.Ok(pointer)
            : Problems.Problems.NotFound("policy version", version.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    private static async Task<Ok<PolicyPointer>> StopShadowAsync(HttpContext http, IGrainFactory grains) =>
        TypedResults.Ok(await grains.GetGrain<IPolicyRegistryGrain>(0).StopShadowAsync(http.User.Identity?.Name ?? "anonymous"));

    private static async Task<Ok<ShadowView>> GetShadowAsync(IGrainFactory grains)
    {
        var pointer = await grains.GetGrain<IPolicyRegistryGrain>(0).GetPointerAsync();
        var report = pointer is { Shadow: { } shadow, Active: { } live }
            ? await grains.GetGrain<IShadowStatsGrain>(Grains.Policies.ShadowBatcher.Key(shadow, live)).GetAsync()
            : null;
        return TypedResults.Ok(new ShadowView(pointer.Shadow, pointer.Active, pointer.ShadowSince, pointer.ShadowBy, report));
    }

    /// <summary>Body of <c>POST /api/v1/policies/{version}/backtests</c>.</summary>
    public sealed record BacktestBody(DateTimeOffset? From, DateTimeOffset? To, IReadOnlyList<string>? Users, IReadOnlyList<string>? OutcomeSources);

    private static async Task<Results<Accepted<BacktestView>, ProblemHttpResult>> StartBacktestAsync(
        int version, BacktestBody body, HttpContext http, IGrainFactory grains, TimeProvider time,
        Microsoft.Extensions.Options.IOptions<BacktestOptions> options)
    {
        var errors = new Dictionary<string, string[]>();
        if (body.From is null || body.To is null)
        {
            errors[body.From is null ? "from" : "to"] = ["is required (ISO 8601 time)"];
        }
        else if (body.From >= body.To)
        {
            errors["to"] = ["must be after from"];
        }
        else if (body.To - body.From > options.Value.MaxPeriod)
        {
            errors["to"] = [$"the period is longer than Ott:Backtest:MaxPeriod ({options.Value.MaxPeriod.TotalDays:0.##} days)"];
        }

        if (body.Users is { } users && (users.Count > 1_000 || users.Any(u => !Events.Validation.Identifiers.IsIdentifier(u))))
        {
            errors["users"] = ["at most 1,000 user ids, each following the identifier rule"];
        }

        var sources = body.OutcomeSources ?? Grains.Logs.OutcomeSources.All;
        if (sources.Count == 0 || sources.Any(s => !Grains.Logs.OutcomeSources.All.Contains(s)))
        {
            errors["outcome_sources"] = [$"one or more of {string.Join(", ", Grains.Logs.OutcomeSources.All)}"];
        }

        if (errors.Count > 0)
        {
            return Problems.Problems.Validation(errors, "No backtest was started.");
        }

        if (await grains.GetGrain<IPolicyRegistryGrain>(0).GetAsync(version) is null)
        {
            return Problems.Problems.NotFound("policy version", version.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        var id = $"bt-{time.GetUtcNow():yyyyMMddHHmmss}-{Guid.NewGuid():N}"[..26];
        // Arrays, not collection expressions: the request crosses a grain call.
        var request = new BacktestRequest(version, body.From!.Value, body.To!.Value, body.Users is { Count: > 0 } u ? u.Distinct(StringComparer.Ordinal).ToArray() : null,
            sources.Distinct(StringComparer.Ordinal).ToArray(), http.User.Identity?.Name ?? "anonymous");
        var view = await grains.GetGrain<IBacktestGrain>(id).StartAsync(request);
        return TypedResults.Accepted($"/api/v1/backtests/{id}", view);
    }

    private static async Task<IResult> GetBacktestAsync(string backtest_id, string? format, IGrainFactory grains, TimeProvider time)
    {
        var form = (format ?? "json").ToLowerInvariant();
        if (form is not ("json" or "html" or "csv"))
        {
            return Problems.Problems.Validation(new Dictionary<string, string[]> { ["format"] = ["must be json, html or csv"] }, "Invalid query.");
        }

        if (!Events.Validation.Identifiers.IsIdentifier(backtest_id) || await grains.GetGrain<IBacktestGrain>(backtest_id).GetAsync() is not { } view)
        {
            return Problems.Problems.NotFound("backtest", backtest_id);
        }

        return form switch
        {
            "html" => TypedResults.Text(Reports.ReportRenderer.Html(Reports.BacktestReportBuilder.For(view, time.GetUtcNow())), "text/html; charset=utf-8", System.Text.Encoding.UTF8),
            "csv" => TypedResults.File(System.Text.Encoding.UTF8.GetBytes(Reports.ReportRenderer.Csv(Reports.BacktestReportBuilder.For(view, time.GetUtcNow()))),
                "text/csv; charset=utf-8", view.Id + ".csv"),
            _ => TypedResults.Ok(view),
        };
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

/// <summary><c>GET /api/v1/policies/shadow</c>: the shadow version (null when none runs) and its comparison with the live one.</summary>
public sealed record ShadowView(int? Shadow, int? Live, DateTimeOffset? Since, string? StartedBy, ShadowReport? Report);

/// <summary><c>GET /api/v1/policies/{from}/diff/{to}</c>.</summary>
public sealed record PolicyDiffView(int From, int To, IReadOnlyList<PolicyChange> Changes);
