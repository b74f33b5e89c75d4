namespace Ott.Grains.Interfaces;

/// <summary>One reason a policy document is refused, at a JSON path (<c>$.scoring.eu_no_consent_points</c>).</summary>
[GenerateSerializer, Immutable, Alias("ott.policy-error")]
public sealed record PolicyError([property: Id(0)] string Path, [property: Id(1)] string Reason);

/// <summary>Where a version stands: never activated, live now, or live before.</summary>
public enum PolicyStatus : byte
{
    Draft = 1,
    Active,
    Retired,
}

/// <summary>A stored version: the full document (JSON text) and who made it when.</summary>
[GenerateSerializer, Immutable, Alias("ott.policy-version")]
public sealed record PolicyVersion
{
    [Id(0)] public required int Version { get; init; }

    /// <summary>The complete document as validated (docs/policies.md); never changes once stored.</summary>
    [Id(1)] public required string Document { get; init; }

    [Id(2)] public string? Description { get; init; }

    [Id(3)] public int? BasedOn { get; init; }

    [Id(4)] public required DateTimeOffset CreatedAt { get; init; }

    [Id(5)] public required string CreatedBy { get; init; }
}

/// <summary>One activation: which version went live, which it replaced, who did it and when.</summary>
[GenerateSerializer, Immutable, Alias("ott.policy-activation")]
public sealed record PolicyActivation(
    [property: Id(0)] int Version,
    [property: Id(1)] int? Previous,
    [property: Id(2)] DateTimeOffset At,
    [property: Id(3)] string By);

/// <summary>A version in the list: what it is, where it stands, when it was last made live.</summary>
[GenerateSerializer, Immutable, Alias("ott.policy-summary")]
public sealed record PolicySummary(
    [property: Id(0)] int Version,
    [property: Id(1)] PolicyStatus Status,
    [property: Id(2)] string? Description,
    [property: Id(3)] int? BasedOn,
    [property: Id(4)] DateTimeOffset CreatedAt,
    [property: Id(5)] string CreatedBy,
    [property: Id(6)] DateTimeOffset? ActivatedAt,
    [property: Id(7)] string? ActivatedBy);

/// <summary>The answer to a submitted draft: the stored version, or every reason it was refused.</summary>
[GenerateSerializer, Immutable, Alias("ott.policy-create-result")]
public sealed record PolicyCreateResult(
    [property: Id(0)] PolicySummary? Created,
    [property: Id(1)] IReadOnlyList<PolicyError> Errors);

/// <summary>
/// The versions of the decision policy and which one is live (key 0; docs/policies.md). Versions are immutable; an
/// activation makes one live everywhere (each silo's <c>PolicyCache</c> checks the active version every second) and is
/// recorded with its actor; activating an older version is the rollback. Called on a draft, an activation or a
/// silo's check, never per event.
/// </summary>
[Alias("ott.policy-registry")]
public interface IPolicyRegistryGrain : IGrainWithIntegerKey
{
    /// <summary>
    /// Validates and stores a draft. Fields the JSON leaves out come from its <c>based_on</c> version (default: the
    /// active one).
    /// </summary>
    [Alias("create")]
    Task<PolicyCreateResult> CreateAsync(string json, string actor);

    /// <summary>Version 1 from the configuration, stored and activated if the registry is empty; then the active version.</summary>
    [Alias("seed")]
    Task<PolicyVersion> SeedAsync(string json);

    [Alias("list")]
    Task<IReadOnlyList<PolicySummary>> ListAsync();

    [Alias("get")]
    Task<PolicyVersion?> GetAsync(int version);

    [Alias("get-active")]
    Task<PolicyVersion?> GetActiveAsync();

    /// <summary>The live version's number; the silos poll <see cref="GetPointerAsync"/>.</summary>
    [Alias("get-active-version")]
    Task<int?> GetActiveVersionAsync();

    /// <summary>The live and the shadow version; each silo polls this every second.</summary>
    [Alias("get-pointer")]
    Task<PolicyPointer> GetPointerAsync();

    /// <summary>Runs <paramref name="version"/> in shadow beside the live one (replacing any other shadow); null when unknown.</summary>
    [Alias("start-shadow")]
    Task<PolicyPointer?> StartShadowAsync(int version, string actor);

    /// <summary>Stops the shadow run; returns what was running.</summary>
    [Alias("stop-shadow")]
    Task<PolicyPointer> StopShadowAsync(string actor);

    /// <summary>Makes <paramref name="version"/> live; null when there is no such version.</summary>
    [Alias("activate")]
    Task<PolicyActivation?> ActivateAsync(int version, string actor);

    [Alias("activations")]
    Task<IReadOnlyList<PolicyActivation>> GetActivationsAsync();

    /// <summary>Records a started backtest in the list (the last <c>BacktestCapacity</c> are kept).</summary>
    [Alias("add-backtest")]
    Task AddBacktestAsync(BacktestSummary backtest);

    /// <summary>Backtests, newest first.</summary>
    [Alias("backtests")]
    Task<IReadOnlyList<BacktestSummary>> ListBacktestsAsync();
}
