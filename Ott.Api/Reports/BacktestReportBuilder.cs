using System.Globalization;
using Ott.Grains.Interfaces;

namespace Ott.Api.Reports;

/// <summary>A backtest as a <see cref="Report"/>, for its HTML and CSV forms (JSON is the backtest view itself).</summary>
public static class BacktestReportBuilder
{
    public static Report For(BacktestView view, DateTimeOffset now)
    {
        var r = view.Report;
        var request = view.Request;
        var sections = new List<ReportSection>
        {
            new("Backtest", [
                new("id", view.Id),
                new("candidate version", N(request.Candidate)),
                new("compared with live version", N(view.Live)),
                new("period (event time)", $"{T(request.From)} to {T(request.To)}"),
                new("users", request.Users is { Count: > 0 } users ? string.Join(", ", users) : "all"),
                new("status", view.Status.ToString().ToLowerInvariant()),
                new("events replayed", $"{N(view.EventsReplayed)} of {N(view.EventsTotal)}"),
                new("requested by", request.RequestedBy),
                new("started", T(view.StartedAt)),
                new("finished", view.FinishedAt is { } f ? T(f) : "-"),
                .. view.Error is { } error ? [new ReportFact("error", error)] : Array.Empty<ReportFact>(),
                .. r is null ? Array.Empty<ReportFact>() : [new("seconds", N(r.Seconds)), new("events per second", N(r.EventsPerSecond)), new("users replayed", N(r.Users))],
            ]),
        };

        if (r is not null)
        {
            sections.Add(Matrix("Risk levels: live (rows) to candidate (columns)", r.Levels));
            sections.Add(Matrix("Actions: live (rows) to candidate (columns)", r.Actions));
            sections.Add(new ReportSection("Alerts",
                [new("new alerts under live", N(r.Alerts.Live)), new("new alerts under candidate", N(r.Alerts.Candidate)),
                 new("added by the candidate", N(r.Alerts.Added.Total)), new("removed by the candidate", N(r.Alerts.Removed.Total))],
                new ReportTable(["change", "by", "value", "alerts"], [.. Delta("added", r.Alerts.Added), .. Delta("removed", r.Alerts.Removed)])));
            sections.Add(new ReportSection("Factor points", [],
                new ReportTable(["factor", "live points", "candidate points", "delta", "live events", "candidate events"],
                    [.. r.Factors.Select(f => (IReadOnlyList<string>)[f.Code, N(f.Live), N(f.Candidate), N(f.Delta), N(f.LiveEvents), N(f.CandidateEvents)])])));
            sections.Add(new ReportSection("Users whose outcome changed most", [],
                new ReportTable(["user", "events", "action changes", "level changes", "score moved", "event", "live", "candidate"],
                    [.. r.ChangedUsers.Select(u => (IReadOnlyList<string>)[u.UserId, N(u.Events), N(u.ActionChanges), N(u.LevelChanges), N(u.ScoreDelta),
                        u.Live.EventId, Verdict(u.Live), Verdict(u.Candidate)])])));
            var o = r.Outcomes;
            sections.Add(new ReportSection("Alerts against recorded outcomes",
                [new("outcome sources", string.Join(", ", o.Sources)), new("events with an outcome", N(o.Labelled)),
                 .. o.BySource.Select(s => new ReportFact($"from {s.Key}", N(s.Value)))],
                new ReportTable(["policy", "true positives", "false positives", "false negatives", "true negatives", "precision", "recall", "f1"],
                    [Quality("live", o.Live), Quality("candidate", o.Candidate)])));
            sections.Add(new ReportSection("Inputs besides the policies", [.. r.Inputs.Select(i => new ReportFact(i.Key, i.Value))]));
        }

        var from = DateOnly.FromDateTime(request.From.UtcDateTime);
        var to = DateOnly.FromDateTime(request.To.UtcDateTime);
        return new Report("backtest", $"Backtest {view.Id}: policy v{request.Candidate} against v{view.Live}", from, to,
            Math.Max(1, (int)Math.Ceiling((request.To - request.From).TotalDays)), now, sections);
    }

    private static ReportSection Matrix(string heading, IReadOnlyDictionary<string, IReadOnlyDictionary<string, long>> matrix)
    {
        var columns = matrix.Keys.ToList();
        return new ReportSection(heading, [], new ReportTable(["live \\ candidate", .. columns],
            [.. matrix.Select(row => (IReadOnlyList<string>)[row.Key, .. columns.Select(c => N(row.Value.GetValueOrDefault(c)))])]));
    }

    private static IEnumerable<IReadOnlyList<string>> Delta(string change, AlertDelta delta) =>
        delta.BySeverity.Select(p => (IReadOnlyList<string>)[change, "severity", p.Key, N(p.Value)])
            .Concat(delta.BySegment.Select(p => (IReadOnlyList<string>)[change, "segment", p.Key, N(p.Value)]))
            .Concat(delta.ByRegion.Select(p => (IReadOnlyList<string>)[change, "region", p.Key, N(p.Value)]));

    private static IReadOnlyList<string> Quality(string policy, AlertQuality q) =>
        [policy, N(q.TruePositives), N(q.FalsePositives), N(q.FalseNegatives), N(q.TrueNegatives), Opt(q.Precision), Opt(q.Recall), Opt(q.F1)];

    private static string Verdict(Assessment a) =>
        $"{a.RiskLevel.ToString().ToLowerInvariant()} {N(a.RiskScore)} {a.Action.ToString().ToLowerInvariant()}" + (a.DecisionRule is { } rule ? $" ({rule})" : "");

    private static string Opt(double? value) => value is { } v ? N(v) : "-";

    private static string N(double value) => value.ToString("0.####", CultureInfo.InvariantCulture);

    private static string N(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string T(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
