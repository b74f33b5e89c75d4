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
}

/// <summary>Names of the event stream shared by the publisher and the subscribers.</summary>
public static class EventStreams
{
    /// <summary>Name of the stream provider configured on every silo and client.</summary>
    public const string Provider = "ott-events";

    /// <summary>Stream namespace; the stream key is the user id.</summary>
    public const string Namespace = "events";
}
