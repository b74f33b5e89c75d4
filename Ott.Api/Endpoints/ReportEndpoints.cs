using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Ott.Api.Analytics;
using Ott.Api.Reports;
using Ott.Api.Security;
using Ott.Grains.Compliance;

namespace Ott.Api.Endpoints;

/// <summary>Reports (JSON, printable HTML, CSV) over a <c>days</c> window, and the ROI estimate.</summary>
public static class ReportEndpoints
{
    public static RouteGroupBuilder MapReportApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1").WithTags("Reports");
        group.MapGet("/reports/{kind}", GetReportAsync).WithName("GetReport").WithMetadata(new AuditedAttribute())
            .WithSummary("executive-summary, compliance or ml-performance over the last `days` UTC days (default 30); format=json|html|csv");
        group.MapGet("/compliance/roi", GetRoi).WithName("GetRoi")
            .WithSummary("Return on investment for `months` and `users` from the configured cost table (Ott:Roi): a pure function of them");
        return group;
    }

    private static async Task<IResult> GetReportAsync(string kind, int? days, string? format, ReportBuilder reports)
    {
        var errors = new Dictionary<string, string[]>();
        if (!ReportBuilder.Kinds.Contains(kind))
        {
            return Problems.Problems.NotFound("report", kind);
        }

        if (AnalyticsSource.Invalid(days) is { } invalid)
        {
            errors["days"] = [invalid];
        }

        var form = (format ?? "json").ToLowerInvariant();
        if (form is not ("json" or "html" or "csv"))
        {
            errors["format"] = ["must be json, html or csv"];
        }

        if (errors.Count > 0)
        {
            return Problems.Problems.Validation(errors, "Invalid query.");
        }

        var report = await reports.BuildAsync(kind, days ?? 30);
        var file = $"ott-{kind}-{report.From:yyyy-MM-dd}-to-{report.To:yyyy-MM-dd}";
        return form switch
        {
            "html" => TypedResults.Text(ReportRenderer.Html(report), "text/html; charset=utf-8", Encoding.UTF8),
            "csv" => TypedResults.File(Encoding.UTF8.GetBytes(ReportRenderer.Csv(report)), "text/csv; charset=utf-8", file + ".csv"),
            _ => TypedResults.Ok(report),
        };
    }

    private static Results<Ok<RoiEstimate>, ProblemHttpResult> GetRoi(int? months, long? users, IOptions<RoiOptions> table)
    {
        var errors = new Dictionary<string, string[]>();
        if (months is null or < 1 or > RoiCalculator.MaxMonths)
        {
            errors["months"] = [$"is required, between 1 and {RoiCalculator.MaxMonths}"];
        }

        if (users is null or < 1 or > RoiCalculator.MaxUsers)
        {
            errors["users"] = [$"is required, between 1 and {RoiCalculator.MaxUsers}"];
        }

        return errors.Count > 0
            ? Problems.Problems.Validation(errors, "Invalid query.")
            : TypedResults.Ok(RoiCalculator.Estimate(months!.Value, users!.Value, table.Value));
    }
}
