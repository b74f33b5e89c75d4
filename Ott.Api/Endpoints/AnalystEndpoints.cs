using Microsoft.AspNetCore.Http.HttpResults;
using Ott.Api.Events.Validation;
using Ott.Api.Security;
using Ott.Grains.Geo;
using Ott.Grains.Interfaces;
using Ott.Grains.Logs;

namespace Ott.Api.Endpoints;

/// <summary>Analyst reads under <c>/api/v1</c>: users, assessments, devices and regions (docs/api.md).</summary>
public static class AnalystEndpoints
{
    public const int DefaultAssessmentLimit = 50;
    public const int MaxAssessmentLimit = 500;

    public static RouteGroupBuilder MapAnalystApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1").WithTags("Analyst");

        group.MapGet("/users/{user_id}/risk", GetUserRiskAsync)
            .WithName("GetUserRisk").WithMetadata(new AuditedAttribute()).WithSummary("A user's risk profile: threshold, rolling features, recent assessments, consent");
        group.MapGet("/users/{user_id}/assessments", GetUserAssessmentsAsync)
            .WithName("GetUserAssessments").WithMetadata(new AuditedAttribute()).WithSummary("A user's assessments, newest first");
        group.MapGet("/events/{event_id}/assessment", GetEventAssessmentAsync)
            .WithName("GetEventAssessment").WithMetadata(new AuditedAttribute()).WithSummary("The explained assessment of one event");
        group.MapGet("/devices/{device_id}", GetDeviceAsync)
            .WithName("GetDevice").WithMetadata(new AuditedAttribute()).WithSummary("Users and IPs seen on a device, and whether it is shared");
        group.MapGet("/regions/{code}", GetRegionAsync)
            .WithName("GetRegion").WithSummary("Counts of a region by event type, level and day");
        return group;
    }

    private static async Task<Results<Ok<UserRiskProfile>, ProblemHttpResult>> GetUserRiskAsync(string user_id, IGrainFactory grains)
    {
        if (!Identifiers.IsIdentifier(user_id))
        {
            return BadId("user_id");
        }

        var profile = await grains.GetGrain<IUserGrain>(user_id).GetRiskProfileAsync();
        return profile is null ? Problems.Problems.NotFound("user", user_id) : TypedResults.Ok(profile);
    }

    private static async Task<Results<Ok<IReadOnlyList<Assessment>>, ProblemHttpResult>> GetUserAssessmentsAsync(
        string user_id, int? limit, IAssessmentLog log, IGrainFactory grains)
    {
        if (!Identifiers.IsIdentifier(user_id))
        {
            return BadId("user_id");
        }

        if (limit is < 1 or > MaxAssessmentLimit)
        {
            return Problems.Problems.Validation(
                new Dictionary<string, string[]> { ["limit"] = [$"must be between 1 and {MaxAssessmentLimit}"] }, "Invalid query.");
        }

        var assessments = await log.GetByUserAsync(user_id, limit ?? DefaultAssessmentLimit);
        if (assessments.Count == 0 && await grains.GetGrain<IUserGrain>(user_id).GetRiskProfileAsync() is null)
        {
            return Problems.Problems.NotFound("user", user_id);
        }

        return TypedResults.Ok(assessments);
    }

    private static async Task<Results<Ok<Assessment>, ProblemHttpResult>> GetEventAssessmentAsync(string event_id, IAssessmentLog log)
    {
        if (!Identifiers.IsIdentifier(event_id))
        {
            return BadId("event_id");
        }

        var assessment = await log.GetAsync(event_id);
        return assessment is null ? Problems.Problems.NotFound("event assessment", event_id) : TypedResults.Ok(assessment);
    }

    private static async Task<Results<Ok<DeviceView>, ProblemHttpResult>> GetDeviceAsync(string device_id, IGrainFactory grains)
    {
        if (!Identifiers.IsIdentifier(device_id))
        {
            return BadId("device_id");
        }

        var view = await grains.GetGrain<IDeviceGrain>(device_id).GetAsync();
        return view is null ? Problems.Problems.NotFound("device", device_id) : TypedResults.Ok(view);
    }

    private static async Task<Results<Ok<RegionView>, ProblemHttpResult>> GetRegionAsync(string code, IGrainFactory grains)
    {
        var region = RegionCodes.Normalize(code, out var error);
        if (region is null)
        {
            return Problems.Problems.Problem(StatusCodes.Status400BadRequest, "bad-request", "Invalid region code", error!,
                new Dictionary<string, string[]> { ["code"] = [error!] });
        }

        var view = await grains.GetGrain<IRegionGrain>(region).GetAsync();
        return view is null ? Problems.Problems.NotFound("region", region) : TypedResults.Ok(view);
    }

    private static ProblemHttpResult BadId(string field) =>
        Problems.Problems.Problem(StatusCodes.Status400BadRequest, "bad-request", "Invalid identifier",
            $"{field} must be {Identifiers.Rule}",
            new Dictionary<string, string[]> { [field] = [$"may contain only {Identifiers.Characters} (1-{EventWire.MaxIdentifierLength} characters)"] });
}
