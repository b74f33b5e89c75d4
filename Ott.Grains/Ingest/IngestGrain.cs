using Microsoft.Extensions.Logging;
using Orleans.Concurrency;
using Ott.Grains.Common;
using Ott.Grains.Interfaces;
using Ott.Grains.Logs;

namespace Ott.Grains.Ingest;

/// <summary>
/// Dedupes through the event log, then publishes what is new to the per-user streams.
/// [StatelessWorker]: no state, so every silo runs it locally, with no hop to a shared grain.
/// [Reentrant]: it only awaits I/O (log append, stream publish); without it one activation per core would
/// serialise all ingest calls of a silo.
/// </summary>
[StatelessWorker, Reentrant]
public sealed partial class IngestGrain(IEventLog log, PipelineCounters counters, ILogger<IngestGrain> logger) : Grain, IIngestGrain
{
    public async Task<IngestStatus[]> IngestAsync(IReadOnlyList<OttEvent> events)
    {
        AppendOutcome[] outcomes;
        try
        {
            outcomes = await log.AppendAsync(events);
        }
        catch (LogUnavailableException ex)
        {
            // Nothing was acknowledged: the client is told to retry (503), never a 202 for an unwritten event.
            LogLogUnavailable(logger, ex);
            return Enumerable.Repeat(IngestStatus.Unavailable, events.Count).ToArray();
        }

        counters.Received(events, outcomes);
        var statuses = new IngestStatus[events.Count];
        var accepted = new List<OttEvent>(events.Count);
        for (var i = 0; i < events.Count; i++)
        {
            statuses[i] = outcomes[i] switch
            {
                AppendOutcome.Appended => IngestStatus.Queued,
                AppendOutcome.Duplicate => IngestStatus.Duplicate,
                _ => IngestStatus.Overloaded,
            };

            if (outcomes[i] == AppendOutcome.Appended)
            {
                accepted.Add(events[i]);
            }
        }

        if (accepted.Count > 0)
        {
            var failed = await EventPublisher.PublishAsync(this.GetStreamProvider(EventStreams.Provider), accepted);
            if (failed.Count > 0)
            {
                LogPublishDeferred(logger, failed.Count);
            }
        }

        return statuses;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The event log is unavailable; ingest answers 503 until it is back")]
    private static partial void LogLogUnavailable(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} logged events could not be published now; the replay service will publish them")]
    private static partial void LogPublishDeferred(ILogger logger, int count);
}
