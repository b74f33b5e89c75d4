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
public sealed partial class IngestGrain(IEventLog log, IAssessmentLog assessments, PipelineCounters counters, TimeProvider time,
    ILogger<IngestGrain> logger) : Grain, IIngestGrain
{
    public async Task<IngestStatus[]> IngestAsync(IReadOnlyList<OttEvent> events)
    {
        var statuses = await AppendAsync(events);
        var accepted = new List<OttEvent>(events.Count);
        for (var i = 0; i < events.Count; i++)
        {
            if (statuses[i] == IngestStatus.Queued)
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

    public async Task<Decision[]> DecideAsync(IReadOnlyList<OttEvent> events, TimeSpan budget)
    {
        var started = time.GetTimestamp();
        var statuses = await AppendAsync(events);
        var decisions = new Task<Decision>[events.Count];
        for (var i = 0; i < events.Count; i++)
        {
            decisions[i] = statuses[i] switch
            {
                // Logged now: the user's grain assesses it (not the stream, which would answer later than the caller waits).
                IngestStatus.Queued => DecideOneAsync(events[i]),
                // Logged before: its stored assessment if written, else it is still on its way (queued).
                IngestStatus.Duplicate => StoredAsync(events[i].EventId),
                var refused => Task.FromResult(new Decision(refused, null)),
            };
        }

        var remaining = budget - time.GetElapsedTime(started);
        var all = Task.WhenAll(decisions);
        if (remaining > TimeSpan.Zero)
        {
            // The budget bounds the caller's wait, not the work: a decision still running goes on and is written.
            await Task.WhenAny(all, Task.Delay(remaining, time));
        }

        return decisions.Select((task, i) => task.IsCompletedSuccessfully
            ? task.Result
            : new Decision(statuses[i] == IngestStatus.Duplicate ? IngestStatus.Duplicate : IngestStatus.Queued, null)).ToArray();
    }

    private async Task<Decision> DecideOneAsync(OttEvent e)
    {
        try
        {
            return await GrainFactory.GetGrain<IUserGrain>(e.UserId).DecideAsync(e);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The call failed (e.g. the user's silo died): the event is logged and pending, so the replay service
            // assesses it; the caller is told it is queued, never given a made-up decision.
            LogDecisionFailed(logger, e.EventId, ex);
            return new Decision(IngestStatus.Queued, null);
        }
    }

    private async Task<Decision> StoredAsync(string eventId)
    {
        try
        {
            return new Decision(IngestStatus.Duplicate, await assessments.GetAsync(eventId));
        }
        catch (LogUnavailableException)
        {
            return new Decision(IngestStatus.Duplicate, null);
        }
    }

    /// <summary>Dedupes and appends to the log; one status per event.</summary>
    private async Task<IngestStatus[]> AppendAsync(IReadOnlyList<OttEvent> events)
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
        for (var i = 0; i < events.Count; i++)
        {
            statuses[i] = outcomes[i] switch
            {
                AppendOutcome.Appended => IngestStatus.Queued,
                AppendOutcome.Duplicate => IngestStatus.Duplicate,
                _ => IngestStatus.Overloaded,
            };
        }

        return statuses;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The inline decision of event {EventId} failed; the event stays logged")]
    private static partial void LogDecisionFailed(ILogger logger, string eventId, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "The event log is unavailable; ingest answers 503 until it is back")]
    private static partial void LogLogUnavailable(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} logged events could not be published now; the replay service will publish them")]
    private static partial void LogPublishDeferred(ILogger logger, int count);
}
