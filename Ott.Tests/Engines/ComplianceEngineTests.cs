using Ott.Grains.Compliance;
using Ott.Grains.Interfaces;
using static Ott.Tests.Support.TestEvents;

namespace Ott.Tests.Engines;

public class ComplianceEngineTests
{
    private static readonly RegulationPack Pack = RegulationPackLoader.Load(null);
    private static readonly ComplianceEngine Engine = new(Pack, new ComplianceOptions());

    private static OttEvent E(string region, EventType type = EventType.Play, bool consent = true, ProcessingPurpose? purpose = null,
        string[]? purposes = null, int? age = null, string? processing = null) =>
        Event("user_c", type, T0, region: region, hasConsent: consent) with
        {
            Purpose = purpose,
            ConsentPurposes = purposes,
            UserAge = age,
            ProcessingRegion = processing,
        };

    private static IEnumerable<(string Rule, string Article)> Of(ComplianceVerdict verdict, string law) =>
        verdict.Violations.Where(v => v.Regulation == law).Select(v => (v.Rule, v.Article));

    public static IEnumerable<TestCaseData> Laws()
    {
        // law, violating event, expected rule, expected article, compliant event, event where the law does not apply
        TestCaseData Case(string law, OttEvent violating, string rule, string article, OttEvent compliant, OttEvent elsewhere) =>
            new TestCaseData(law, violating, rule, article, compliant, elsewhere).SetName($"Law_{law}");

        yield return Case("GDPR", E("DE", EventType.Purchase, consent: false), ComplianceRules.Consent, "Art. 6(1)(a) and Art. 7",
            E("DE", EventType.Purchase), E("US", EventType.Purchase, consent: false));
        yield return Case("ePrivacy", E("FR", consent: false, purpose: ProcessingPurpose.Analytics), ComplianceRules.Consent, "Art. 5(3)",
            E("FR", purpose: ProcessingPurpose.Analytics), E("GB", consent: false, purpose: ProcessingPurpose.Analytics));
        yield return Case("UK-GDPR", E("GB", EventType.Export, consent: false), ComplianceRules.Consent, "UK GDPR Art. 6(1)(a) and Art. 7",
            E("GB", EventType.Export), E("IE", EventType.Export, consent: false));
        yield return Case("CCPA", E("US-CA", consent: false, purpose: ProcessingPurpose.Sale), ComplianceRules.OptOut, "Cal. Civ. Code 1798.120 and 1798.135",
            E("US-CA", purpose: ProcessingPurpose.Sale), E("US-NY", consent: false, purpose: ProcessingPurpose.Sale));
        yield return Case("COPPA", E("US-TX", consent: false, age: 12), ComplianceRules.ChildConsent,
            "16 CFR 312.5(a) (verifiable parental consent before collecting personal information from a child under 13)",
            E("US-TX", age: 12), E("CA", consent: false, age: 12));
        yield return Case("VPPA", E("US", EventType.Share), ComplianceRules.ViewingHistory, "18 U.S.C. 2710(b)(2)(B)",
            E("US", EventType.Share, purposes: ["viewing_history_sharing"]), E("JP", EventType.Share));
        yield return Case("PIPL", E("CN", EventType.Download, consent: false), ComplianceRules.Consent, "Art. 13-14",
            E("CN", EventType.Download), E("HK", EventType.Download, consent: false));
        yield return Case("LGPD", E("BR", EventType.Share, consent: false), ComplianceRules.Consent,
            "Art. 7, I and Art. 8 (consent); Art. 7 §5 (sharing with other controllers)",
            E("BR", EventType.Purchase, consent: false), E("AR", EventType.Share, consent: false));
        yield return Case("PDPA-TH", E("TH", EventType.Export, consent: false), ComplianceRules.Consent, "s.19",
            E("TH", EventType.Export), E("VN", EventType.Export, consent: false));
        yield return Case("PDPA-SG", E("SG", EventType.Access, consent: false), ComplianceRules.Consent, "s.13-15 (consent, deemed consent)",
            E("SG", EventType.Access), E("MY", EventType.Access, consent: false));
        yield return Case("APPI", E("JP", EventType.Share, consent: false), ComplianceRules.Consent, "Art. 27(1) (prior consent for third-party provision)",
            E("JP", EventType.Purchase, consent: false), E("KR", EventType.Purchase, consent: false));
        yield return Case("PIPA", E("KR", EventType.BulkDownload, consent: false), ComplianceRules.Consent, "Art. 15(1)1 and Art. 22",
            E("KR", EventType.BulkDownload), E("JP", EventType.BulkDownload, consent: false));
        yield return Case("DPDP", E("IN", age: 15, purpose: ProcessingPurpose.Advertising), ComplianceRules.ChildTracking, "DPDP Act 2023 s.9(3)",
            E("IN", age: 19, purpose: ProcessingPurpose.Advertising), E("PK", age: 15, purpose: ProcessingPurpose.Advertising));
        yield return Case("PIPEDA", E("CA", EventType.Purchase, consent: false), ComplianceRules.Consent,
            "Schedule 1, Principle 4.3 and s.6.1 (meaningful consent)", E("CA", EventType.Purchase), E("US-CA", EventType.Purchase, consent: false));
        yield return Case("POPIA", E("ZA", consent: false, purpose: ProcessingPurpose.Marketing), ComplianceRules.Consent,
            "s.11(1)(a) (consent) and s.69 (direct marketing)", E("ZA", EventType.Purchase, consent: false), E("NA", consent: false, purpose: ProcessingPurpose.Marketing));
        yield return Case("AU-PRIVACY", E("AU", EventType.Share, consent: false), ComplianceRules.Consent,
            "APP 6 (use or disclosure for a secondary purpose) and APP 3.3 (consent for sensitive information)",
            E("AU", EventType.Export, consent: false), E("NZ", EventType.Share, consent: false));
        yield return Case("KVKK", E("TR", EventType.Export, consent: false), ComplianceRules.Consent, "Art. 5(1) (explicit consent) and Art. 5(2) (other grounds)",
            E("TR", EventType.Export), E("GE", EventType.Export, consent: false));
    }

