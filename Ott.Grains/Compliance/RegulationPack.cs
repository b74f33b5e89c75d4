namespace Ott.Grains.Compliance;

/// <summary>A versioned set of laws with their facts and rule parameters (see Packs/SCHEMA.md).</summary>
public sealed record RegulationPack
{
    public int Schema { get; init; }
    public string Version { get; init; } = "";
    public DateOnly Published { get; init; }
    public IReadOnlyList<Regulation> Regulations { get; init; } = [];
}

/// <summary>One law: where it applies, what it requires, its deadlines, fines and sources.</summary>
public sealed record Regulation
{
    public string Code { get; init; } = "";
    public string Name { get; init; } = "";
    public IReadOnlyList<string> Jurisdictions { get; init; } = [];
    public bool Confirmed { get; init; }
    public IReadOnlyList<string> Unconfirmed { get; init; } = [];
    public ConsentRule Consent { get; init; } = new();
    public PurposeRule Purposes { get; init; } = new();
    public OptOutRule? OptOut { get; init; }
    public ChildrenRule? Children { get; init; }
    public BreachRule Breach { get; init; } = new();
    public RightsRule Rights { get; init; } = new();
    public int RetentionDays { get; init; }
    public Fine MaxFine { get; init; } = new();
    public TransferRule Transfer { get; init; } = new();
    public ViewingHistoryRule? ViewingHistory { get; init; }
    public IReadOnlyList<Source> Sources { get; init; } = [];
}

public sealed record ConsentRule
{
    /// <summary><c>opt_in</c>, <c>opt_out</c>, <c>legal_bases</c> or <c>notice</c>.</summary>
    public string Model { get; init; } = "";

    /// <summary>Event categories that need consent: tracking, data_access, transaction, sharing.</summary>
    public IReadOnlyList<string> RequiredFor { get; init; } = [];
    public string Article { get; init; } = "";
}

public sealed record PurposeRule
{
    public IReadOnlyList<string> RequireConsent { get; init; } = [];
    public string Article { get; init; } = "";
}

public sealed record OptOutRule
{
    public IReadOnlyList<string> Purposes { get; init; } = [];
    public string Article { get; init; } = "";
}

public sealed record ChildrenRule
{
    public int? Age { get; init; }
    public IReadOnlyDictionary<string, int> AgeOverrides { get; init; } = new Dictionary<string, int>();
    public string Article { get; init; } = "";
    public bool TrackingBan { get; init; }
    public string? TrackingArticle { get; init; }
}

public sealed record BreachRule
{
    /// <summary>Hours to notify the authority; 0 = immediately; null = no fixed number (see <see cref="Deadline"/>).</summary>
    public double? NoticeHours { get; init; }
    public string Deadline { get; init; } = "";
    public string Article { get; init; } = "";
    public string Scope { get; init; } = "";
}

public sealed record RightsRule
{
    public bool Access { get; init; }
    public bool Erasure { get; init; }
    public bool Portability { get; init; }
    public int? RequestDeadlineDays { get; init; }
    public string Article { get; init; } = "";
}

public sealed record Fine
{
    public string Text { get; init; } = "";
    public decimal? Amount { get; init; }
    public string? Currency { get; init; }
}

public sealed record TransferRule
{
    public bool Restricted { get; init; }
    public IReadOnlyList<string> AdequateDestinations { get; init; } = [];
    public IReadOnlyList<string> Mechanisms { get; init; } = [];
    public string? Article { get; init; }
    public VolumeThresholds? VolumeThresholds { get; init; }
}

public sealed record VolumeThresholds
{
    public int Persons { get; init; }
    public int PersonsUpper { get; init; }
    public int SensitivePersons { get; init; }
}

public sealed record ViewingHistoryRule
{
    public string ConsentPurpose { get; init; } = "";
    public string Article { get; init; } = "";
}

public sealed record Source
{
    public string Title { get; init; } = "";
    public string Url { get; init; } = "";
}
