using System.Collections.Concurrent;
using Ott.Grains.Geo;
using Ott.Grains.Interfaces;

namespace Ott.Grains.Compliance;

/// <summary>A data-subject request whose deadline under one law has passed without completion.</summary>
public sealed record OverdueRequest(string RequestId, string Regulation, string Article, DateTimeOffset Due);

/// <summary>A deadline one law sets for something (a request, a breach notice).</summary>
public sealed record LawDeadline(string Regulation, string Article, DateTimeOffset? Due, string Wording);

/// <summary>
/// Stage 1: judges an event against the laws of the user's region (docs/regulations.md).
/// Pure and thread-safe; the facts come from the regulation pack, the engine holds only the rules.
/// </summary>
public sealed class ComplianceEngine
{
    /// <summary>How the pack marks a duty a law does not have.</summary>
    public const string NotApplicable = "n/a";

    private readonly Dictionary<string, int> _order;
    private readonly ConcurrentDictionary<string, Regulation[]> _byRegion = new(StringComparer.Ordinal);
    private readonly ComplianceOptions _options;

    public ComplianceEngine(RegulationPack pack, ComplianceOptions options)
    {
        Pack = pack;
        _options = options;
        _order = pack.Regulations.Select((r, i) => (r.Code, i)).ToDictionary(x => x.Code, x => x.i, StringComparer.Ordinal);
    }

    public RegulationPack Pack { get; }

    /// <summary>The law with this code (case-insensitive), or null.</summary>
    public Regulation? Find(string code) =>
        Pack.Regulations.FirstOrDefault(r => string.Equals(r.Code, code, StringComparison.OrdinalIgnoreCase));

    /// <summary>Laws whose jurisdictions hold the region itself or its country, in pack order.</summary>
    public IReadOnlyList<Regulation> ApplicableTo(string region) => _byRegion.GetOrAdd(region, r =>
    {
        var country = RegionCodes.CountryOf(r);
        return Pack.Regulations.Where(law => law.Jurisdictions.Contains(r) || law.Jurisdictions.Contains(country)).ToArray();
    });

    /// <summary>The consent category of an event: tracking, data_access, transaction, sharing, or null.</summary>
    public static string? CategoryOf(OttEvent e) => e.Type switch
    {
        EventType.Share => "sharing",
        EventType.Purchase => "transaction",
        _ when e.Type.IsDataAccess() => "data_access",
        _ when e.Purpose is ProcessingPurpose.Analytics or ProcessingPurpose.Personalisation
            or ProcessingPurpose.Advertising or ProcessingPurpose.Marketing => "tracking",
        _ => null,
    };

    /// <summary>The age below which a law needs parental consent in a region (member-state overrides applied).</summary>
    public static int? ChildAge(Regulation law, string region) =>
        law.Children is not { } children ? null
        : children.AgeOverrides.TryGetValue(RegionCodes.CountryOf(region), out var age) ? age
        : children.Age;

    /// <summary>Judges <paramref name="e"/>; <paramref name="overdue"/> are the user's overdue data-subject requests.</summary>
    public ComplianceVerdict Judge(OttEvent e, IReadOnlyList<OverdueRequest>? overdue = null)
    {
        var laws = ApplicableTo(e.Region);
        var violations = new List<Violation>();
        var category = CategoryOf(e);
        var purpose = e.Purpose is { } p ? WireName.From(p.ToString()) : null;

        foreach (var law in laws)
        {
            var consentBroken = category is not null && !e.HasConsent && law.Consent.RequiredFor.Contains(category);
            if (consentBroken)
            {
                violations.Add(new(law.Code, law.Consent.Article, ComplianceRules.Consent,
                    $"{e.Type.ToWireName()} event ({category}) without consent; {law.Code} requires consent for {category}"));
            }

            if (!consentBroken && purpose is not null && purpose != "service" && e.ConsentPurposes is { } granted
                && law.Purposes.RequireConsent.Contains(purpose) && !granted.Contains(purpose))
            {
                violations.Add(new(law.Code, law.Purposes.Article, ComplianceRules.Purpose,
                    $"processing for '{purpose}', which is not among the purposes the user granted ({string.Join(", ", granted)})"));
            }

            if (law.OptOut is { } optOut && purpose is not null && !e.HasConsent && optOut.Purposes.Contains(purpose))
            {
                violations.Add(new(law.Code, optOut.Article, ComplianceRules.OptOut,
                    $"processing for '{purpose}' although the user opted out"));
            }

            AddChildren(e, law, category, purpose, violations);
            AddTransfer(e, law, violations);

            if (law.ViewingHistory is { } vh && e.Type == EventType.Share && !(e.ConsentPurposes?.Contains(vh.ConsentPurpose) ?? false))
            {
                violations.Add(new(law.Code, vh.Article, ComplianceRules.ViewingHistory,
                    $"viewing history shared without written consent ('{vh.ConsentPurpose}' not among the granted purposes)"));
            }
        }

        foreach (var request in overdue ?? [])
        {
            violations.Add(new(request.Regulation, request.Article, ComplianceRules.RequestOverdue,
                $"data-subject request {request.RequestId} was due {request.Due:yyyy-MM-dd HH:mm} UTC and is not completed"));
        }

        return new ComplianceVerdict
        {
            IsCompliant = violations.Count == 0,
            ApplicableRegulations = laws.Select(l => l.Code).ToArray(),
            Violations = violations,
            PackVersion = Pack.Version,
        };
    }

