using System.Text.Json.Nodes;
using Ott.Grains.Interfaces;
using Ott.Grains.Policies;
using Ott.Tests.Support;

namespace Ott.Tests.Engines.Policies;

/// <summary>docs/policies.md, "Validation": every refusal names its JSON path and the reason.</summary>
public class PolicyValidatorTests
{
    private static readonly JsonNode Basis = JsonNode.Parse(PolicyJson.Write(TestPolicies.DefaultDocument()))!;

    private static IReadOnlyList<PolicyError> Errors(string json, JsonNode? basis = null)
    {
        var document = PolicyValidator.Read(json, basis ?? Basis, TestPolicies.Pack, out var errors);
        Assert.That(document is null, Is.EqualTo(errors.Count > 0), "a document comes back exactly when there is no error");
        return errors;
    }

    private static string Rule(string when, string action = "block", string id = "r1") =>
        $$"""{"rules":[{"id":"{{id}}","when":{{when}},"action":"{{action}}"}]}""";

    [Test]
    public void AnEmptyPatch_IsTheBasisItself()
    {
        var document = PolicyValidator.Read("{}", Basis, TestPolicies.Pack, out var errors);

        Assert.Multiple(() =>
        {
            Assert.That(errors, Is.Empty);
            Assert.That(JsonNode.DeepEquals(JsonNode.Parse(PolicyJson.Write(document!)), Basis), Is.True);
        });
    }

    [Test]
    public void FieldsLeftOut_ComeFromTheBasis_ObjectsMergeAndArraysReplace()
    {
        var document = PolicyValidator.Read(
            """{"description":"stricter","scoring":{"eu_no_consent_points":7},"segments":{"parameters":{"new_user":{"threshold_high":6}}}}""",
            Basis, TestPolicies.Pack, out _)!;

        Assert.Multiple(() =>
        {
            Assert.That(document.Description, Is.EqualTo("stricter"));
            Assert.That(document.Scoring.EuNoConsentPoints, Is.EqualTo(7.0));
            Assert.That(document.Scoring.AuthOrPlaybackErrorPoints, Is.EqualTo(3.0), "untouched field from the basis");
            Assert.That(document.Segments.For("new_user").ThresholdHigh, Is.EqualTo(6.0));
            Assert.That(document.Segments.For("new_user").AnomalySensitivity, Is.EqualTo(1.3), "sibling kept by the deep merge");
            Assert.That(document.Segments.For("power_user").ThresholdHigh, Is.EqualTo(9.0));
        });
    }

    [TestCase("{\"scoring\":", "$", "not valid JSON")]
    [TestCase("[1]", "$", "must be a JSON object")]
    [TestCase("{\"scoring\":{\"surprise\":1}}", "$.scoring.surprise", "unknown field")]
    [TestCase("{\"scoring\":{\"eu_no_consent_points\":\"five\"}}", "$.scoring.eu_no_consent_points", "must be a number in range")]
    [TestCase("{\"alerts\":{\"min_level\":\"severe\"}}", "$.alerts.min_level", "must be one of low, medium, high, critical")]
    [TestCase("{\"alerts\":{\"dedupe_window\":\"ten minutes\"}}", "$.alerts.dedupe_window", "must be a duration such as 00:10:00")]
    [TestCase("{\"rules\":5}", "$.rules", "must be an array")]
    [TestCase("{\"rules\":[{\"id\":\"a\",\"when\":{\"in_fraud_ring\":\"yes\"},\"action\":\"block\"}]}", "$.rules[0].when.in_fraud_ring", "must be true or false")]
    [TestCase("{\"rules\":[{\"id\":\"a\",\"when\":{\"anomaly\":true},\"action\":\"deny\"}]}", "$.rules[0].action", "must be one of allow, review, block")]
    public void UnreadableDocuments_NameThePathAndTheReason(string json, string path, string reason)
    {
        var errors = Errors(json);

        Assert.That(errors, Has.Count.EqualTo(1));
        Assert.That(errors[0].Path, Is.EqualTo(path));
        Assert.That(errors[0].Reason, Does.StartWith(reason));
    }

    [TestCase("{\"scoring\":{\"eu_no_consent_points\":50}}", "$.scoring.eu_no_consent_points", "must be between 0 and 20.")]
    [TestCase("{\"scoring\":{\"high_frequency_max_per_type\":{\"scroll\":5}}}", "$.scoring.high_frequency_max_per_type", "HighFrequencyMaxPerType has 'scroll', which is not an event type.")]
    [TestCase("{\"threshold\":{\"min\":11,\"max\":10}}", "$.threshold.min", "must not be above max (10)")]
    [TestCase("{\"threshold\":{\"night_adjustment\":0.9}}", "$.threshold.night_adjustment", "must be between 0 and 0.5.")]
    [TestCase("{\"segments\":{\"parameters\":{\"new_user\":{\"channels\":[\"pager\"]}}}}", "$.segments.parameters", "segment 'new_user' has unknown alert channel 'pager' (log, webhook, slack, email).")]
    [TestCase("{\"segments\":{\"inactive_days\":120}}", "$.segments.inactive_days", "InactiveDays must be less than DormantDays.")]
    [TestCase("{\"alerts\":{\"severity_step_multiplier\":9}}", "$.alerts.severity_step_multiplier", "must be between 0.1 and 5.")]
    [TestCase("{\"regulation_pack\":\"1999.1\"}", "$.regulation_pack", "is '1999.1', but the silos judge with pack")]
    public void OutOfRangeValues_NameThePathAndTheReason(string json, string path, string reason)
    {
        var errors = Errors(json);

        Assert.That(errors.Select(e => e.Path), Is.EqualTo(new[] { path }));
        Assert.That(errors[0].Reason, Does.StartWith(reason));
    }

