using System.Globalization;
using Ott.Api.Analytics;
using Ott.Grains.Alerts;
using Ott.Grains.Analytics;
using Ott.Grains.Interfaces;

namespace Ott.Api.Reports;

/// <summary>
/// Builds the reports from what the system holds: the per-day analytics of the requested window, alerts raised in
/// it, requests and incidents opened in it, and the current network and model state (labelled "now"). Nothing is a
/// constant: an empty system gives a report of zeros.
/// </summary>
public sealed class ReportBuilder(AnalyticsSource analytics, IAlertStore alerts, IGrainFactory grains, TimeProvider time)
{
    public static readonly IReadOnlyList<string> Kinds = ["executive-summary", "compliance", "ml-performance"];

    /// <summary>Alerts read to count a period's; beyond it the count says "at least".</summary>
    private const int AlertScanLimit = 10_000;

    public Task<Report> BuildAsync(string kind, int days) => kind switch
    {
        "executive-summary" => ExecutiveAsync(days),
        "compliance" => ComplianceAsync(days),
        "ml-performance" => MlPerformanceAsync(days),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown report"),
    };

    private async Task<Report> ExecutiveAsync(int days)
    {
        var window = analytics.Window(days);
        var total = await analytics.TotalAsync(window);
        var risk = AnalyticsTally.RiskDistribution(window, total);
        var summary = AnalyticsTally.ComplianceSummary(window, total);
        var factors = AnalyticsTally.TopFactors(window, total, 5);
        var regions = AnalyticsTally.Geography(window, total);
        var raised = await alerts.QueryAsync(null, Start(window), null, AlertScanLimit);
        var network = await grains.GetGrain<INetworkGrain>(0).GetStatsAsync();
        var requests = await grains.GetGrain<IRequestRegistryGrain>(0).ListAsync(null);
        var incidents = await grains.GetGrain<IIncidentRegistryGrain>(0).ListAsync();

        return Make("executive-summary", "Executive summary", window,
        [
            new("Risk", [
                Fact("Assessments", risk.Total),
                Fact("Low", risk.Counts.Low), Fact("Medium", risk.Counts.Medium), Fact("High", risk.Counts.High), Fact("Critical", risk.Counts.Critical),
                new("High or critical share", Percent(risk.Shares.High + risk.Shares.Critical)),
                Fact("Blocked", risk.Blocked), Fact("Sent to review", risk.Reviewed), Fact("Anomalies", risk.Anomalies),
            ]),
            new("Compliance", [
                Fact("Assessments with a regulation violation", summary.WithViolations),
                new("Compliance rate", summary.ComplianceRate is { } rate ? Percent(rate) : "no assessments"),
            ]),
            new("Top risk factors", [], new ReportTable(["factor", "assessments", "share", "average points"],
                factors.Factors.Select(f => Row(f.Code, N(f.Count), Percent(f.Share), D(f.AveragePoints))).ToList())),
            new("Regions", [], new ReportTable(["region", "events", "high or critical", "with violations"],
                regions.Regions.Take(10).Select(r => Row(r.Region, N(r.Events), N(r.HighOrCritical), N(r.Violations))).ToList())),
            new("Alerts raised in the period", [
                new("Total", (raised.Count >= AlertScanLimit ? "at least " : "") + N(raised.Count)),
                .. Enum.GetValues<RiskLevel>().Reverse().Select(l => Fact(l.ToString(), raised.Count(a => a.Severity == l))),
                Fact("Acknowledged", raised.Count(a => a.AcknowledgedAt is not null)),
            ]),
            new("Now", [
                Fact("Fraud rings", network.Rings), Fact("Users in the identifier graph", network.Users),
                Fact("Open data-subject requests", requests.Count(r => r.Status != "completed")),
                Fact("Overdue data-subject requests", requests.Count(r => r.Status == "overdue")),
                Fact("Breach incidents with a notice due", incidents.Count(i => i.NextDue is not null)),
            ]),
        ]);
    }

