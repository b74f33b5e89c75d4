using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Ott.Api.Hosting;
using Ott.Api.Security;
using Ott.Grains.Aggregation;
using Ott.Grains.Common;
using Ott.Grains.Interfaces;
using Ott.Grains.Logs;

namespace Ott.Api.Endpoints;

/// <summary>Queue counters of the original API's <c>GET /stats/summary</c>, from the event log.</summary>
public sealed record StatsSummary(long Enqueued, long Processed, long Errors, long QueueSize, long Duplicates, long Redelivered);

/// <summary>One item of <c>GET /results/latest</c> in the original shape.</summary>
public sealed record LatestResult(LatestEvent Event, LatestScore Result);

public sealed record LatestEvent(string EventId, string UserId, string DeviceId, string ContentId, string Region, EventType EventType);

public sealed record LatestScore(double Score, RiskLevel RiskLevel, IReadOnlyList<string> Flags, RiskAction Action);

/// <summary><c>GET /compliance/summary</c>: assessments by level.</summary>
public sealed record ComplianceSummary(long Low, long Medium, long High, long Critical, long TotalProcessed);

/// <summary><c>POST /process/drain</c>: whether every accepted event had its assessment before the timeout, and the counts.</summary>
public sealed record DrainResult(bool Drained, long Accepted, long Assessed, long Pending, long Failed, long Duplicates, double WaitedSeconds);

/// <summary>The original product's routes, kept for its users (docs/api.md): stats, latest results, summary, drain.</summary>
public static class LegacyEndpoints
{
    public static RouteGroupBuilder MapLegacyApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("").WithTags("Original API");
        group.MapGet("/stats/summary", GetStatsAsync).WithName("GetStatsSummary").WithSummary("Pipeline counters");
        group.MapGet("/results/latest", GetLatestAsync).WithName("GetLatestResults").WithMetadata(new AuditedAttribute()).WithSummary("The latest assessments, original shape");
        group.MapGet("/compliance/summary", GetComplianceSummaryAsync).WithName("GetComplianceSummary").WithSummary("Assessments by level");
        group.MapPost("/process/drain", DrainAsync).WithName("Drain")
            .WithSummary("Wait until every accepted event has its assessment (or the timeout), then return the counts");
        return group;
    }

    private static async Task<Ok<StatsSummary>> GetStatsAsync(IEventLog events, IAssessmentLog assessments, IServiceProvider services)
    {
        var log = await events.GetEventStatsAsync();
        var assessed = await assessments.GetAssessmentStatsAsync();
        var redelivered = services.GetService<PipelineCounters>()?.RedeliveredTotal ?? 0;
        return TypedResults.Ok(new StatsSummary(log.Accepted, assessed.Total, log.Failed, log.Pending, log.Duplicates, redelivered));
    }

    private static async Task<Results<Ok<List<LatestResult>>, ProblemHttpResult>> GetLatestAsync(int? limit, IAssessmentLog log)
    {
        if (limit is < 1 or > AnalystEndpoints.MaxAssessmentLimit)
        {
            return Problems.Problems.Validation(
                new Dictionary<string, string[]> { ["limit"] = [$"must be between 1 and {AnalystEndpoints.MaxAssessmentLimit}"] }, "Invalid query.");
        }

        var latest = await log.GetLatestAsync(limit ?? 5);
        return TypedResults.Ok(latest.Select(a => new LatestResult(
            new LatestEvent(a.EventId, a.UserId, a.DeviceId, a.ContentId, a.Region, a.EventType),
            new LatestScore(a.RiskScore, a.RiskLevel, a.Factors.Select(f => f.Code).ToList(), a.Action))).ToList());
    }

    private static async Task<Ok<ComplianceSummary>> GetComplianceSummaryAsync(IAssessmentLog log)
    {
        var stats = await log.GetAssessmentStatsAsync();
        long Level(RiskLevel level) => stats.ByLevel.GetValueOrDefault(level);
        return TypedResults.Ok(new ComplianceSummary(
            Level(RiskLevel.Low), Level(RiskLevel.Medium), Level(RiskLevel.High), Level(RiskLevel.Critical), stats.Total));
    }

    private static async Task<Results<Ok<DrainResult>, ProblemHttpResult>> DrainAsync(
        double? timeout_seconds, IEventLog events, IAssessmentLog assessments, IServiceProvider services,
        IOptions<ApiOptions> options, TimeProvider time, CancellationToken cancellationToken)
    {
        if (timeout_seconds is <= 0 or > 600)
        {
            return Problems.Problems.Validation(
                new Dictionary<string, string[]> { ["timeout_seconds"] = ["must be more than 0 and at most 600"] }, "Invalid query.");
        }

        var timeout = timeout_seconds is { } seconds ? TimeSpan.FromSeconds(seconds) : options.Value.DrainTimeout;
        var started = time.GetTimestamp();

        // The log is polled: the production log is a database table that cannot push a notification.
        using var poll = new PeriodicTimer(TimeSpan.FromMilliseconds(20), time);
        EventLogStats log;
        AssessmentStats assessed;
        while (true)
        {
            log = await events.GetEventStatsAsync(cancellationToken);
            if (log.Pending == 0)
            {
                if (services.GetService<AggregateFlusher>() is { } aggregates)
                {
                    // Co-hosted silo: push this silo's batched aggregates now, so reads after a drain see them.
                    await aggregates.FlushAsync(cancellationToken);
                }

                assessed = await assessments.GetAssessmentStatsAsync(cancellationToken);

                // Events accepted while the counts were read (a request still in flight when the drain began) would make
                // the answer count assessments of events it does not count as accepted: those are drained too.
                var again = await events.GetEventStatsAsync(cancellationToken);
                if (again == log)
                {
                    break;
                }
            }

            if (time.GetElapsedTime(started) >= timeout || !await poll.WaitForNextTickAsync(cancellationToken))
            {
                log = await events.GetEventStatsAsync(cancellationToken);
                assessed = await assessments.GetAssessmentStatsAsync(cancellationToken);
                break;
            }
        }

        return TypedResults.Ok(new DrainResult(log.Pending == 0, log.Accepted, assessed.Total, log.Pending, log.Failed, log.Duplicates,
            Math.Round(time.GetElapsedTime(started).TotalSeconds, 3)));
    }
}
