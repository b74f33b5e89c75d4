using System.Globalization;
using System.Net;
using System.Text;

namespace Ott.Api.Reports;

/// <summary>A report: a title, the period it covers, and sections of facts and tables. Rendered as JSON, HTML or CSV.</summary>
public sealed record Report(string Kind, string Title, DateOnly From, DateOnly To, int Days, DateTimeOffset GeneratedAt, IReadOnlyList<ReportSection> Sections);

/// <summary>A section: label/value facts, a table, or both.</summary>
public sealed record ReportSection(string Heading, IReadOnlyList<ReportFact> Facts, ReportTable? Table = null);

public sealed record ReportFact(string Label, string Value);

public sealed record ReportTable(IReadOnlyList<string> Columns, IReadOnlyList<IReadOnlyList<string>> Rows);

/// <summary>The HTML and CSV forms of a <see cref="Report"/> (JSON is the record itself).</summary>
public static class ReportRenderer
{
    /// <summary>
    /// A self-contained, printable page: no script, no external resource, every value HTML-encoded (values come from
    /// events, e.g. region codes and factor codes, and must never become markup).
    /// </summary>
    public static string Html(Report report)
    {
        static string E(string text) => WebUtility.HtmlEncode(text);
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<title>").Append(E(report.Title)).Append("</title>\n")
            .Append("<style>body{font-family:system-ui,sans-serif;margin:2rem;color:#111}h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:1.6rem;border-bottom:1px solid #ccc}")
            .Append("table{border-collapse:collapse;margin:.5rem 0}th,td{border:1px solid #bbb;padding:.25rem .6rem;text-align:left}th{background:#f0f0f0}")
            .Append("dl{display:grid;grid-template-columns:max-content auto;gap:.2rem 1rem}dt{font-weight:600}")
            .Append("@media print{body{margin:0}h2{page-break-after:avoid}table{page-break-inside:avoid}}</style>\n</head>\n<body>\n")
            .Append("<h1>").Append(E(report.Title)).Append("</h1>\n")
            .Append("<p>Period: ").Append(E(Date(report.From))).Append(" to ").Append(E(Date(report.To)))
            .Append(" (").Append(report.Days).Append(report.Days == 1 ? " day" : " days").Append(", UTC). Generated ")
            .Append(E(report.GeneratedAt.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture))).Append(".</p>\n");
        foreach (var section in report.Sections)
        {
            html.Append("<section>\n<h2>").Append(E(section.Heading)).Append("</h2>\n");
            if (section.Facts.Count > 0)
            {
                html.Append("<dl>\n");
                foreach (var fact in section.Facts)
                {
                    html.Append("<dt>").Append(E(fact.Label)).Append("</dt><dd>").Append(E(fact.Value)).Append("</dd>\n");
                }

                html.Append("</dl>\n");
            }

            if (section.Table is { } table)
            {
                if (table.Rows.Count == 0)
                {
                    html.Append("<p>None in this period.</p>\n");
                }
                else
                {
                    html.Append("<table>\n<thead><tr>");
                    foreach (var column in table.Columns)
                    {
                        html.Append("<th>").Append(E(column)).Append("</th>");
                    }

                    html.Append("</tr></thead>\n<tbody>\n");
                    foreach (var row in table.Rows)
                    {
                        html.Append("<tr>");
                        foreach (var cell in row)
                        {
                            html.Append("<td>").Append(E(cell)).Append("</td>");
                        }

                        html.Append("</tr>\n");
                    }

                    html.Append("</tbody>\n</table>\n");
                }
            }

            html.Append("</section>\n");
        }

        return html.Append("</body>\n</html>\n").ToString();
    }

    /// <summary>
    /// RFC 4180 CSV, one record per fact or table row: <c>section,label_or_column...,value...</c>. The first record
    /// is the header <c>section,field,value</c> for facts; each table starts with its own header record. Cells that
    /// could be read as formulas by a spreadsheet are prefixed with an apostrophe.
    /// </summary>
    public static string Csv(Report report)
    {
        var csv = new StringBuilder();
        void Record(IEnumerable<string> cells) => csv.Append(string.Join(',', cells.Select(Cell))).Append("\r\n");
        Record(["section", "field", "value"]);
        Record(["report", "title", report.Title]);
        Record(["report", "from", Date(report.From)]);
        Record(["report", "to", Date(report.To)]);
        Record(["report", "days", report.Days.ToString(CultureInfo.InvariantCulture)]);
        foreach (var section in report.Sections)
        {
            foreach (var fact in section.Facts)
            {
                Record([section.Heading, fact.Label, fact.Value]);
            }

            if (section.Table is { } table)
            {
                Record([section.Heading, .. table.Columns]);
                foreach (var row in table.Rows)
                {
                    Record([section.Heading, .. row]);
                }
            }
        }

        return csv.ToString();
    }

    private static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Cell(string value)
    {
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@' && !double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
        {
            value = "'" + value;
        }

        return value.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }
}