    private async Task<Report> ComplianceAsync(int days)
    {
        var window = analytics.Window(days);
        var perDay = await analytics.DaysAsync(window);
        var total = AnalyticsTally.Sum(perDay.Values);
        var summary = AnalyticsTally.ComplianceSummary(window, total);
        var trends = AnalyticsTally.Trends(window, perDay);
        var (start, end) = (Start(window), Start(window).AddDays(window.Days));
        bool InPeriod(DateTimeOffset at) => at >= start && at < end;
        var requests = (await grains.GetGrain<IRequestRegistryGrain>(0).ListAsync(null)).Where(r => InPeriod(r.Request.OpenedAt)).ToList();
        var incidents = (await grains.GetGrain<IIncidentRegistryGrain>(0).ListAsync()).Where(i => InPeriod(i.OpenedAt)).ToList();

        return Make("compliance", "Compliance report", window,
        [
            new("Summary", [
                Fact("Assessments", summary.Assessments),
                Fact("Assessments with a regulation violation", summary.WithViolations),
                new("Compliance rate", summary.ComplianceRate is { } rate ? Percent(rate) : "no assessments"),
                Fact("Data-subject requests opened", requests.Count),
                Fact("Breach incidents opened", incidents.Count),
            ]),
            new("Violations by regulation", [], new ReportTable(["regulation", "assessments with a violation", "share of assessments"],
                summary.ByRegulation.OrderByDescending(r => r.Value).ThenBy(r => r.Key, StringComparer.Ordinal)
                    .Select(r => Row(r.Key, N(r.Value), Percent(summary.Assessments == 0 ? 0 : (double)r.Value / summary.Assessments))).ToList())),
            new("Per day", [], new ReportTable(["date", "assessments", "with violations", "compliance rate"],
                trends.Series.Select(d => Row(d.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), N(d.Assessments), N(d.WithViolations),
                    d.Assessments == 0 ? "" : Percent(1 - (double)d.WithViolations / d.Assessments))).ToList())),
            new("Data-subject requests opened in the period", [], new ReportTable(["request", "region", "opened", "status", "next due"],
                requests.OrderBy(r => r.Request.OpenedAt).Select(r => Row(r.Request.RequestId, r.Request.Region, Time(r.Request.OpenedAt), r.Status,
                    r.NextDue is { } due ? Time(due) : "")).ToList())),
            new("Breach incidents opened in the period", [], new ReportTable(["incident", "opened", "source", "regions", "next notice due"],
                incidents.OrderBy(i => i.OpenedAt).Select(i => Row(i.Id, Time(i.OpenedAt), i.Source, string.Join(' ', i.Regions),
                    i.NextDue is { } due ? Time(due) : "all sent")).ToList())),
        ]);
    }

    private async Task<Report> MlPerformanceAsync(int days)
    {
        var window = analytics.Window(days);
        var total = await analytics.TotalAsync(window);
        var info = await grains.GetGrain<IModelGrain>(0).GetInfoAsync();
        var quality = info.LastQuality;
        return Make("ml-performance", "Model performance", window,
        [
            new("Models now", [
                new("Anomaly ensemble version", info.AnomalyVersion?.ToString(CultureInfo.InvariantCulture) ?? "not trained"),
                new("Anomaly ensemble trained", info.AnomalyTrainedAt is { } a ? Time(a) : ""),
                new("Violation model version", info.ViolationVersion?.ToString(CultureInfo.InvariantCulture) ?? "not trained"),
                new("Violation model trained", info.ViolationTrainedAt is { } v ? Time(v) : ""),
                Fact("Labelled outcomes", info.LabelledExamples), Fact("Confirmed violations among them", info.LabelledPositives),
                new("Labelled outcomes by source", Sources(info.LabelsBySource)),
                Fact("Reservoir samples", info.ReservoirSamples),
            ]),
            new("In the period", [Fact("Assessments", total.Assessments), Fact("Called anomalous", total.Anomalies)]),
            new("Quality on the last held-out split", quality is null
                ? [new("Measured", "not yet (needs labelled outcomes and a training)")]
                : [new("Measured", Time(quality.MeasuredAt)), Fact("Training samples", quality.TrainSamples), Fact("Test samples", quality.TestSamples), new("Split", quality.Split),
                   new("Labelled examples used, by source", Sources(quality.LabelSources))],
                new ReportTable(["detector", "precision", "recall", "F1", "ROC AUC", "test samples", "positives", "threshold"],
                    (quality?.Detectors ?? []).Select(d => Row(d.Detector, D(d.Precision), D(d.Recall), D(d.F1), D(d.RocAuc), N(d.TestSamples), N(d.TestPositives), d.Threshold)).ToList())),
        ]);
    }

    private static string Sources(IReadOnlyDictionary<string, long>? sources) =>
        sources is { Count: > 0 } s ? string.Join(", ", s.Select(p => $"{p.Key} {p.Value.ToString(CultureInfo.InvariantCulture)}")) : "none";

    private Report Make(string kind, string title, AnalyticsWindow window, IReadOnlyList<ReportSection> sections) =>
        new(kind, title, window.From, window.To, window.Days, time.GetUtcNow(), sections);

    private static DateTimeOffset Start(AnalyticsWindow window) => new(window.From.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

    private static ReportFact Fact(string label, long value) => new(label, N(value));

    private static string[] Row(params string[] cells) => cells;

    private static string N(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string D(double? value) => value is { } v ? v.ToString("0.####", CultureInfo.InvariantCulture) : "";

    private static string Percent(double share) => (share * 100).ToString("0.##", CultureInfo.InvariantCulture) + "%";

    private static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm'Z'", CultureInfo.InvariantCulture);
}