    [TestCaseSource(nameof(Laws))]
    public void EveryLaw_HasAViolatingACompliantAndANotApplicableCase(string law, OttEvent violating, string rule, string article, OttEvent compliant, OttEvent elsewhere)
    {
        var bad = Engine.Judge(violating);
        var good = Engine.Judge(compliant);
        var away = Engine.Judge(elsewhere);

        Assert.Multiple(() =>
        {
            Assert.That(bad.ApplicableRegulations, Does.Contain(law));
            Assert.That(Of(bad, law), Does.Contain((rule, article)));
            Assert.That(bad.IsCompliant, Is.False);
            Assert.That(good.ApplicableRegulations, Does.Contain(law));
            Assert.That(Of(good, law), Is.Empty, string.Join("; ", good.Violations));
            Assert.That(away.ApplicableRegulations, Does.Not.Contain(law));
            Assert.That(Of(away, law), Is.Empty);
        });
    }

    [Test]
    public void Pack_CoversSeventeenLaws_WithUnconfirmedFactsMarked()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Pack.Regulations.Select(r => r.Code), Is.EqualTo(new[]
            {
                "GDPR", "ePrivacy", "UK-GDPR", "CCPA", "COPPA", "VPPA", "PIPL", "LGPD", "PDPA-TH", "PDPA-SG", "APPI", "PIPA", "DPDP",
                "PIPEDA", "POPIA", "AU-PRIVACY", "KVKK",
            }));
            Assert.That(Engine.Find("GDPR")!.Unconfirmed, Does.Contain("children.age_overrides.ES"));
            Assert.That(Engine.Find("LGPD")!.Unconfirmed, Does.Contain("rights.request_deadline_days"));
            Assert.That(Engine.Find("PDPA-TH")!.Unconfirmed, Does.Contain("children.age"));
            Assert.That(Engine.Find("GDPR")!.Jurisdictions, Has.Count.EqualTo(31), "EU-27, IS, LI, NO and EU");
            Assert.That(Pack.Regulations.SelectMany(r => r.Jurisdictions), Does.Not.Contain("UK"));
            Assert.That(Pack.Regulations.All(r => r.Sources.Count > 0), Is.True);
        });
    }

    [TestCase("DE", 15, true, Description = "DE: 16")]
    [TestCase("DE", 16, false)]
    [TestCase("FR", 14, true, Description = "FR: 15")]
    [TestCase("FR", 15, false)]
    [TestCase("BE", 12, true, Description = "BE: 13")]
    [TestCase("BE", 13, false)]
    [TestCase("EU", 15, true, Description = "member unknown: the default 16")]
    [TestCase("GB", 13, false, Description = "UK GDPR: 13")]
    [TestCase("GB", 12, true)]
    public void ChildAge_FollowsTheMemberState(string region, int age, bool violation)
    {
        var verdict = Engine.Judge(E(region, consent: false, age: age));
        var law = region == "GB" ? "UK-GDPR" : "GDPR";
        Assert.That(Of(verdict, law).Any(v => v.Rule == ComplianceRules.ChildConsent), Is.EqualTo(violation));
    }

    [Test]
    public void ChildWithConsent_IsNotAViolation() =>
        Assert.That(Engine.Judge(E("DE", age: 10)).Violations.Where(v => v.Rule == ComplianceRules.ChildConsent), Is.Empty);

    [Test]
    public void UnknownAge_NeverTriggersChildrensRules() =>
        Assert.That(Engine.Judge(E("US", consent: false, purpose: ProcessingPurpose.Advertising)).Violations.Where(v => v.Rule.StartsWith("child", StringComparison.Ordinal)), Is.Empty);

    [Test]
    public void CcpaChildRule_IsAboutSaleOnly()
    {
        var play = Engine.Judge(E("US-CA", consent: false, age: 12));
        var sale = Engine.Judge(E("US-CA", consent: false, age: 12, purpose: ProcessingPurpose.Sale));
        Assert.Multiple(() =>
        {
            Assert.That(Of(play, "CCPA"), Is.Empty);
            Assert.That(Of(play, "COPPA").Select(v => v.Rule), Is.EqualTo(new[] { ComplianceRules.ChildConsent }), "COPPA covers the under-13");
            Assert.That(Of(sale, "CCPA").Select(v => v.Rule), Is.EquivalentTo(new[] { ComplianceRules.OptOut, ComplianceRules.ChildConsent }));
        });
    }

    [Test]
    public void UsCa_GetsCaliforniaAndFederalLaws_UsGetsFederalOnly()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Engine.ApplicableTo("US-CA").Select(r => r.Code), Is.EqualTo(new[] { "CCPA", "COPPA", "VPPA" }));
            Assert.That(Engine.ApplicableTo("US").Select(r => r.Code), Is.EqualTo(new[] { "COPPA", "VPPA" }));
            Assert.That(Engine.ApplicableTo("GB").Select(r => r.Code), Is.EqualTo(new[] { "UK-GDPR" }));
            Assert.That(Engine.ApplicableTo("DE").Select(r => r.Code), Is.EqualTo(new[] { "GDPR", "ePrivacy" }));
            Assert.That(Engine.ApplicableTo("AQ"), Is.Empty);
        });
    }

    [Test]
    public void CrossBorder_WithoutBasis_IsAViolation_WithConsentOrAdequacyOrConfiguredBasisItIsNot()
    {
        var noBasis = Engine.Judge(E("DE", processing: "IN"));
        var consent = Engine.Judge(E("DE", processing: "IN", purposes: ["cross_border_transfer"]));
        var adequate = Engine.Judge(E("DE", processing: "JP"));
        var inside = Engine.Judge(E("DE", processing: "FR"));
        var configured = new ComplianceEngine(Pack, new ComplianceOptions { TransferBases = new() { ["GDPR"] = ["IN"] } }).Judge(E("DE", processing: "IN"));
        var china = Engine.Judge(E("CN", processing: "US"));

        Assert.Multiple(() =>
        {
            Assert.That(Of(noBasis, "GDPR"), Is.EqualTo(new[] { (ComplianceRules.CrossBorder, "Chapter V (Art. 44-49)") }));
            Assert.That(consent.IsCompliant, Is.True);
            Assert.That(adequate.IsCompliant, Is.True, "Japan has an adequacy decision");
            Assert.That(inside.IsCompliant, Is.True, "inside the EEA is not a transfer");
            Assert.That(configured.IsCompliant, Is.True);
            Assert.That(Of(china, "PIPL"), Is.EqualTo(new[] { (ComplianceRules.CrossBorder, "Art. 38-39") }));
        });
    }

    [Test]
    public void Purpose_NotGranted_IsAViolation_WhenTheClientSendsPurposes()
    {
        var verdict = Engine.Judge(E("DE", purpose: ProcessingPurpose.Advertising, purposes: ["analytics"]));
        var granted = Engine.Judge(E("DE", purpose: ProcessingPurpose.Advertising, purposes: ["advertising"]));
        var unsent = Engine.Judge(E("DE", purpose: ProcessingPurpose.Advertising));
        var service = Engine.Judge(E("DE", purpose: ProcessingPurpose.Service, purposes: ["analytics"]));

        Assert.Multiple(() =>
        {
            Assert.That(verdict.Violations.Select(v => (v.Regulation, v.Rule)), Is.EquivalentTo(new[]
            {
                ("GDPR", ComplianceRules.Purpose), ("ePrivacy", ComplianceRules.Purpose),
            }));
            Assert.That(granted.IsCompliant, Is.True);
            Assert.That(unsent.IsCompliant, Is.True, "without consent_purposes, has_consent stands");
            Assert.That(service.IsCompliant, Is.True);
        });
    }

    [Test]
    public void OverdueRequest_IsAViolationNamingTheRequest()
    {
        var verdict = Engine.Judge(E("DE"), [new OverdueRequest("dsr-1", "GDPR", "Art. 12(3), 15, 17, 20", T0.AddDays(-1))]);
        Assert.That(verdict.Violations.Single(), Is.EqualTo(new Violation("GDPR", "Art. 12(3), 15, 17, 20", ComplianceRules.RequestOverdue,
            "data-subject request dsr-1 was due 2026-01-15 12:00 UTC and is not completed")));
    }

    [TestCase("DE", "GDPR", 30)]
    [TestCase("US-CA", "CCPA", 45)]
    [TestCase("BR", "LGPD", 15)]
    public void RequestDeadlines_ComeFromThePack(string region, string law, int days) =>
        Assert.That(Engine.RequestDeadlines(region, T0).Single(d => d.Regulation == law).Due, Is.EqualTo(T0.AddDays(days)));

    [Test]
    public void BreachDeadlines_OnePerLawWithANoticeDuty_TelecomOnlyWhenConfigured()
    {
        var plain = Engine.BreachDeadlines(["DE", "CN", "US-CA", "KR"], T0);
        var telecom = new ComplianceEngine(Pack, new ComplianceOptions { TelecomProvider = true }).BreachDeadlines(["DE"], T0);

        Assert.Multiple(() =>
        {
            Assert.That(plain.Select(d => (d.Regulation, d.Due)), Is.EqualTo(new (string, DateTimeOffset?)[]
            {
                ("GDPR", T0.AddHours(72)), ("CCPA", null), ("COPPA", null), ("PIPL", T0), ("PIPA", T0.AddHours(72)),
            }));
            Assert.That(plain.Single(d => d.Regulation == "CCPA").Wording, Is.Not.Empty);
            Assert.That(telecom.Select(d => (d.Regulation, d.Due)), Is.EqualTo(new (string, DateTimeOffset?)[]
            {
                ("GDPR", T0.AddHours(72)), ("ePrivacy", T0.AddHours(24)),
            }));
        });
    }

    [TestCase("DE", 1095)]
    [TestCase("US-CA", 730)]
    [TestCase("JP", 1825)]
    [TestCase("AQ", 1825)]
    public void Retention_IsTheShortestOfTheRegionsLaws(string region, int days) =>
        Assert.That(Engine.RetentionDays(region), Is.EqualTo(days));
}
