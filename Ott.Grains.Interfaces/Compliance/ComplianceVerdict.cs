namespace Ott.Grains.Interfaces;

/// <summary>One broken rule: which law, which article, which rule, and why.</summary>
[GenerateSerializer, Immutable, Alias("ott.violation")]
public sealed record Violation(
    [property: Id(0)] string Regulation,
    [property: Id(1)] string Article,
    [property: Id(2)] string Rule,
    [property: Id(3)] string Reason);

/// <summary>The compliance stage's verdict on one event (docs/api.md, assessment <c>compliance</c> section).</summary>
[GenerateSerializer, Immutable, Alias("ott.compliance-verdict")]
public sealed record ComplianceVerdict
{
    [Id(0)] public required bool IsCompliant { get; init; }

    /// <summary>Codes of the laws of the user's region, in pack order.</summary>
    [Id(1)] public required IReadOnlyList<string> ApplicableRegulations { get; init; }

    [Id(2)] public required IReadOnlyList<Violation> Violations { get; init; }

    /// <summary>Version of the regulation pack that judged the event.</summary>
    [Id(3)] public required string PackVersion { get; init; }
}

/// <summary>Rule ids of the compliance stage (docs/regulations.md).</summary>
public static class ComplianceRules
{
    public const string Consent = "consent";
    public const string Purpose = "purpose";
    public const string OptOut = "opt_out";
    public const string ChildConsent = "child_consent";
    public const string ChildTracking = "child_tracking";
    public const string CrossBorder = "cross_border";
    public const string ViewingHistory = "viewing_history";
    public const string RequestOverdue = "dsr_overdue";

    public static readonly IReadOnlyList<string> All =
        [Consent, Purpose, OptOut, ChildConsent, ChildTracking, CrossBorder, ViewingHistory, RequestOverdue];
}

/// <summary>Judges an event without ingesting it (<c>POST /api/v1/compliance/check</c>).</summary>
[Alias("ott.compliance-check")]
public interface IComplianceCheckGrain : IGrainWithIntegerKey
{
    [Alias("check")]
    Task<ComplianceVerdict> CheckAsync(OttEvent e);
}
