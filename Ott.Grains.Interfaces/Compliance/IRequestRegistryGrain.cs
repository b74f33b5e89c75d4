namespace Ott.Grains.Interfaces;

/// <summary>A deadline one law sets for a data-subject request or a breach notice.</summary>
[GenerateSerializer, Immutable, Alias("ott.law-deadline")]
public sealed record Deadline(
    [property: Id(0)] string Regulation,
    [property: Id(1)] string Article,
    [property: Id(2)] DateTimeOffset? Due,
    [property: Id(3)] string Wording);

/// <summary>A data-subject request (erasure) opened by a <c>data_deletion_request</c> event.</summary>
[GenerateSerializer, Immutable, Alias("ott.dsr")]
public sealed record DataSubjectRequest
{
    /// <summary>The id of the event that opened it.</summary>
    [Id(0)] public required string RequestId { get; init; }
    [Id(1)] public required string UserId { get; init; }
    [Id(2)] public required string Region { get; init; }
    [Id(3)] public required DateTimeOffset OpenedAt { get; init; }

    /// <summary>One deadline per applicable law that grants the right.</summary>
    [Id(4)] public required IReadOnlyList<Deadline> Deadlines { get; init; }
    [Id(5)] public DateTimeOffset? CompletedAt { get; init; }
}

/// <summary>A request with its status as of the time of the read.</summary>
[GenerateSerializer, Immutable, Alias("ott.dsr-view")]
public sealed record DataSubjectRequestView(
    [property: Id(0)] DataSubjectRequest Request,
    [property: Id(1)] string Status,
    [property: Id(2)] DateTimeOffset? NextDue,
    [property: Id(3)] IReadOnlyList<string> OverdueUnder);

/// <summary>
/// Singleton (key 0) index of data-subject requests. Called only when a request opens or completes, never per
/// event, so one activation is enough.
/// </summary>
[Alias("ott.request-registry")]
public interface IRequestRegistryGrain : IGrainWithIntegerKey
{
    [Alias("open")]
    Task OpenAsync(DataSubjectRequest request);

    /// <summary>Requests with status <c>open</c>, <c>overdue</c> or <c>completed</c> (null = all), soonest deadline first.</summary>
    [Alias("list")]
    Task<IReadOnlyList<DataSubjectRequestView>> ListAsync(string? status);

    /// <summary>Completes every open request of a user (after erasure); returns how many.</summary>
    [Alias("complete-user")]
    Task<int> CompleteForUserAsync(string userId);

    /// <summary>Completes a request and tells the user's grain; null when the id is unknown.</summary>
    [Alias("complete")]
    Task<DataSubjectRequestView?> CompleteAsync(string requestId);
}
