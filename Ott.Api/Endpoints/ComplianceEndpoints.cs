using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Ott.Api.Events;
using Ott.Api.Events.Validation;
using Ott.Api.Hosting;
using Ott.Api.Security;
using Ott.Grains.Compliance;
using Ott.Grains.Interfaces;

namespace Ott.Api.Endpoints;

/// <summary>One law in the list of <c>GET /api/v1/regulations</c>.</summary>
public sealed record RegulationSummary(
    string Code, string Name, IReadOnlyList<string> Jurisdictions, bool Confirmed, string ConsentModel,
    int? ChildAge, double? BreachNoticeHours, string BreachDeadline, string MaxFine, bool TransferRestricted);

/// <summary><c>GET /api/v1/regulations</c>: the pack's version and its laws.</summary>
public sealed record RegulationList(string PackVersion, DateOnly Published, IReadOnlyList<RegulationSummary> Regulations);

/// <summary><c>GET /api/v1/regulations/PIPL/transfers</c>: every route of a year.</summary>
public sealed record PiplTransfers(int Year, IReadOnlyList<PiplRouteView> Routes);

/// <summary>Body of <c>POST /api/v1/incidents</c>.</summary>
public sealed record IncidentRequest(string? Reason, IReadOnlyList<string>? UserIds, IReadOnlyList<string>? Regions);

/// <summary>Body of <c>POST /api/v1/incidents/{id}/notified</c>.</summary>
public sealed record NotifiedRequest(string? Regulation);

/// <summary>Regulations, compliance check, data-subject requests and breach incidents (docs/regulations.md).</summary>
public static class ComplianceEndpoints
{
    public static RouteGroupBuilder MapComplianceApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1").WithTags("Compliance");

        group.MapGet("/regulations", ListRegulations).WithName("ListRegulations").WithSummary("The laws of the regulation pack");
        group.MapGet("/regulations/PIPL/transfers", GetPiplTransfersAsync).WithName("GetPiplTransfers")
            .WithSummary("Distinct persons whose data left China, per route, against the PIPL thresholds");
        group.MapGet("/regulations/{code}", GetRegulation).WithName("GetRegulation").WithSummary("One law's pack entry, with its sources");
        group.MapPost("/compliance/check", CheckAsync).WithName("CheckCompliance")
            .WithSummary("Judge an event without ingesting it (same validation as ingest)")
            .Accepts<EventRequest>("application/json");

        group.MapGet("/requests", ListRequestsAsync).WithName("ListRequests").WithMetadata(new AuditedAttribute()).WithSummary("Data-subject requests with their deadlines");
        group.MapPost("/requests/{request_id}/complete", CompleteRequestAsync).WithName("CompleteRequest").WithMetadata(new AuditedAttribute()).WithSummary("Close a data-subject request");

