namespace Ott.Grains.Interfaces;

/// <summary>What opens an incident: the users and regions affected and why.</summary>
[GenerateSerializer, Immutable, Alias("ott.incident-draft")]
public sealed record IncidentDraft(
    [property: Id(0)] string Source,
    [property: Id(1)] string Reason,
    [property: Id(2)] IReadOnlyList<string> Users,
    [property: Id(3)] IReadOnlyList<string> Regions);

/// <summary>A notice deadline of an incident, with when the notice was sent.</summary>
[GenerateSerializer, Immutable, Alias("ott.incident-clock")]
public sealed record BreachClock(
    [property: Id(0)] Deadline Deadline,
    [property: Id(1)] DateTimeOffset? NotifiedAt);

/// <summary>A breach incident with one notice clock per affected law.</summary>
[GenerateSerializer, Immutable, Alias("ott.incident")]
public sealed record Incident
{
    [Id(0)] public required string Id { get; init; }
    [Id(1)] public required DateTimeOffset OpenedAt { get; init; }

    /// <summary><c>automatic</c> (data-access volume) or <c>manual</c> (API).</summary>
    [Id(2)] public required string Source { get; init; }
    [Id(3)] public required string Reason { get; init; }
    [Id(4)] public required IReadOnlyList<string> Users { get; init; }
    [Id(5)] public required IReadOnlyList<string> Regions { get; init; }
    [Id(6)] public required IReadOnlyList<BreachClock> Clocks { get; init; }

    /// <summary>The earliest deadline whose notice is not sent yet.</summary>
    [Id(7)] public DateTimeOffset? NextDue { get; init; }
}

/// <summary>
/// Singleton (key 0) registry of breach incidents. Opened by the API or by a user grain when a user's
/// data-access volume crosses the configured threshold (at most once per user per cooldown): rare, never per event.
/// </summary>
[Alias("ott.incident-registry")]
public interface IIncidentRegistryGrain : IGrainWithIntegerKey
{
    [Alias("open")]
    Task<Incident> OpenAsync(IncidentDraft draft);

    /// <summary>Every incident, the soonest unsent deadline first.</summary>
    [Alias("list")]
    Task<IReadOnlyList<Incident>> ListAsync();

    /// <summary>Records that the notice under <paramref name="regulation"/> was sent; null when the incident or law is unknown.</summary>
    [Alias("notified")]
    Task<Incident?> MarkNotifiedAsync(string incidentId, string regulation);
}
