using Ott.Api.Events;

namespace Ott.Api.Endpoints;

/// <summary>Ingest: <c>POST /events</c> and <c>POST /events/batch</c> (docs/api.md).</summary>
public static class EventsEndpoints
{
    public static RouteGroupBuilder MapEventsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/events").WithTags("Ingest");

        group.MapPost("", (HttpRequest request, IngestHandler handler) => handler.SingleAsync(request, noop: false))
            .WithName("PostEvent")
            .WithSummary("Ingest one event")
            .WithDescription("202 {status: queued|duplicate, event_id}. Re-sending an event_id never counts it twice.")
            .Accepts<EventRequest>("application/json")
            .Produces<EventAccepted>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        group.MapPost("/batch", (HttpRequest request, IngestHandler handler) => handler.BatchAsync(request, noop: false))
            .WithName("PostEventBatch")
            .WithSummary("Ingest up to 1,000 events")
            .WithDescription("Each item is validated on its own: valid items are ingested, the others listed with their errors.")
            .Accepts<EventRequest[]>("application/json")
            .Produces<BatchAccepted>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        return group;
    }

    /// <summary>The no-op twins of the ingest endpoints, for measuring the HTTP + JSON ceiling (bench/).</summary>
    public static RouteGroupBuilder MapNoopIngestApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/bench/noop/events").WithTags("Benchmark").ExcludeFromDescription();
        group.MapPost("", (HttpRequest request, IngestHandler handler) => handler.SingleAsync(request, noop: true));
        group.MapPost("/batch", (HttpRequest request, IngestHandler handler) => handler.BatchAsync(request, noop: true));
        return group;
    }
}