        group.MapGet("/incidents", ListIncidentsAsync).WithName("ListIncidents").WithMetadata(new AuditedAttribute()).WithSummary("Breach incidents, soonest notice deadline first");
        group.MapPost("/incidents", OpenIncidentAsync).WithName("OpenIncident").WithMetadata(new AuditedAttribute()).WithSummary("Open a breach incident for users or regions");
        group.MapPost("/incidents/{incident_id}/notified", MarkNotifiedAsync).WithName("MarkIncidentNotified").WithMetadata(new AuditedAttribute())
            .WithSummary("Record that the notice under one law was sent");
        return group;
    }

    private static Ok<RegulationList> ListRegulations(RegulationPack pack) =>
        TypedResults.Ok(new RegulationList(pack.Version, pack.Published, pack.Regulations.Select(r => new RegulationSummary(
            r.Code, r.Name, r.Jurisdictions, r.Confirmed, r.Consent.Model, r.Children?.Age, r.Breach.NoticeHours, r.Breach.Deadline,
            r.MaxFine.Text, r.Transfer.Restricted)).ToList()));

    private static Results<Ok<Regulation>, ProblemHttpResult> GetRegulation(string code, RegulationPack pack) =>
        pack.Regulations.FirstOrDefault(r => string.Equals(r.Code, code, StringComparison.OrdinalIgnoreCase)) is { } regulation
            ? TypedResults.Ok(regulation)
            : Problems.Problems.NotFound("regulation", code);

    private static async Task<Results<Ok<PiplTransfers>, ProblemHttpResult>> GetPiplTransfersAsync(int? year, IGrainFactory grains, TimeProvider time)
    {
        var y = year ?? time.GetUtcNow().Year;
        if (y is < 2000 or > 2100)
        {
            return Problems.Problems.Validation(new Dictionary<string, string[]> { ["year"] = ["must be between 2000 and 2100"] }, "Invalid query.");
        }

        var routes = await grains.GetGrain<IPiplTransferIndexGrain>(y).GetRoutesAsync();
        var views = await Task.WhenAll(routes.Select(r => grains.GetGrain<IPiplTransferGrain>($"{y}:{r}").GetAsync()));
        return TypedResults.Ok(new PiplTransfers(y, views.OrderByDescending(v => v.Persons).ToList()));
    }

    private static async Task<IResult> CheckAsync(HttpRequest request, IGrainFactory grains, TimeProvider time, IOptions<ApiOptions> options, IngestHandler ingest)
    {
        var (document, problem) = await JsonBody.ReadAsync(request, options.Value.MaxBodyBytes);
        if (problem is not null)
        {
            return problem;
        }

        using (document)
        {
            var validation = new EventValidator(time).Validate(document!.RootElement);
            if (!validation.IsValid)
            {
                return await ingest.RejectAsync(request.HttpContext, validation);
            }

            return TypedResults.Ok(await grains.GetGrain<IComplianceCheckGrain>(0).CheckAsync(validation.Event!));
        }
    }

    private static async Task<Results<Ok<IReadOnlyList<DataSubjectRequestView>>, ProblemHttpResult>> ListRequestsAsync(string? status, IGrainFactory grains)
    {
        if (status is not (null or "open" or "overdue" or "completed"))
        {
            return Problems.Problems.Validation(new Dictionary<string, string[]> { ["status"] = ["must be open, overdue or completed"] }, "Invalid query.");
        }

        return TypedResults.Ok(await grains.GetGrain<IRequestRegistryGrain>(0).ListAsync(status));
    }

    private static async Task<Results<Ok<DataSubjectRequestView>, ProblemHttpResult>> CompleteRequestAsync(string request_id, IGrainFactory grains) =>
        await grains.GetGrain<IRequestRegistryGrain>(0).CompleteAsync(request_id) is { } view
            ? TypedResults.Ok(view)
            : Problems.Problems.NotFound("request", request_id);

    private static async Task<Ok<IReadOnlyList<Incident>>> ListIncidentsAsync(IGrainFactory grains) =>
        TypedResults.Ok(await grains.GetGrain<IIncidentRegistryGrain>(0).ListAsync());

    private static async Task<Results<Created<Incident>, ProblemHttpResult>> OpenIncidentAsync(IncidentRequest body, IGrainFactory grains)
    {
        var errors = new Dictionary<string, string[]>();
        var users = body.UserIds ?? [];
        var regions = new List<string>();
        if (users.Count == 0 && (body.Regions?.Count ?? 0) == 0)
        {
            errors[""] = ["name at least one affected user (user_ids) or region (regions)"];
        }

        if (users.Any(u => !Identifiers.IsIdentifier(u)))
        {
            errors["user_ids"] = [$"each user id must be {Identifiers.Rule}"];
        }

        foreach (var region in body.Regions ?? [])
        {
            if (Ott.Grains.Geo.RegionCodes.Normalize(region, out var error) is { } normalized)
            {
                regions.Add(normalized);
            }
            else
            {
                errors["regions"] = [error!];
            }
        }

        if (string.IsNullOrWhiteSpace(body.Reason) || body.Reason.Length > 1000)
        {
            errors["reason"] = ["is required (at most 1000 characters)"];
        }

        if (errors.Count > 0)
        {
            return Problems.Problems.Validation(errors, "The incident was not opened.");
        }

        // A named user's jurisdiction comes from the user's grain (their last region).
        foreach (var user in users)
        {
            if (await grains.GetGrain<IUserGrain>(user).GetRiskProfileAsync() is { } profile && !regions.Contains(profile.LastRegion))
            {
                regions.Add(profile.LastRegion);
            }
        }

        var incident = await grains.GetGrain<IIncidentRegistryGrain>(0).OpenAsync(new IncidentDraft("manual", body.Reason!, users, regions));
        return TypedResults.Created($"/api/v1/incidents/{incident.Id}", incident);
    }

    private static async Task<Results<Ok<Incident>, ProblemHttpResult>> MarkNotifiedAsync(string incident_id, NotifiedRequest body, IGrainFactory grains)
    {
        if (string.IsNullOrWhiteSpace(body.Regulation))
        {
            return Problems.Problems.Validation(new Dictionary<string, string[]> { ["regulation"] = ["is required"] }, "Nothing was recorded.");
        }

        return await grains.GetGrain<IIncidentRegistryGrain>(0).MarkNotifiedAsync(incident_id, body.Regulation) is { } incident
            ? TypedResults.Ok(incident)
            : Problems.Problems.NotFound("incident or regulation clock", $"{incident_id}/{body.Regulation}");
    }

}
