using System.Net;
using System.Text.Json;
using Ott.Tests.Support;

namespace Ott.Tests.Api;

/// <summary>
/// The analytics endpoints against a known set of ingested events, in a host of their own (analytics are
/// cluster-wide): the aggregates must agree exactly with the assessments read back one by one.
/// </summary>
[NonParallelizable]
public class AnalyticsApiTests
{
    private ApiFactory _api = null!;
    private HttpClient _client = null!;
    private List<JsonElement> _assessments = null!;
    private System.Text.Json.Nodes.JsonObject _oldRequest = null!;

    [OneTimeSetUp]
    public async Task IngestKnownEventsAsync()
    {
        _api = new ApiFactory();
        _client = await _api.ClientForAsync("analyst");
        var ingest = await _api.ClientForAsync("admin");
        var events = Enumerable.Range(0, 4).Select(_ => TestEvents.Json())
            .Concat(Enumerable.Range(0, 3).Select(_ => TestEvents.Json(e =>
            {
                e["region"] = "DE";
                e["is_eu"] = true;
                e["has_consent"] = false;
                e["purpose"] = "advertising";
            })))
            .Concat(Enumerable.Range(0, 2).Select(_ => TestEvents.Json(e =>
            {
                e["region"] = "BR";
                e["event_type"] = "error";
            })))
            .ToArray();
        Assert.That((await ingest.PostBatchAsync(events)).StatusCode, Is.EqualTo(HttpStatusCode.Accepted));

        // Outside every 7-day window: a deletion request from 10 days ago (reports over 30 days include it).
        _oldRequest = TestEvents.Json(e =>
        {
            e["event_type"] = "data_deletion_request";
            e["region"] = "DE";
            e["is_eu"] = true;
        }, DateTimeOffset.UtcNow.AddDays(-10));
        Assert.That((await ingest.PostEventAsync(_oldRequest)).StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        await ingest.DrainAsync();
        _assessments = [];
        foreach (var e in events)
        {
            _assessments.Add(await (await _client.GetAsync($"/api/v1/events/{e["event_id"]}/assessment")).JsonAsync());
        }
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        _client.Dispose();
        await _api.DisposeAsync();
    }

    private async Task<JsonElement> GetAsync(string path) =>
        await Eventually.WaitAsync(async () => await (await _client.GetAsync(path)).JsonAsync(),
            body => !body.TryGetProperty("total", out var total) || total.GetInt64() == 9, $"{path} counts all 9 events");

    private static bool HasViolation(JsonElement a) =>
        a.TryGetProperty("compliance", out var c) && c.ValueKind == JsonValueKind.Object && c.GetProperty("violations").GetArrayLength() > 0;

    [Test]
    public async Task RiskDistribution_MatchesTheAssessments()
    {
        var body = await GetAsync("/api/v1/analytics/risk-distribution?days=7");
        var expected = _assessments.GroupBy(a => a.GetProperty("risk_level").GetString()!).ToDictionary(g => g.Key, g => (long)g.Count());

        Assert.Multiple(() =>
        {
            Assert.That(body.GetProperty("days").GetInt32(), Is.EqualTo(7));
            Assert.That(body.GetProperty("total").GetInt64(), Is.EqualTo(9));
            foreach (var level in new[] { "low", "medium", "high", "critical" })
            {
                Assert.That(body.GetProperty("counts").GetProperty(level).GetInt64(), Is.EqualTo(expected.GetValueOrDefault(level)), level);
            }
        });
    }

    [Test]
    public async Task ComplianceSummary_CountsAssessmentsWithViolations()
    {
        await GetAsync("/api/v1/analytics/risk-distribution?days=7");
        var body = await (await _client.GetAsync("/api/v1/analytics/compliance-summary?days=7")).JsonAsync();
        var withViolations = _assessments.Count(HasViolation);
        var gdpr = _assessments.Count(a => HasViolation(a) &&
            a.GetProperty("compliance").GetProperty("violations").EnumerateArray().Any(v => v.GetProperty("regulation").GetString() == "GDPR"));

        Assert.Multiple(() =>
        {
            Assert.That(body.GetProperty("assessments").GetInt64(), Is.EqualTo(9));
            Assert.That(body.GetProperty("with_violations").GetInt64(), Is.EqualTo(withViolations).And.GreaterThanOrEqualTo(3));
            Assert.That(body.GetProperty("by_regulation").GetProperty("GDPR").GetInt64(), Is.EqualTo(gdpr).And.EqualTo(3));
            Assert.That(body.GetProperty("compliance_rate").GetDouble(), Is.EqualTo(Math.Round(1 - withViolations / 9.0, 4)));
        });
    }

    [Test]
    public async Task Geography_AndTrends_AndFactors_AreExact()
    {
        await GetAsync("/api/v1/analytics/risk-distribution?days=7");
        var geo = await (await _client.GetAsync("/api/v1/analytics/geographic-distribution?days=7")).JsonAsync();
        var trends = await (await _client.GetAsync("/api/v1/analytics/violation-trends?days=3")).JsonAsync();
        var factors = await (await _client.GetAsync("/api/v1/analytics/top-risk-factors?days=7&limit=50")).JsonAsync();
        var expectedFactors = _assessments.SelectMany(a => a.GetProperty("factors").EnumerateArray().Select(f => f.GetProperty("code").GetString()!).Distinct())
            .GroupBy(c => c).ToDictionary(g => g.Key, g => (long)g.Count());

        Assert.Multiple(() =>
        {
            Assert.That(geo.GetProperty("regions").EnumerateArray().Select(r => (r.GetProperty("region").GetString(), r.GetProperty("events").GetInt64())),
                Is.EqualTo(new[] { ("US", 4L), ("DE", 3L), ("BR", 2L) }));
            var series = trends.GetProperty("series").EnumerateArray().ToList();
            Assert.That(series, Has.Count.EqualTo(3));
            Assert.That(series.Sum(d => d.GetProperty("assessments").GetInt64()), Is.EqualTo(9));
            Assert.That(factors.GetProperty("factors").EnumerateArray().ToDictionary(f => f.GetProperty("code").GetString()!, f => f.GetProperty("count").GetInt64()),
                Is.EqualTo(expectedFactors));
        });
    }

    [TestCase("/api/v1/analytics/risk-distribution?days=0", "days")]
    [TestCase("/api/v1/analytics/violation-trends?days=367", "days")]
    [TestCase("/api/v1/analytics/top-risk-factors?limit=0", "limit")]
    public async Task BadWindow_Is422NamingTheField(string path, string field)
    {
        var response = await _client.GetAsync(path);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.UnprocessableEntity));
        Assert.That((await response.JsonAsync()).Errors().Keys, Does.Contain(field));
    }

    [Test]
    public async Task ExecutiveSummary_Json_HasTheWindowsFigures()
    {
        await GetAsync("/api/v1/analytics/risk-distribution?days=7");
        var report = await (await _client.GetAsync("/api/v1/reports/executive-summary?days=7")).JsonAsync();
        string Fact(string section, string label) => report.GetProperty("sections").EnumerateArray()
            .Single(s => s.GetProperty("heading").GetString() == section).GetProperty("facts").EnumerateArray()
            .Single(f => f.GetProperty("label").GetString() == label).GetProperty("value").GetString()!;

        Assert.Multiple(() =>
        {
            Assert.That(report.GetProperty("days").GetInt32(), Is.EqualTo(7));
            Assert.That(Fact("Risk", "Assessments"), Is.EqualTo("9"));
            Assert.That(Fact("Compliance", "Assessments with a regulation violation"), Is.EqualTo(_assessments.Count(HasViolation).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        });
    }

    [Test]
    public async Task ComplianceReport_CoversTheRequestedPeriodOnly_InCsvAndHtml()
    {
        await GetAsync("/api/v1/analytics/risk-distribution?days=7");
        var week = await _client.GetAsync("/api/v1/reports/compliance?days=7&format=csv");
        var month = await (await _client.GetAsync("/api/v1/reports/compliance?days=30&format=csv")).Content.ReadAsStringAsync();
        var html = await _client.GetAsync("/api/v1/reports/compliance?days=7&format=html");
        var weekText = await week.Content.ReadAsStringAsync();
        var requestId = _oldRequest["event_id"]!.GetValue<string>();

        Assert.Multiple(async () =>
        {
            Assert.That(week.Content.Headers.ContentType!.MediaType, Is.EqualTo("text/csv"));
            Assert.That(week.Content.Headers.ContentDisposition?.FileName, Does.EndWith(".csv"));
            Assert.That(weekText, Does.Contain("Summary,Assessments,9\r\n"));
            Assert.That(weekText, Does.Contain("Violations by regulation,GDPR,3,"));
            Assert.That(weekText, Does.Not.Contain(requestId), "a request opened before the period is not in it");
            Assert.That(month, Does.Contain("Summary,Assessments,10"));
            Assert.That(month, Does.Contain(requestId), "the 30-day report includes it");
            Assert.That(html.Content.Headers.ContentType!.MediaType, Is.EqualTo("text/html"));
            Assert.That(await html.Content.ReadAsStringAsync(), Does.Contain("<h1>Compliance report</h1>"));
        });
    }

    [Test]
    public async Task Reports_RejectUnknownKindsAndFormats()
    {
        Assert.Multiple(async () =>
        {
            Assert.That((await _client.GetAsync("/api/v1/reports/quarterly")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That((await _client.GetAsync("/api/v1/reports/compliance?format=pdf")).StatusCode, Is.EqualTo(HttpStatusCode.UnprocessableEntity));
            Assert.That((await _client.GetAsync("/api/v1/reports/ml-performance?format=html")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        });
    }

    [Test]
    public async Task Roi_SameCallTwice_SameAnswer_AndValidated()
    {
        var first = await (await _client.GetAsync("/api/v1/compliance/roi?months=12&users=100000")).Content.ReadAsStringAsync();
        var second = await (await _client.GetAsync("/api/v1/compliance/roi?months=12&users=100000")).Content.ReadAsStringAsync();
        var missing = await _client.GetAsync("/api/v1/compliance/roi?months=12");

        Assert.Multiple(async () =>
        {
            Assert.That(second, Is.EqualTo(first));
            Assert.That(JsonDocument.Parse(first).RootElement.GetProperty("net_benefit").GetDouble(), Is.EqualTo(699_600));
            Assert.That(missing.StatusCode, Is.EqualTo(HttpStatusCode.UnprocessableEntity));
            Assert.That((await missing.JsonAsync()).Errors().Keys, Does.Contain("users"));
        });
    }
}
