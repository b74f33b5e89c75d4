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
            .ProducesInputProblems();

        group.MapPost("/batch", (HttpRequest request, IngestHandler handler) => handler.BatchAsync(request, noop: false))
            .WithName("PostEventBatch")
            .WithSummary("Ingest up to 1,000 events")
            .WithDescription("Each item is validated on its own: valid items are ingested, the others listed with their errors.")
            .Accepts<EventRequest[]>("application/json")
            .Produces<BatchAccepted>(StatusCodes.Status202Accepted)
            .ProducesInputProblems();

        return group;
    }

    /// <summary>The problems every route that takes event bodies can answer: unreadable (400), too large (413), not JSON (415), invalid (422), saturated or log down (503).</summary>
    public static RouteHandlerBuilder ProducesInputProblems(this RouteHandlerBuilder route) => route
        .ProducesProblem(StatusCodes.Status400BadRequest)
        .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
        .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
        .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
        .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

    /// <summary>
    /// The no-op twins of the ingest endpoints, for measuring the HTTP + JSON ceiling, and the process's allocation and
    /// memory counters (bench/ingest.sh reads them before and after each run). Mapped only with Ott:Api:NoopIngestEndpoints.
    /// </summary>
    public static RouteGroupBuilder MapNoopIngestApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/bench").WithTags("Benchmark").ExcludeFromDescription();
        group.MapPost("/noop/events", (HttpRequest request, IngestHandler handler) => handler.SingleAsync(request, noop: true));
        group.MapPost("/noop/events/batch", (HttpRequest request, IngestHandler handler) => handler.BatchAsync(request, noop: true));
        group.MapGet("/process", () =>
        {
            using var process = System.Diagnostics.Process.GetCurrentProcess();
            return TypedResults.Ok(new BenchProcess(GC.GetTotalAllocatedBytes(precise: true), process.WorkingSet64, GC.GetTotalMemory(forceFullCollection: false),
                GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), GC.GetTotalPauseDuration().TotalMilliseconds));
        });
        return group;
    }
}

/// <summary>The process's allocation and memory counters (<c>GET /bench/process</c>).</summary>
public sealed record BenchProcess(long AllocatedBytes, long WorkingSetBytes, long HeapBytes, int Gen0, int Gen1, int Gen2, double GcPauseMs);
