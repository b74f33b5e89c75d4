using Ott.Grains.Analytics;
using Ott.Grains.Interfaces;
using static Ott.Tests.Support.TestEvents;

namespace Ott.Tests.Engines;

public class AnalyticsTallyTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 10, 15, 0, 0, TimeSpan.Zero);

    private static Assessment Scored(string region, RiskLevel level, DateTimeOffset at, string[] regulations, params (string Code, double Points)[] factors) =>
        AssessmentOf(Event(region: region, at: at), level) with
        {
            Factors = factors.Select(f => new RiskFactor(f.Code, f.Points, "")).ToList(),
            Action = level switch { RiskLevel.Critical => RiskAction.Block, RiskLevel.High => RiskAction.Review, _ => RiskAction.Allow },
            Compliance = new ComplianceVerdict
            {
                IsCompliant = regulations.Length == 0,
                ApplicableRegulations = regulations,
                Violations = regulations.SelectMany(r => new[] { new Violation(r, "a", "consent", "x"), new Violation(r, "b", "purpose", "y") }).ToList(),
                PackVersion = "t",
            },
        };

    private static (AnalyticsCounts Today, AnalyticsCounts Yesterday) Sample()
    {
        var today = new AnalyticsCounts();
        var yesterday = new AnalyticsCounts();
        AnalyticsTally.Add(today, Scored("DE", RiskLevel.High, Now, ["GDPR", "ePrivacy"], ("eu_no_consent", 5), ("new_account", 2)));
        AnalyticsTally.Add(today, Scored("DE", RiskLevel.Low, Now, []));
        AnalyticsTally.Add(today, Scored("US", RiskLevel.Critical, Now, ["CCPA"], ("velocity", 4), ("velocity", 3), ("new_account", 2)));
        AnalyticsTally.Add(yesterday, Scored("US", RiskLevel.Medium, Now.AddDays(-1), [], ("velocity", 4)));
        return (today, yesterday);
    }

    [Test]
    public void Window_IsTheDaysEndingToday_AndBounded()
    {
        var window = AnalyticsTally.Window(7, Now);
        Assert.Multiple(() =>
        {
            Assert.That((window.From, window.To), Is.EqualTo((new DateOnly(2026, 3, 4), new DateOnly(2026, 3, 10))));
            Assert.That(AnalyticsTally.Dates(window).Count(), Is.EqualTo(7));
            Assert.Throws<ArgumentOutOfRangeException>(() => AnalyticsTally.Window(0, Now));
            Assert.Throws<ArgumentOutOfRangeException>(() => AnalyticsTally.Window(AnalyticsTally.MaxDays + 1, Now));
        });
    }

    [Test]
    public void Add_CountsAssessmentsOncePerRegulationAndFactor()
    {
        var (today, _) = Sample();
        Assert.Multiple(() =>
        {
            Assert.That(today.Assessments, Is.EqualTo(3));
            Assert.That(today.WithViolations, Is.EqualTo(2), "an assessment with violations counts once");
            Assert.That(today.ByRegulation, Is.EqualTo(new Dictionary<string, long> { ["GDPR"] = 1, ["ePrivacy"] = 1, ["CCPA"] = 1 }),
                "two violations of one law in one assessment count once");
            Assert.That(today.FactorCounts["velocity"], Is.EqualTo(1), "a factor listed twice counts one assessment");
            Assert.That(today.FactorPoints["velocity"], Is.EqualTo(7), "but adds all its points");
            Assert.That(today.Regions["DE"].Events, Is.EqualTo(2));
            Assert.That(today.Regions["US"].HighOrCritical, Is.EqualTo(1));
            Assert.That(today.ByAction[RiskAction.Block], Is.EqualTo(1));
        });
    }

    [Test]
    public void Views_OverTheWindow_HaveExactFigures()
    {
        var (today, yesterday) = Sample();
        var window = AnalyticsTally.Window(2, Now);
        var days = new Dictionary<DateOnly, AnalyticsCounts> { [window.To] = today, [window.From] = yesterday };
        var total = AnalyticsTally.Sum(days.Values);

        var risk = AnalyticsTally.RiskDistribution(window, total);
        var factors = AnalyticsTally.TopFactors(window, total, 2);
        var geo = AnalyticsTally.Geography(window, total);
        var trends = AnalyticsTally.Trends(AnalyticsTally.Window(3, Now), days);
        var summary = AnalyticsTally.ComplianceSummary(window, total);

        Assert.Multiple(() =>
        {
            Assert.That(risk.Total, Is.EqualTo(4));
            Assert.That(risk.Counts, Is.EqualTo(new LevelCounts(1, 1, 1, 1)));
            Assert.That(risk.Shares, Is.EqualTo(new LevelShares(0.25, 0.25, 0.25, 0.25)));
            Assert.That((risk.Allowed, risk.Reviewed, risk.Blocked), Is.EqualTo((2L, 1L, 1L)));

            Assert.That(factors.Factors, Is.EqualTo(new[]
            {
                new FactorUse("new_account", 2, 0.5, 2),
                new FactorUse("velocity", 2, 0.5, 5.5),
            }), "ties by code; velocity's 11 points over 2 assessments");

            Assert.That(geo.Regions, Is.EqualTo(new[]
            {
                new RegionUse("DE", 2, 1, 1, 0.5),
                new RegionUse("US", 2, 1, 1, 0.5),
            }));

            Assert.That(trends.Series.Select(d => (d.Date, d.Assessments, d.WithViolations)), Is.EqualTo(new[]
            {
                (new DateOnly(2026, 3, 8), 0L, 0L),
                (new DateOnly(2026, 3, 9), 1L, 0L),
                (new DateOnly(2026, 3, 10), 3L, 2L),
            }), "oldest first, empty days included");

            Assert.That(summary.ComplianceRate, Is.EqualTo(0.5));
            Assert.That(summary.ByRegulation.Keys, Is.EqualTo(new[] { "CCPA", "GDPR", "ePrivacy" }));
        });
    }

    [Test]
    public void Merge_OfSilosFlushes_EqualsOneTally()
    {
        var (today, _) = Sample();
        var merged = new AnalyticsCounts();
        AnalyticsTally.Merge(merged, today);
        AnalyticsTally.Merge(merged, today);

        Assert.Multiple(() =>
        {
            Assert.That(merged.Assessments, Is.EqualTo(6));
            Assert.That(merged.ByRegulation["GDPR"], Is.EqualTo(2));
            Assert.That(merged.FactorPoints["eu_no_consent"], Is.EqualTo(10));
            Assert.That(merged.Regions["DE"].WithViolations, Is.EqualTo(2));
        });
    }

    [Test]
    public void NoAssessments_GiveZerosAndANullRate()
    {
        var window = AnalyticsTally.Window(1, Now);
        var empty = new AnalyticsCounts();
        Assert.Multiple(() =>
        {
            Assert.That(AnalyticsTally.ComplianceSummary(window, empty).ComplianceRate, Is.Null);
            Assert.That(AnalyticsTally.RiskDistribution(window, empty).Shares, Is.EqualTo(new LevelShares(0, 0, 0, 0)));
            Assert.That(AnalyticsTally.TopFactors(window, empty, 10).Factors, Is.Empty);
        });
    }
}
