using Ott.Api.Events;
using Ott.Grains.Interfaces;

namespace Ott.Api.Endpoints;

/// <summary>
/// Inline decisions: <c>POST /api/v1/decisions</c> (one event), <c>POST /api/v1/decisions/batch</c> (up to 100) and
/// <c>GET /api/v1/decisions/{event_id}</c> (a queued decision, later). Role <c>ingest</c> (docs/api.md, "Decisions").
/// </summary>
public static class DecisionEndpoints
{
    public static RouteGroupBuilder MapDecisionApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/decisions").WithTags("Decisions");

        group.MapPost("", (HttpRequest request, DecisionHandler handler) => handler.SingleAsync(request))
            .WithName("PostDecision")
            .WithSummary("Decide one event inline: its explained assessment and action (allow, review, block) in the response")
            .WithDescription("The event is logged (durable, deduplicated by event_id) and assessed by its user's grain in order with the " +
                             "user's other events. 200 with the assessment; a re-sent event_id answers the stored one. Not decided within " +
                             "Ott:Api:DecisionBudget (250 ms): 202, the event queued, and a Location to read the decision from.")
            .Accepts<EventRequest>("application/json")
            .Produces<Assessment>(StatusCodes.Status200OK)
            .Produces<DecisionQueued>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status500InternalServerError)
            .ProducesInputProblems();

        group.MapPost("/batch", (HttpRequest request, DecisionHandler handler) => handler.BatchAsync(request))
            .WithName("PostDecisionBatch")
            .WithSummary("Decide up to 100 events inline")
            .WithDescription("200 when every valid item is decided, 202 when some are queued (each with its Location); invalid items are " +
                             "listed with their errors and not logged.")
            .Accepts<EventRequest[]>("application/json")
            .Produces<DecisionBatch>(StatusCodes.Status200OK)
            .Produces<DecisionBatch>(StatusCodes.Status202Accepted)
            .ProducesInputProblems();

        group.MapGet("/{event_id}", (string event_id, DecisionHandler handler) => handler.GetAsync(event_id))
            .WithName("GetDecision")
            .WithSummary("The decision of an event sent to /api/v1/decisions: 200 with the assessment, 202 while it is queued, 404 when unknown")
            .Produces<Assessment>(StatusCodes.Status200OK)
            .Produces<DecisionQueued>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status404NotFound);

        return group;
    }
}
