using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Ott.Grains.Common;
using Ott.Grains.Compliance;
using Ott.Grains.Interfaces;

namespace Ott.Grains.Policies;

/// <summary>Persisted versions and activations of the registry.</summary>
[GenerateSerializer, Alias("ott.policy-registry-state")]
public sealed class PolicyRegistryState
{
    [Id(0)] public List<PolicyVersion> Versions { get; set; } = [];
    [Id(1)] public List<PolicyActivation> Activations { get; set; } = [];
    [Id(2)] public int? Active { get; set; }
    [Id(3)] public List<BacktestSummary> Backtests { get; set; } = [];
    [Id(4)] public int? Shadow { get; set; }
    [Id(5)] public DateTimeOffset? ShadowSince { get; set; }
    [Id(6)] public string? ShadowBy { get; set; }
}

/// <summary>
/// The policy registry (key 0; docs/policies.md). Its answers cross grain calls, so collections are lists and arrays
/// (the types collection expressions synthesize have no Orleans codec). Every change is written before it is answered: a draft or an
/// activation acknowledged is durable in the grain storage (SQLite or PostgreSQL in the SQL profiles).
/// </summary>
public sealed partial class PolicyRegistryGrain(
    [PersistentState("policies", StorageNames.Grains)] IPersistentState<PolicyRegistryState> state,
    RegulationPack pack,
    TimeProvider time,
    ILogger<PolicyRegistryGrain> logger) : Grain, IPolicyRegistryGrain
{
    private PolicyRegistryState State => state.State;

    public async Task<PolicyCreateResult> CreateAsync(string json, string actor)
    {
        int? basedOn;
        try
        {
            basedOn = JsonNode.Parse(json) is JsonObject o && o["based_on"] is JsonValue v && v.TryGetValue<int>(out var n) ? n : State.Active;
        }
        catch (System.Text.Json.JsonException)
        {
            basedOn = State.Active;   // the validator reports the malformed JSON with its position
        }

        var basis = basedOn is { } b ? Find(b) : null;
        if (basedOn is not null && basis is null)
        {
            return new PolicyCreateResult(null, new[] { new PolicyError("$.based_on", $"there is no version {basedOn}") });
        }

        var merged = basis is null ? null : JsonNode.Parse(basis.Document);
        var document = PolicyValidator.Read(json, merged, pack, out var errors);
        if (document is null)
        {
            return new PolicyCreateResult(null, errors);
        }

        document.BasedOn = basedOn;
        var version = Store(document, actor);
        await state.WriteStateAsync();
        LogCreated(logger, version.Version, actor, basedOn);
        return new PolicyCreateResult(Summary(version), Array.Empty<PolicyError>());
    }

    public async Task<PolicyVersion> SeedAsync(string json)
    {
        if (State.Active is { } active)
        {
            return Find(active)!;
        }

        var document = PolicyJson.Read(json);
        var errors = PolicyValidator.Check(document, pack);
        if (errors.Count > 0)
        {
            throw new InvalidOperationException("The configuration does not make a valid policy: " +
                string.Join("; ", errors.Select(e => $"{e.Path} {e.Reason}")));
        }

        var version = Store(document, "configuration");
        Activate(version.Version, "configuration");
        await state.WriteStateAsync();
        LogSeeded(logger, version.Version);
        return version;
    }

    public Task<IReadOnlyList<PolicySummary>> ListAsync() =>
        Task.FromResult<IReadOnlyList<PolicySummary>>(State.Versions.Select(Summary).Reverse().ToList());

    public Task<PolicyVersion?> GetAsync(int version) => Task.FromResult(Find(version));

    public Task<PolicyVersion?> GetActiveAsync() => Task.FromResult(State.Active is { } v ? Find(v) : null);

    public Task<int?> GetActiveVersionAsync() => Task.FromResult(State.Active);

    public Task<PolicyPointer> GetPointerAsync() => Task.FromResult(Pointer());

    public async Task<PolicyPointer?> StartShadowAsync(int version, string actor)
    {
        if (Find(version) is null)
        {
            return null;
        }

        (State.Shadow, State.ShadowSince, State.ShadowBy) = (version, time.GetUtcNow(), actor);
        await state.WriteStateAsync();
        LogShadow(logger, version, actor);
        return Pointer();
    }

    public async Task<PolicyPointer> StopShadowAsync(string actor)
    {
        var was = Pointer();
        if (State.Shadow is not null)
        {
            (State.Shadow, State.ShadowSince, State.ShadowBy) = (null, null, null);
            await state.WriteStateAsync();
            LogShadowStopped(logger, was.Shadow!.Value, actor);
        }

        return was;
    }

    private PolicyPointer Pointer() => new(State.Active, State.Shadow, State.ShadowSince, State.ShadowBy);

    public async Task<PolicyActivation?> ActivateAsync(int version, string actor)
    {
        if (Find(version) is null)
        {
            return null;
        }

        if (State.Active == version)
        {
            return State.Activations.FindLast(a => a.Version == version);
        }

        var activation = Activate(version, actor);
        await state.WriteStateAsync();
        LogActivated(logger, version, activation.Previous, actor);
        return activation;
    }

    public Task<IReadOnlyList<PolicyActivation>> GetActivationsAsync() =>
        Task.FromResult<IReadOnlyList<PolicyActivation>>(State.Activations.AsEnumerable().Reverse().ToList());

    public const int BacktestCapacity = 200;

    public async Task AddBacktestAsync(BacktestSummary backtest)
    {
        State.Backtests.Add(backtest);
        if (State.Backtests.Count > BacktestCapacity)
        {
            State.Backtests.RemoveAt(0);
        }

        await state.WriteStateAsync();
    }

    public Task<IReadOnlyList<BacktestSummary>> ListBacktestsAsync() =>
        Task.FromResult<IReadOnlyList<BacktestSummary>>(State.Backtests.AsEnumerable().Reverse().ToList());

    private PolicyVersion Store(PolicyDocument document, string actor)
    {
        var version = new PolicyVersion
        {
            Version = State.Versions.Count == 0 ? 1 : State.Versions[^1].Version + 1,
            Document = PolicyJson.Write(document),
            Description = document.Description,
            BasedOn = document.BasedOn,
            CreatedAt = time.GetUtcNow(),
            CreatedBy = actor,
        };
        State.Versions.Add(version);
        return version;
    }

    private PolicyActivation Activate(int version, string actor)
    {
        if (State.Shadow == version)
        {
            // The shadow went live: nothing is left to compare it with.
            (State.Shadow, State.ShadowSince, State.ShadowBy) = (null, null, null);
        }

        var activation = new PolicyActivation(version, State.Active, time.GetUtcNow(), actor);
        State.Activations.Add(activation);
        State.Active = version;
        return activation;
    }

    private PolicyVersion? Find(int version) => State.Versions.Find(v => v.Version == version);

    private PolicySummary Summary(PolicyVersion v)
    {
        var last = State.Activations.FindLast(a => a.Version == v.Version);
        var status = State.Active == v.Version ? PolicyStatus.Active : last is null ? PolicyStatus.Draft : PolicyStatus.Retired;
        return new PolicySummary(v.Version, status, v.Description, v.BasedOn, v.CreatedAt, v.CreatedBy, last?.At, last?.By);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Policy version {Version} stored by {Actor} (based on {BasedOn})")]
    private static partial void LogCreated(ILogger logger, int version, string actor, int? basedOn);

    [LoggerMessage(Level = LogLevel.Information, Message = "Policy version {Version} runs in shadow, started by {Actor}")]
    private static partial void LogShadow(ILogger logger, int version, string actor);

    [LoggerMessage(Level = LogLevel.Information, Message = "Shadow run of policy version {Version} stopped by {Actor}")]
    private static partial void LogShadowStopped(ILogger logger, int version, string actor);

    [LoggerMessage(Level = LogLevel.Information, Message = "Policy version {Version} seeded from the configuration and activated")]
    private static partial void LogSeeded(ILogger logger, int version);

    [LoggerMessage(Level = LogLevel.Information, Message = "Policy version {Version} activated (was {Previous}) by {Actor}")]
    private static partial void LogActivated(ILogger logger, int version, int? previous, string actor);
}
