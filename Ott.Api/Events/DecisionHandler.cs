using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Ott.Api.Hosting;
using Ott.Grains.Interfaces;
using Ott.Grains.Logs;
using Ott.Hosting;

namespace Ott.Api.Events;

/// <summary>
/// Inline decisions (<c>/api/v1/decisions</c>): reads and validates like ingest, then asks the ingest grain to log the
/// events and have their users' grains assess them now (<see cref="IIngestGrain.DecideAsync"/>). What is not decided
/// within <see cref="ApiOptions.DecisionBudget"/> is answered 202 with a Location: never a made-up decision.
/// </summary>
public sealed class DecisionHandler(
    IGrainFactory grains, GatewayFailover failover, IEventLog events, IAssessmentLog assessments, IOptions<ApiOptions> options, IngestHandler ingest)
{
    public const string Route = "/api/v1/decisions";

    public async Task<IResult> SingleAsync(HttpRequest request)
    {
        var (validation, problem) = await ingest.ReadEventAsync(request);
        if (problem is not null)
        {
            return problem;
        }

        var decision = (await DecideAsync([validation.Event!]))[0];
        return decision switch
        {
            { Status: IngestStatus.Overloaded } => ingest.Overloaded(request.HttpContext),
            { Status: IngestStatus.Unavailable } => ingest.Unavailable(request.HttpContext),
            { Error: { } error } => Failed(error),
            { Assessment: { } assessment } => TypedResults.Ok(assessment),
            _ => Queued(validation.EventId!),
        };
    }

    public async Task<IResult> BatchAsync(HttpRequest request)
    {
        var (valid, indexes, rejected, problem) = await ingest.ReadBatchAsync(request, options.Value.MaxDecisionBatchSize);
        if (problem is not null)
        {
            return problem;
        }

        if (valid.Count == 0)
        {
            return TypedResults.Ok(new DecisionBatch([], rejected));
        }

        var decisions = await DecideAsync(valid);
        if (decisions.Any(d => d.Status == IngestStatus.Overloaded))
        {
            return ingest.Overloaded(request.HttpContext);
        }

        if (decisions.Any(d => d.Status == IngestStatus.Unavailable))
        {
            return ingest.Unavailable(request.HttpContext);
        }

        var items = decisions.Select((d, i) => d.Assessment is { } a
            ? new DecisionItem(indexes[i], valid[i].EventId, "decided", a, null)
            : new DecisionItem(indexes[i], valid[i].EventId, d.Error is null ? "queued" : "failed", null, LocationOf(valid[i].EventId))).ToList();
        var batch = new DecisionBatch(items, rejected);
        return items.All(i => i.Assessment is not null) ? TypedResults.Ok(batch) : TypedResults.Accepted((string?)null, batch);
    }

    /// <summary>A decision later: 200 with the assessment, 202 while the event is still owed one, 404 when unknown.</summary>
    public async Task<IResult> GetAsync(string eventId)
    {
        if (await assessments.GetAsync(eventId) is { } assessment)
        {
            return TypedResults.Ok(assessment);
        }

        return await events.GetStateAsync(eventId) switch
        {
            LoggedEventState.Pending => Queued(eventId),
            LoggedEventState.Failed => Failed($"Assessing event '{eventId}' failed; it is marked failed in the event log."),
            _ => Problems.Problems.NotFound("decision", eventId),
        };
    }

    private Task<Decision[]> DecideAsync(IReadOnlyList<OttEvent> valid) =>
        failover.RunAsync(() => grains.GetGrain<IIngestGrain>(0).DecideAsync(valid, options.Value.DecisionBudget), "decide");

    private static string LocationOf(string eventId) => $"{Route}/{Uri.EscapeDataString(eventId)}";

    private static Accepted<DecisionQueued> Queued(string eventId) =>
        TypedResults.Accepted(LocationOf(eventId), new DecisionQueued("queued", eventId, LocationOf(eventId)));

    private static ProblemHttpResult Failed(string detail) =>
        Problems.Problems.Problem(StatusCodes.Status500InternalServerError, "assessment-failed", "The assessment failed", detail);
}
