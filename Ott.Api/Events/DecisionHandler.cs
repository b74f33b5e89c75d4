using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Ott.Api.Hosting;
using Ott.Api.Security;
using Ott.Grains.Interfaces;
using Ott.Grains.Logs;

namespace Ott.Api.Events;

/// <summary>
/// Inline decisions (<c>/api/v1/decisions</c>): reads and validates like ingest, then asks the ingest grain to log the
/// events and have their users' grains assess them now (<see cref="IIngestGrain.DecideAsync"/>). What is not decided
/// within <see cref="ApiOptions.DecisionBudget"/> is answered 202 with a Location: never a made-up decision.
/// </summary>
public sealed class DecisionHandler(
    IGrainFactory grains, IEventLog events, IAssessmentLog assessments, TimeProvider time, IOptions<ApiOptions> options,
    SecurityRecorder security, IngestHandler ingest)
{
    public const string Route = "/api/v1/decisions";

    public async Task<IResult> SingleAsync(HttpRequest request)
    {
        var (document, problem) = await JsonBody.ReadAsync(request, options.Value.MaxBodyBytes);
        if (problem is not null)
        {
            security.Rejected(IngestHandler.RejectionReason(problem));
            return problem;
        }

        using (document)
        {
            var validation = new EventValidator(time).Validate(document!.RootElement);
            if (!validation.IsValid)
            {
                return await ingest.RejectAsync(request.HttpContext, validation);
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
    }

    public async Task<IResult> BatchAsync(HttpRequest request)
    {
        var (document, problem) = await JsonBody.ReadAsync(request, options.Value.MaxBodyBytes);
        if (problem is not null)
        {
            security.Rejected(IngestHandler.RejectionReason(problem));
            return problem;
        }

        using (document)
        {
            var root = document!.RootElement;
            if (root.ValueKind != JsonValueKind.Array)
            {
                return Problems.Problems.BadRequest("The body must be a JSON array of events.");
            }

            var count = root.GetArrayLength();
            if (count == 0 || count > options.Value.MaxDecisionBatchSize)
            {
                return Problems.Problems.Validation(
                    new Dictionary<string, string[]> { [""] = [$"a decision batch holds 1-{options.Value.MaxDecisionBatchSize} events (got {count})"] },
                    "The batch was rejected; nothing was logged.");
            }

            var (valid, indexes, rejected) = await ingest.ValidateBatchAsync(request.HttpContext, root);
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
        grains.GetGrain<IIngestGrain>(0).DecideAsync(valid, options.Value.DecisionBudget);

    private static string LocationOf(string eventId) => $"{Route}/{Uri.EscapeDataString(eventId)}";

    private static Accepted<DecisionQueued> Queued(string eventId) =>
        TypedResults.Accepted(LocationOf(eventId), new DecisionQueued("queued", eventId, LocationOf(eventId)));

    private static ProblemHttpResult Failed(string detail) =>
        Problems.Problems.Problem(StatusCodes.Status500InternalServerError, "assessment-failed", "The assessment failed", detail);
}
