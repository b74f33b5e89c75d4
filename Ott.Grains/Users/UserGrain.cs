using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Streams;
using Orleans.Streams.Core;
using Ott.Grains.Aggregation;
using Ott.Grains.Common;
using Ott.Grains.Alerts;
using Ott.Grains.Compliance;
using Ott.Grains.Interfaces;
using Ott.Grains.Logs;
using Ott.Grains.Policies;

namespace Ott.Grains.Users;

/// <summary>
/// One per user. Subscribed implicitly to the user's event stream; for each event: update the rolling state,
/// score it, write the assessment to the log, and hand the assessed event to every registered
/// <see cref="IAssessmentObserver"/> (the per-silo batchers of devices, regions, analytics, network, PIPL, model
/// samples and segments: no grain call per event). State is written behind.
/// [RandomPlacement]: user grains are activated by the stream pulling agents; resource-optimised placement's local
/// preference piles them onto the agents' silos in a quiet cluster, random placement spreads per-event work evenly
/// (docs/decisions.md).
/// </summary>
[ImplicitStreamSubscription(EventStreams.Namespace)]
[Orleans.Placement.RandomPlacement]
public sealed partial class UserGrain(
    [PersistentState("user", StorageNames.Grains)] IPersistentState<UserRollingState> state,
    IOptions<WriteBehindOptions> writeBehind,
    IOptions<RollingWindowOptions> rolling,
    PolicyCache policies,
    UserPipeline pipeline,
    AlertDispatcher alerts,
    IAssessmentLog assessments,
    IEventLog events,
    IOutcomeLog outcomes,
    IEnumerable<IAssessmentObserver> observers,
    PipelineCounters counters,
    TimeProvider time,
    ILogger<UserGrain> logger)
    : WriteBehindGrain<UserRollingState>(state, writeBehind), IUserGrain, IStreamSubscriptionObserver, IAsyncBatchObserver<OttEvent>
{
    private readonly RollingWindow _window = new(rolling.Value);

    // An array, so the per-event loop allocates no enumerator.
    private readonly IAssessmentObserver[] _observers = [.. observers];

    /// <summary>
    /// Assessments computed but not written because the log was unreachable, by event id. The replay delivers the
    /// event again; it then gets this same assessment instead of a second pass through the rolling state.
    /// </summary>
    private readonly Dictionary<string, PipelineResult> _unwritten = new(StringComparer.Ordinal);

    /// <summary>Most parked assessments per user; beyond it the oldest is dropped and, if replayed, assessed again.</summary>
    private const int MaxUnwritten = 1_000;

    public Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory) =>
        handleFactory.Create<OttEvent>().ResumeAsync(this);

    public async Task OnNextAsync(IList<SequentialItem<OttEvent>> items)
    {
        foreach (var item in items)
        {
            await ProcessAsync(item.Item);
        }
    }

    public Task OnCompletedAsync() => Task.CompletedTask;

    public Task OnErrorAsync(Exception ex)
    {
        using var scope = logger.BeginScope(new Dictionary<string, object> { ["user_id"] = this.GetPrimaryKeyString() });
        LogStreamError(logger, ex);
        return Task.CompletedTask;
    }

    public Task<UserRiskProfile?> GetRiskProfileAsync()
    {
        if (State.TotalEvents == 0)
        {
            return Task.FromResult<UserRiskProfile?>(null);
        }

        var newest = State.NewestEventTime!.Value;
        var created = State.AccountCreatedAt ?? State.FirstEventTime!.Value;
        return Task.FromResult<UserRiskProfile?>(new UserRiskProfile
        {
            UserId = this.GetPrimaryKeyString(),
            Threshold = State.Segment is null ? policies.Current.Scoring.DefaultThreshold : policies.Current.For(State.Segment.Segment).ThresholdHigh,
            ThresholdSource = State.Segment is null ? "default" : "segment",
            Segment = State.Segment,
            Features = _window.Current(State),
            RecentAssessments = State.RecentAssessments.AsEnumerable().Reverse().ToList(),
            Consent = State.Consent,
            FirstSeen = State.FirstEventTime!.Value,
            LastEventTime = newest,
            AccountCreatedAt = State.AccountCreatedAt,
            AccountAgeDays = Math.Round(Math.Max(0, (newest - created).TotalDays), 2),
            TotalEvents = State.TotalEvents,
            LastRegion = State.LastRegion,
            Plan = State.Plan,
            RecentViolations = State.Violations.AsEnumerable().Reverse().ToList(),
            OpenRequests = State.OpenRequests.ToList(),
        });
    }

    public async Task<ErasureReport?> EraseAsync()
    {
        var userId = this.GetPrimaryKeyString();
        var known = State.TotalEvents > 0 || RecordExists;
        var assessed = await assessments.GetByUserAsync(userId, int.MaxValue);
        var devices = State.DeviceIds.Concat(assessed.Select(a => a.DeviceId)).Distinct(StringComparer.Ordinal).ToList();
        var assessmentsRemoved = await assessments.EraseUserAssessmentsAsync(userId);
        var eventsRemoved = await events.EraseUserEventsAsync(userId);
        await outcomes.EraseUserOutcomesAsync(userId);
        if (!known && assessmentsRemoved == 0 && eventsRemoved == 0)
        {
            return null;
        }

        var forgotten = await Task.WhenAll(devices.Select(d => GrainFactory.GetGrain<IDeviceGrain>(d).ForgetUserAsync(userId)));
        var requests = await GrainFactory.GetGrain<IRequestRegistryGrain>(0).CompleteForUserAsync(userId);
        await GrainFactory.GetGrain<INetworkGrain>(0).RemoveUserAsync(userId);
        await ClearAsync(new UserRollingState());
        DeactivateOnIdle();
        return new ErasureReport(userId, known, assessmentsRemoved, eventsRemoved, forgotten.Count(f => f), requests);
    }

    public async Task CompleteRequestAsync(string requestId)
    {
        if (ComplianceStage.Complete(State, requestId))
        {
            await ChangedAsync();
        }
    }

    public async Task<Decision> DecideAsync(OttEvent e)
    {
        var (assessment, failed) = await ProcessAsync(e);
        return new Decision(IngestStatus.Queued, assessment,
            failed ? $"Assessing event '{e.EventId}' failed; it is marked failed in the event log." : null);
    }

    /// <summary>Assesses one event (stream or decision): its assessment; none when it cannot be written now; or failed.</summary>
    private async Task<(Assessment? Assessment, bool Failed)> ProcessAsync(OttEvent e)
    {
        // A redelivery (stream retry, replay) of an event whose assessment is written is dropped. One whose write
        // failed in this activation (log unreachable) gets the assessment computed then. One seen but without a
        // written assessment otherwise (the write was lost with a crashed silo) is assessed again: an assessment
        // owed is never skipped, at the price of counting the event twice in the rolling state.
        var parked = _unwritten.Remove(e.EventId, out var earlier);
        if (!parked && _window.WasSeen(State, e.EventId) && await assessments.GetAsync(e.EventId) is { } stored)
        {
            counters.Redelivered();
            return (stored, false);
        }

        // Outside the try: until this silo knows the active policy (its first load asks the registry) nothing is judged,
        // and a registry that cannot answer yet leaves the event pending for the stream's retry or the replay; it is
        // never marked failed for it.
        var policy = parked ? null : await policies.GetAsync();
        PipelineResult? result = null;
        try
        {
            result = parked ? earlier! : pipeline.Assess(State, e, _window, time.GetUtcNow(), policy!, policies.Shadow);
            var assessment = result.Assessment;
            await assessments.AppendAsync(assessment);
            var assessed = new AssessedEvent(e, result);
            foreach (var observer in _observers)
            {
                observer.Observe(in assessed);
            }

            if (result.Alert is { Raise: true, Repeat: false } raised)
            {
                await alerts.RaiseAsync(UserPipeline.AlertFor(assessment, raised, assessment.ProcessedAt, result.Policy));
            }
            else if (result.Alert is { Raise: true, Repeat: true } repeat)
            {
                await alerts.RepeatAsync(repeat.AlertId, repeat.Count, assessment.ProcessedAt);
            }

            counters.Assessed(assessment, e.ReceivedAt);
            await ChangedAsync();
            await NotifyAsync(result.Compliance);
            return (assessment, false);
        }
        catch (LogUnavailableException ex) when (result is not null)
        {
            // The event stays pending in the log: the replay service publishes it again once the log is back.
            using (EventScope(e))
            {
                LogLogUnavailable(logger, ex);
            }

            if (_unwritten.Count >= MaxUnwritten)
            {
                _unwritten.Remove(_unwritten.Keys.First());
            }

            _unwritten[e.EventId] = result;
            return (null, false);
        }
        catch (Exception ex)
        {
            using var scope = EventScope(e);
            LogProcessingFailed(logger, ex);
            counters.Failed();
            try
            {
                await events.MarkFailedAsync(e.EventId);
            }
            catch (LogUnavailableException unavailable)
            {
                LogLogUnavailable(logger, unavailable);
            }

            return (null, true);
        }
    }

    /// <summary>The event's ids on a log line; made only when there is one to write (not per event).</summary>
    private IDisposable? EventScope(OttEvent e) =>
        logger.BeginScope(new Dictionary<string, object> { ["event_id"] = e.EventId, ["user_id"] = e.UserId });

    /// <summary>Requests and incidents are rare (a deletion request, a volume threshold), so these calls are not per event.</summary>
    private async Task NotifyAsync(ComplianceOutcome outcome)
    {
        if (outcome.OpenedRequest is { } request)
        {
            await GrainFactory.GetGrain<IRequestRegistryGrain>(0).OpenAsync(request);
        }

        if (outcome.Incident is { } incident)
        {
            await GrainFactory.GetGrain<IIncidentRegistryGrain>(0).OpenAsync(incident);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The assessment log is unavailable; the event stays pending and will be replayed")]
    private static partial void LogLogUnavailable(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Assessing the event failed; it is counted as failed")]
    private static partial void LogProcessingFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The user's event stream reported an error")]
    private static partial void LogStreamError(ILogger logger, Exception exception);
}

