using Microsoft.AspNetCore.Http.HttpResults;
using Ott.Api.Analytics;
using Ott.Grains.Analytics;
using Ott.Grains.Interfaces;

namespace Ott.Api.Endpoints;

/// <summary>
/// Analytics over a <c>days</c> window (UTC days ending today), from the per-day aggregates the silos keep
/// (<see cref="IAnalyticsDayGrain"/>): no request scans assessments.
/// </summary>
public static class AnalyticsEndpoints
{
    public const int MaxFactors = 100;

    public static RouteGroupBuilder MapAnalyticsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/analytics").WithTags("Analytics");
        group.MapGet("/risk-distribution", async (int? days, AnalyticsSource source) =>
                await WithWindowAsync(days, source, async w => AnalyticsTally.RiskDistribution(w, await source.TotalAsync(w))))
            .WithName("RiskDistribution").WithSummary("Assessments by level and action, and anomalies, over the window");
        group.MapGet("/top-risk-factors", TopFactorsAsync)
            .WithName("TopRiskFactors").WithSummary("Factors by the number of assessments they contributed to, with mean points");
        group.MapGet("/geographic-distribution", async (int? days, AnalyticsSource source) =>
                await WithWindowAsync(days, source, async w => AnalyticsTally.Geography(w, await source.TotalAsync(w))))
            .WithName("GeographicDistribution").WithSummary("Per region: events, high or critical assessments, assessments with violations");
        group.MapGet("/violation-trends", async (int? days, AnalyticsSource source) =>
                await WithWindowAsync(days, source, async w => AnalyticsTally.Trends(w, await source.DaysAsync(w))))
            .WithName("ViolationTrends").WithSummary("Per day (oldest first, empty days included): assessments, with violations, by regulation");
        group.MapGet("/compliance-summary", async (int? days, AnalyticsSource source) =>
                await WithWindowAsync(days, source, async w => AnalyticsTally.ComplianceSummary(w, await source.TotalAsync(w))))
            .WithName("ComplianceSummaryAnalytics").WithSummary("Assessments, those with a regulation violation, the compliance rate, by regulation");
        return group;
    }

    private static async Task<Results<Ok<TopRiskFactors>, ProblemHttpResult>> TopFactorsAsync(int? days, int? limit, AnalyticsSource source)
    {
        if (limit is < 1 or > MaxFactors)
        {
            return Problems.Problems.Validation(new Dictionary<string, string[]> { ["limit"] = [$"must be between 1 and {MaxFactors}"] }, "Invalid query.");
        }

        return await WithWindowAsync(days, source, async w => AnalyticsTally.TopFactors(w, await source.TotalAsync(w), limit ?? 10));
    }

    /// <summary>Validates <c>days</c> (422 naming it) and answers from its window.</summary>
    private static async Task<Results<Ok<T>, ProblemHttpResult>> WithWindowAsync<T>(int? days, AnalyticsSource source, Func<AnalyticsWindow, Task<T>> answer)
    {
        if (AnalyticsSource.Invalid(days) is { } error)
        {
            return Problems.Problems.Validation(new Dictionary<string, string[]> { ["days"] = [error] }, "Invalid query.");
        }

        return TypedResults.Ok(await answer(source.Window(days ?? AnalyticsSource.DefaultDays)));
    }
}
