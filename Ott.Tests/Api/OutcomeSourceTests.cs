using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Ott.Grains.Logs;
using Microsoft.Extensions.DependencyInjection;
using Ott.Tests.Support;

namespace Ott.Tests.Api;

/// <summary>
/// Outcomes carry their source (docs/policies.md, "Outcomes and their sources"): an analyst's verdict with the analyst,
/// a simulation's truth with its run id; a simulation teaches the live models and thresholds only when asked; the
/// learned thresholds and the model info count by source.
/// </summary>
public class OutcomeSourceTests
{
    [Test]
    public async Task SimulationsTeachOnlyWhenAsked_AndEveryStoreSaysWhichSourceItLearnedFrom()
    {
        await using var factory = new ApiFactory();
        var admin = await factory.ClientForAsync("admin");
        var analyst = await factory.ClientForAsync("analyst");
        var outcomes = factory.Services.GetRequiredService<IOutcomeLog>();

        var recorded = await (await admin.PostAsJsonAsync("/api/v1/simulations", new { scenario = "normal", users = 3, seed = 5, days = 1 })).JsonAsync();
        var modelsAfterRecord = await (await admin.GetAsync("/api/v1/models")).JsonAsync();
        var segmentsAfterRecord = await (await analyst.GetAsync("/api/v1/analytics/segments")).JsonAsync();
        var prefix = recorded.GetProperty("id_prefix").GetString()!;
        // One of the run's events (a simulated user may have had no session in the period): the latest assessment of the run.
        var latest = await (await analyst.GetAsync("/results/latest?limit=100")).JsonAsync();
        var eventId = latest.EnumerateArray().Select(r => r.GetProperty("event").GetProperty("event_id").GetString()!)
            .First(id => id.StartsWith(prefix + "-", StringComparison.Ordinal));
        var sample = await outcomes.GetAsync(eventId);

        var taught = await (await admin.PostAsJsonAsync("/api/v1/simulations", new { scenario = "normal", users = 3, seed = 6, days = 1, teach = true })).JsonAsync();
        var models = await (await admin.GetAsync("/api/v1/models")).JsonAsync();

        var decision = await (await admin.PostAsync("/api/v1/decisions", Http.Json(TestEvents.Json()))).JsonAsync();
        var verdict = await analyst.PostAsync($"/api/v1/events/{decision.GetProperty("event_id").GetString()}/outcome",
            new StringContent("""{"confirmed_violation":true}""", Encoding.UTF8, "application/json"));
        var learned = await verdict.JsonAsync();
        var analystOutcome = await outcomes.GetAsync(decision.GetProperty("event_id").GetString()!);

        static long Sum(JsonElement segments) => segments.EnumerateArray().Sum(s => s.GetProperty("learning").GetProperty("outcomes").GetInt64());

        Assert.Multiple(() =>
        {
            Assert.That((recorded.GetProperty("taught").GetBoolean(), recorded.GetProperty("labels_recorded").GetInt32(),
                recorded.GetProperty("threshold_outcomes").GetInt32()), Is.EqualTo((false, 0, 0)));
            Assert.That(recorded.GetProperty("outcomes_recorded").GetInt32(), Is.EqualTo(recorded.GetProperty("events").GetInt32()).And.GreaterThan(0));
            Assert.That((sample?.Source, sample?.RunId, sample?.Actor), Is.EqualTo(((string?)"simulation", (string?)prefix, (string?)"admin")));
            Assert.That(modelsAfterRecord.GetProperty("labelled_examples").GetInt32(), Is.Zero, "recorded, not learned");
            Assert.That(Sum(segmentsAfterRecord), Is.Zero, "no threshold learned from a simulation that was not asked to teach");
            Assert.That(taught.GetProperty("taught").GetBoolean(), Is.True);
            Assert.That(models.GetProperty("labels_by_source").GetProperty("simulation").GetInt64(), Is.EqualTo(taught.GetProperty("labels_recorded").GetInt32()));
            Assert.That(verdict.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(learned.GetProperty("sources").GetProperty("analyst").GetInt64(), Is.EqualTo(1));
            Assert.That((analystOutcome?.Source, analystOutcome?.Actor, analystOutcome?.ConfirmedViolation), Is.EqualTo(((string?)"analyst", (string?)"analyst", (bool?)true)));
        });
    }
}
