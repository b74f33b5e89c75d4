using System.Text.RegularExpressions;
using Ott.Api.Reports;
using Ott.Grains.Compliance;

namespace Ott.Tests.Engines;

public partial class ReportAndRoiTests
{
    [Test]
    public void Roi_DefaultTable_HasExactFigures()
    {
        var estimate = RoiCalculator.Estimate(12, 100_000, new RoiOptions());

        Assert.Multiple(() =>
        {
            Assert.That((estimate.PlatformCost, estimate.UserCost, estimate.TotalCost), Is.EqualTo((48_000d, 2_400d, 50_400d)));
            Assert.That(estimate.ViolationsAvoided, Is.EqualTo(36));
            Assert.That((estimate.FinesAvoided, estimate.FraudPrevented, estimate.AnalystSavings), Is.EqualTo((720_000d, 16_800d, 13_200d)));
            Assert.That((estimate.TotalBenefit, estimate.NetBenefit, estimate.MonthlyNetBenefit), Is.EqualTo((750_000d, 699_600d, 58_300d)));
            Assert.That(estimate.Roi, Is.EqualTo(13.881));
        });
    }

    [Test]
    public void Roi_IsAPureFunctionOfItsInputs()
    {
        var table = new RoiOptions { CostPerViolation = 1_000, PlatformCostPerMonth = 10_000 };
        var first = RoiCalculator.Estimate(6, 5_000, table);
        var second = RoiCalculator.Estimate(6, 5_000, table);
        Assert.Multiple(() =>
        {
            Assert.That(second, Is.EqualTo(first));
            Assert.That(first.NetBenefit, Is.LessThan(0), "a small platform with an expensive base does not pay");
            Assert.That(first.NetBenefit, Is.Not.EqualTo(RoiCalculator.Estimate(6, 5_000, new RoiOptions()).NetBenefit), "the cost table is an input");
        });
    }

    [TestCase(0, 10)]
    [TestCase(121, 10)]
    [TestCase(12, 0)]
    public void Roi_OutOfRange_Throws(int months, long users) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => RoiCalculator.Estimate(months, users, new RoiOptions()));

    private static Report Sample() => new("compliance", "Compliance <report>", new DateOnly(2026, 3, 1), new DateOnly(2026, 3, 7), 7,
        new DateTimeOffset(2026, 3, 7, 12, 0, 0, TimeSpan.Zero),
        [
            new ReportSection("Summary", [new ReportFact("Assessments", "12"), new ReportFact("Note", "a, \"quoted\"\nline")]),
            new ReportSection("Regions", [], new ReportTable(["region", "value"], [["<script>alert(1)</script>", "=1+1"], ["DE", "-3"]])),
            new ReportSection("Empty", [], new ReportTable(["x"], [])),
        ]);

    [Test]
    public void Html_IsEncodedBalancedAndSelfContained()
    {
        var html = ReportRenderer.Html(Sample());

        var stack = new Stack<string>();
        foreach (Match tag in Tag().Matches(html))
        {
            var name = tag.Groups[2].Value.ToLowerInvariant();
            if (name is "meta" or "!doctype")
            {
                continue;
            }

            if (tag.Groups[1].Value == "/")
            {
                Assert.That(stack.Pop(), Is.EqualTo(name), "tags close in order");
            }
            else
            {
                stack.Push(name);
            }
        }

        Assert.Multiple(() =>
        {
            Assert.That(stack, Is.Empty, "every tag is closed");
            Assert.That(html, Does.Contain("&lt;script&gt;alert(1)&lt;/script&gt;").And.Not.Contain("<script>"));
            Assert.That(html, Does.Contain("<title>Compliance &lt;report&gt;</title>"));
            Assert.That(html, Does.Contain("@media print"));
            Assert.That(html, Does.Not.Contain("http"), "nothing is fetched");
            Assert.That(html, Does.Contain("None in this period."));
        });
    }

    [Test]
    public void Csv_QuotesAndNeutralisesFormulas()
    {
        var records = ParseCsv(ReportRenderer.Csv(Sample()));

        Assert.Multiple(() =>
        {
            Assert.That(records[0], Is.EqualTo(new[] { "section", "field", "value" }));
            Assert.That(records.Select(r => r.Length), Has.All.GreaterThanOrEqualTo(2));
            Assert.That(records, Has.Some.EqualTo(new[] { "Summary", "Note", "a, \"quoted\"\nline" }), "commas, quotes and newlines survive");
            Assert.That(records, Has.Some.EqualTo(new[] { "Regions", "<script>alert(1)</script>", "'=1+1" }), "a formula is not a formula");
            Assert.That(records, Has.Some.EqualTo(new[] { "Regions", "DE", "-3" }), "a negative number stays a number");
            Assert.That(records, Has.Some.EqualTo(new[] { "report", "from", "2026-03-01" }));
        });
    }

    /// <summary>A strict RFC 4180 reader (fails on a stray quote).</summary>
    private static List<string[]> ParseCsv(string text)
    {
        var records = new List<string[]>();
        var fields = new List<string>();
        var field = new System.Text.StringBuilder();
        var i = 0;
        while (i < text.Length)
        {
            if (text[i] == '"')
            {
                i++;
                while (true)
                {
                    Assert.That(i, Is.LessThan(text.Length), "unterminated quote");
                    if (text[i] == '"' && i + 1 < text.Length && text[i + 1] == '"')
                    {
                        field.Append('"');
                        i += 2;
                    }
                    else if (text[i] == '"')
                    {
                        i++;
                        break;
                    }
                    else
                    {
                        field.Append(text[i++]);
                    }
                }
            }
            else if (text[i] == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
                i++;
            }
            else if (text[i] == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
            {
                fields.Add(field.ToString());
                field.Clear();
                records.Add([.. fields]);
                fields.Clear();
                i += 2;
            }
            else
            {
                Assert.That(text[i], Is.Not.EqualTo('"').And.Not.EqualTo('\n'), "bare quote or newline outside quotes");
                field.Append(text[i++]);
            }
        }

        return records;
    }

    [GeneratedRegex("<(/?)([!a-zA-Z][a-zA-Z0-9]*)[^>]*>")]
    private static partial Regex Tag();
}
