using Microsoft.Extensions.Logging;
using Orleans.Concurrency;
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
public sealed partial class IngestGrain(IEventLog log, ILogger<IngestGrain> logger) : Grain, IIngestGrain
{
    public async Task<IngestStatus[]> IngestAsync(IReadOnlyList<OttEvent> events)
    {
        var outcomes = await log.AppendAsync(events);
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} logged events could not be published now; the replay service will publish them")]
    private static partial void LogPublishDeferred(ILogger logger, int count);
}
