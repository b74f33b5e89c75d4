namespace Ott.Grains.Interfaces;

/// <summary>Outcome of offering one event to the pipeline.</summary>
public enum IngestStatus : byte
{
    /// <summary>Logged and published; it will get exactly one assessment.</summary>
    Queued = 1,

    /// <summary>This event_id was already accepted; nothing was counted again.</summary>
    Duplicate,

    /// <summary>The pipeline is saturated; nothing was accepted. Retry later.</summary>
    Overloaded,

    /// <summary>The event log cannot be written (its database is down); nothing was accepted. Retry later.</summary>
    Unavailable,
}

/// <summary>
/// Entry point of the pipeline: dedupes by event_id, appends to the event log and publishes to the per-user
/// stream. A stateless worker, so every silo takes ingest load locally.
/// </summary>
[Alias("ott.ingest")]
public interface IIngestGrain : IGrainWithIntegerKey
{
    /// <summary>
    /// Offers a batch of validated events; the result has one status per event, in order. Answered in well under a
    /// second, so a call that has not answered in 10 s was most likely taken by a silo that died with it (its answer
    /// never comes, and Orleans' default would wait 30 s): it times out and the caller's retry filter sends it again,
    /// which is safe because events are deduplicated by event_id.
    /// </summary>
    [Alias("ingest")]
    [ResponseTimeout("00:00:10")]
    Task<IngestStatus[]> IngestAsync(IReadOnlyList<OttEvent> events);

    /// <summary>
    /// Decides inline: logs each event exactly as <see cref="IngestAsync"/> does (dedupe, durable append), then has the
    /// user's grain assess it directly (same state, pipeline and dedupe as the stream path, one event at a time in
    /// the grain) and answers with the assessment. An event not assessed within <paramref name="budget"/> is answered
    /// <see cref="IngestStatus.Queued"/> without an assessment: it stays logged and is assessed all the same (by the
    /// call still running, or by the replay if its silo died). A re-sent event_id answers the stored assessment.
    /// </summary>
    [Alias("decide")]
    [ResponseTimeout("00:00:10")]
    Task<Decision[]> DecideAsync(IReadOnlyList<OttEvent> events, TimeSpan budget);
}

/// <summary>
/// The outcome of one event offered for an inline decision: its ingest status; its assessment when ready; or, when
/// the assessment itself failed (the event is then counted as failed, never given a made-up decision), why.
/// </summary>
[GenerateSerializer, Immutable, Alias("ott.decision")]
public sealed record Decision(
    [property: Id(0)] IngestStatus Status,
    [property: Id(1)] Assessment? Assessment,
    [property: Id(2)] string? Error = null);

/// <summary>Names of the event stream shared by the publisher and the subscribers.</summary>
public static class EventStreams
{
    /// <summary>Name of the stream provider configured on every silo and client.</summary>
    public const string Provider = "ott-events";

    /// <summary>Stream namespace; the stream key is the user id.</summary>
    public const string Namespace = "events";
}