    /// <summary>
    /// Deadlines of an erasure request opened at <paramref name="openedAt"/> in a region: one per law that grants
    /// erasure and sets a deadline in the pack (COPPA's parental deletion, for one, has none for adults' requests).
    /// </summary>
    public IReadOnlyList<LawDeadline> RequestDeadlines(string region, DateTimeOffset openedAt) =>
        ApplicableTo(region)
            .Where(l => l.Rights.Erasure && l.Rights.RequestDeadlineDays is not null)
            .Select(l => new LawDeadline(l.Code, l.Rights.Article, openedAt.AddDays(l.Rights.RequestDeadlineDays!.Value),
                $"{l.Rights.RequestDeadlineDays} days"))
            .ToArray();

    /// <summary>Breach-notice deadlines for an incident opened at <paramref name="openedAt"/> affecting these regions.</summary>
    public IReadOnlyList<LawDeadline> BreachDeadlines(IEnumerable<string> regions, DateTimeOffset openedAt) =>
        regions.SelectMany(ApplicableTo)
            .DistinctBy(l => l.Code)
            .Where(l => l.Breach.NoticeHours is not null || l.Breach.Deadline != NotApplicable)
            .Where(l => _options.TelecomProvider || !l.Breach.Scope.Contains("telecom", StringComparison.OrdinalIgnoreCase))
            .OrderBy(l => _order[l.Code])
            .Select(l => new LawDeadline(l.Code, l.Breach.Article,
                l.Breach.NoticeHours is { } hours ? openedAt.AddHours(hours) : null, l.Breach.Deadline))
            .ToArray();

    /// <summary>Days raw events of a region are kept: the shortest retention among its laws (storage limitation).</summary>
    public int RetentionDays(string region)
    {
        var laws = ApplicableTo(region);
        return laws.Count == 0 ? _options.DefaultRetentionDays : laws.Min(l => l.RetentionDays);
    }

    private static void AddChildren(OttEvent e, Regulation law, string? category, string? purpose, List<Violation> violations)
    {
        if (e.UserAge is not { } age || law.Children is not { } children || ChildAge(law, e.Region) is not { } limit || age >= limit)
        {
            return;
        }

        if (children.TrackingBan && category == "tracking")
        {
            violations.Add(new(law.Code, children.TrackingArticle ?? children.Article, ComplianceRules.ChildTracking,
                $"tracking or targeted advertising ({purpose}) of a child aged {age}, banned under {limit} whatever the consent"));
        }

        // Under an opt-out law the children's rule is about the opt-in its purposes need (CCPA: sale).
        var inScope = law.OptOut is not { } optOut || (purpose is not null && optOut.Purposes.Contains(purpose));
        if (inScope && !e.HasConsent)
        {
            violations.Add(new(law.Code, children.Article, ComplianceRules.ChildConsent,
                $"data of a child aged {age} (under {limit} in {e.Region}) processed without parental consent"));
        }
    }

    private void AddTransfer(OttEvent e, Regulation law, List<Violation> violations)
    {
        if (e.ProcessingRegion is not { } processing || !law.Transfer.Restricted)
        {
            return;
        }

        var destination = RegionCodes.CountryOf(processing);
        if (destination == RegionCodes.CountryOf(e.Region)
            || law.Jurisdictions.Contains(destination)
            || law.Transfer.AdequateDestinations.Contains(destination)
            || (e.ConsentPurposes?.Contains("cross_border_transfer") ?? false)
            || (_options.TransferBases.TryGetValue(law.Code, out var bases) && (bases.Contains("*") || bases.Contains(destination))))
        {
            return;
        }

        violations.Add(new(law.Code, law.Transfer.Article ?? "", ComplianceRules.CrossBorder,
            $"data of a {e.Region} user processed in {processing} without cross_border_transfer consent or a transfer basis " +
            $"({string.Join(", ", law.Transfer.Mechanisms)})"));
    }
}
