using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Http.HttpResults;
using Ott.Api.Events.Validation;
using Ott.Api.Security;
using Ott.Grains.Alerts;
using Ott.Grains.Interfaces;
using Ott.Grains.Logs;
using Ott.Grains.Segments;

namespace Ott.Api.Endpoints;

/// <summary>Body of <c>POST /api/v1/events/{id}/outcome</c>.</summary>
public sealed record OutcomeRequest(bool? ConfirmedViolation);

/// <summary><c>GET /api/v1/analytics/ml-performance</c>: the last measurement and what it was measured on.</summary>
public sealed record MlPerformance(QualityReport Quality, int? AnomalyModelVersion, int? ViolationModelVersion,
    int LabelledExamples, int LabelledPositives, int ReservoirSamples);

/// <summary>One segment in <c>GET /api/v1/analytics/segments</c>.</summary>
public sealed record SegmentSummary(string Segment, long Users, SegmentParameters Parameters, LearnedThreshold Learning);

/// <summary>Alerts (list, acknowledge, live stream), segment analytics and assessment outcomes (docs/alerts.md).</summary>
public static class AlertEndpoints
{
    public const int MaxLimit = 1_000;

    /// <summary>How often the live stream looks for new alerts.</summary>
    public static TimeSpan StreamPollInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    public static RouteGroupBuilder MapAlertApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1").WithTags("Alerts");
        group.MapGet("/alerts", ListAsync).WithName("ListAlerts").WithSummary("Alerts, newest first").WithMetadata(new AuditedAttribute());
        group.MapPost("/alerts/{alert_id}/ack", AcknowledgeAsync).WithName("AcknowledgeAlert").WithSummary("Acknowledge an alert");
        group.MapGet("/alerts/stream", Stream).WithName("StreamAlerts").WithSummary("New alerts as server-sent events (event: alert)");
        group.MapGet("/analytics/segments", SegmentsAsync).WithName("SegmentAnalytics")
            .WithSummary("Users per segment, each segment's parameters and learned threshold");
        group.MapGet("/analytics/ml-performance", MlPerformanceAsync).WithName("MlPerformance")
            .WithSummary("Precision, recall, F1 and ROC AUC of each detector, measured on a held-out split (404 before any measurement)");
        group.MapPost("/events/{event_id}/outcome", RecordOutcomeAsync).WithName("RecordOutcome")
            .WithSummary("Record whether an assessed event was a confirmed violation (feeds threshold learning)")
            .WithMetadata(new AuditedAttribute());
        return group;
    }

    private static async Task<Results<Ok<IReadOnlyList<Alert>>, ProblemHttpResult>> ListAsync(
        string? severity, DateTimeOffset? since, string? user_id, int? limit, IAlertStore store)
    {
        RiskLevel? min = null;
        if (severity is not null)
        {
            if (!Enum.TryParse<RiskLevel>(severity, ignoreCase: true, out var level))
            {
                return Problems.Problems.Validation(new Dictionary<string, string[]> { ["severity"] = ["must be low, medium, high or critical"] }, "Invalid query.");
            }

            min = level;
        }

        if (limit is < 1 or > MaxLimit)
        {
            return Problems.Problems.Validation(new Dictionary<string, string[]> { ["limit"] = [$"must be between 1 and {MaxLimit}"] }, "Invalid query.");
        }

        return TypedResults.Ok(await store.QueryAsync(min, since, user_id, limit ?? 100));
    }

    private static async Task<Results<Ok<Alert>, ProblemHttpResult>> AcknowledgeAsync(string alert_id, HttpContext http, IAlertStore store, TimeProvider time) =>
        await store.AcknowledgeAsync(alert_id, http.User.Identity?.Name ?? "anonymous", time.GetUtcNow()) is { } alert
            ? TypedResults.Ok(alert)
            : Problems.Problems.NotFound("alert", alert_id);

    /// <summary>A heartbeat event is sent when nothing else was for this long (keeps proxies from closing the stream).</summary>
    public static TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(15);

    private static ServerSentEventsResult<object> Stream(long? after, IAlertStore store, TimeProvider time, CancellationToken cancellationToken) =>
        TypedResults.ServerSentEvents(StreamAsync(after, store, time, cancellationToken));

    /// <summary>
    /// <c>ready</c> first (with the sequence the stream starts after), then one <c>alert</c> per new alert (id = its
    /// sequence, so a client can resume with <c>?after=</c>), and <c>heartbeat</c> when idle.
    /// </summary>
    private static async IAsyncEnumerable<SseItem<object>> StreamAsync(long? after, IAlertStore store, TimeProvider time,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var newest = await store.QueryAsync(null, null, null, 1, cancellationToken);
        var last = after ?? (newest.Count > 0 ? newest[0].Sequence : 0);
        yield return new SseItem<object>(new { after = last }, "ready");
        var quietSince = time.GetTimestamp();
        using var poll = new PeriodicTimer(StreamPollInterval);
        while (!cancellationToken.IsCancellationRequested)
        {
            foreach (var alert in await store.AfterAsync(last, 500, cancellationToken))
            {
                last = alert.Sequence;
                quietSince = time.GetTimestamp();
                yield return new SseItem<object>(alert, "alert") { EventId = alert.Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture) };
            }

            if (time.GetElapsedTime(quietSince) >= HeartbeatInterval)
            {
                quietSince = time.GetTimestamp();
                yield return new SseItem<object>(new { at = time.GetUtcNow() }, "heartbeat");
            }

            try
            {
                await poll.WaitForNextTickAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                yield break;
            }
        }
    }

    /// <summary>Users per segment with the live policy's parameters (the configuration's until a silo seeded the registry).</summary>
    private static async Task<Ok<IReadOnlyList<SegmentSummary>>> SegmentsAsync(IGrainFactory grains, Microsoft.Extensions.Options.IOptions<SegmentOptions> configured)
    {
        var active = await grains.GetGrain<IPolicyRegistryGrain>(0).GetActiveAsync();
        var options = active is null ? configured.Value : Grains.Policies.PolicyJson.Read(active.Document).Segments;
        var counts = await grains.GetGrain<ISegmentStatsGrain>(0).GetAsync();
        var learning = await Task.WhenAll(SegmentNames.All.Select(s => grains.GetGrain<ISegmentLearningGrain>(s).GetAsync()));
        return TypedResults.Ok<IReadOnlyList<SegmentSummary>>(SegmentNames.All
            .Select((s, i) => new SegmentSummary(s, counts.GetValueOrDefault(s), options.For(s), learning[i]))
            .ToList());
    }

    private static async Task<Results<Ok<MlPerformance>, ProblemHttpResult>> MlPerformanceAsync(IGrainFactory grains)
    {
        var info = await grains.GetGrain<IModelGrain>(0).GetInfoAsync();
        return info.LastQuality is { } quality
            ? TypedResults.Ok(new MlPerformance(quality, info.AnomalyVersion, info.ViolationVersion, info.LabelledExamples, info.LabelledPositives, info.ReservoirSamples))
            : Problems.Problems.Problem(StatusCodes.Status404NotFound, "not-measured", "Not measured yet",
                $"No quality measurement exists yet: it needs labelled outcomes ({info.LabelledExamples} so far) and a training " +
                "(POST /api/v1/models/retrain, or the schedule).");
    }

    private static async Task<Results<Ok<LearnedThreshold>, ProblemHttpResult>> RecordOutcomeAsync(
        string event_id, OutcomeRequest body, IAssessmentLog log, IOutcomeLog outcomes, IGrainFactory grains, TimeProvider time, HttpContext http)
    {
        if (!Identifiers.IsIdentifier(event_id))
        {
            return Problems.Problems.Problem(StatusCodes.Status400BadRequest, "bad-request", "Invalid identifier", "event_id is not a valid identifier.");
        }

        if (body.ConfirmedViolation is not { } confirmed)
        {
            return Problems.Problems.Validation(new Dictionary<string, string[]> { ["confirmed_violation"] = ["is required (true or false)"] }, "Nothing was recorded.");
        }

        if (await log.GetAsync(event_id) is not { Segment: { } segment } assessment)
        {
            return Problems.Problems.NotFound("event assessment", event_id);
        }

        var now = time.GetUtcNow();
        await outcomes.RecordAsync([new RecordedOutcome(event_id, assessment.UserId, assessment.EventTime, confirmed, OutcomeSources.Analyst,
            http.User.Identity?.Name, null, now)]);
        if (assessment is { Shadow: { } shadow, PolicyVersion: { } live })
        {
            // The shadow report's precision and recall: this verdict against each policy's alert on the event.
            await grains.GetGrain<IShadowStatsGrain>(Grains.Policies.ShadowBatcher.Key(shadow.PolicyVersion, live))
                .RecordOutcomeAsync(assessment.Alert is not null, shadow.Alert is not null, confirmed);
        }

        var learning = grains.GetGrain<ISegmentLearningGrain>(segment);
        await learning.AddAsync(new Outcome(event_id, segment, assessment.RiskScore, confirmed, now) { Source = OutcomeSources.Analyst });
        if (assessment is { FeatureVector: { } features, BaselineVector: { } baseline })
        {
            await grains.GetGrain<IModelGrain>(0).AddLabelsAsync([new LabelledExample(event_id, [.. features, .. baseline], confirmed, "analyst")]);
        }

        return TypedResults.Ok(await learning.GetAsync());
    }
}