    [TestCase("""{"event_types":["export"]}""", "block", "r1", null, null)]
    [TestCase("""{"event_types":["export"]}""", "block", "", "$.rules[0].id", "is required: 1-64 of a-z")]
    [TestCase("""{"event_types":["export"]}""", "block", "Bad Id", "$.rules[0].id", "is required: 1-64 of a-z")]
    [TestCase("""{"event_types":["export"]}""", "", "r1", "$.rules[0].action", "is required: allow, review or block")]
    [TestCase("""{}""", "block", "r1", "$.rules[0].when", "needs at least one condition")]
    [TestCase("""{"event_types":["teleport"]}""", "block", "r1", "$.rules[0].when.event_types[0]", "'teleport' is not an event type")]
    [TestCase("""{"factors":["bad_vibes"]}""", "block", "r1", "$.rules[0].when.factors[0]", "'bad_vibes' is not a factor code")]
    [TestCase("""{"compliance_rules":["consent","gossip"]}""", "block", "r1", "$.rules[0].when.compliance_rules[1]", "'gossip' is not a compliance rule id")]
    [TestCase("""{"regulations":["GDPR","XYZ"]}""", "block", "r1", "$.rules[0].when.regulations[1]", "'XYZ' is not a regulation of the pack")]
    [TestCase("""{"segments":["vip_user"]}""", "block", "r1", "$.rules[0].when.segments[0]", "'vip_user' is not a segment")]
    [TestCase("""{"regions":["de"]}""", "block", "r1", "$.rules[0].when.regions[0]", "'de' is not a region code as events carry it")]
    [TestCase("""{"levels":[]}""", "block", "r1", "$.rules[0].when.levels", "is empty")]
    [TestCase("""{"regions":[]}""", "block", "r1", "$.rules[0].when.regions", "is empty")]
    [TestCase("""{"min_score":9,"max_score":3}""", "block", "r1", "$.rules[0].when.min_score", "must not be above max_score (3)")]
    public void DecisionRules_AreCheckedConditionByCondition(string when, string action, string id, string? path, string? reason)
    {
        var json = action == ""
            ? $$"""{"rules":[{"id":"{{id}}","when":{{when}}}]}"""
            : Rule(when, action, id);
        var errors = Errors(json);

        if (path is null)
        {
            Assert.That(errors, Is.Empty);
            return;
        }

        Assert.That(errors.Select(e => e.Path), Is.EqualTo(new[] { path }));
        Assert.That(errors[0].Reason, Does.StartWith(reason!));
    }

    [Test]
    public void DuplicateRuleIds_AndEveryOtherProblem_AreAllReported()
    {
        var errors = Errors("""
            {"scoring":{"eu_no_consent_points":-1},
             "rules":[{"id":"same","when":{"anomaly":true},"action":"review"},
                      {"id":"same","when":{"segments":["nobody"]},"action":"block"}]}
            """);

        Assert.That(errors.Select(e => (e.Path, e.Reason)), Is.EquivalentTo(new[]
        {
            ("$.scoring.eu_no_consent_points", "must be between 0 and 20."),
            ("$.rules[1].id", "'same' is used by an earlier rule"),
            ("$.rules[1].when.segments[0]", "'nobody' is not a segment"),
        }));
    }

    [Test]
    public void EveryConditionKind_IsAccepted()
    {
        var errors = Errors(Rule("""
            {"event_types":["export","bulk_download"],"factors":["eu_no_consent"],"compliance_rules":["consent"],
             "regulations":["GDPR"],"levels":["high","critical"],"min_level":"medium","segments":["new_user"],
             "regions":["DE","US-CA","EU"],"in_fraud_ring":false,"anomaly":false,"min_score":1,"max_score":30}
            """));

        Assert.That(errors, Is.Empty);
    }

    [Test]
    public void TheSchema_DescribesTheDocument_WithTheValidatorsRanges()
    {
        var schema = JsonNode.Parse(PolicySchema.Json)!;
        var points = schema["properties"]!["scoring"]!["properties"]!["eu_no_consent_points"]!;

        Assert.Multiple(() =>
        {
            Assert.That(schema["properties"]!.AsObject().Select(p => p.Key),
                Is.EquivalentTo(new[] { "description", "based_on", "regulation_pack", "scoring", "threshold", "segments", "alerts", "rules" }));
            Assert.That((points["minimum"]!.GetValue<double>(), points["maximum"]!.GetValue<double>()), Is.EqualTo((0.0, 20.0)));
            Assert.That(schema["properties"]!["threshold"]!["properties"]!.AsObject().ContainsKey("cache_refresh"), Is.False,
                "operational settings are not part of a policy");
        });
    }
}
