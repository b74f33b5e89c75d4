namespace Ott.Api.Events;

/// <summary>202 body of <c>POST /events</c>.</summary>
/// <param name="Status"><c>queued</c> or <c>duplicate</c>.</param>
/// <param name="EventId">The event's id.</param>
public sealed record EventAccepted(string Status, string EventId);

/// <summary>One rejected item of a batch.</summary>
/// <param name="Index">Position in the submitted array (0-based).</param>
/// <param name="EventId">The item's event_id when it had a string one.</param>
/// <param name="Errors">Failing fields and their messages.</param>
public sealed record BatchRejection(int Index, string? EventId, IReadOnlyDictionary<string, string[]> Errors);

/// <summary>202 body of <c>POST /events/batch</c>.</summary>
/// <param name="Accepted">Events newly queued.</param>
/// <param name="Duplicates">Events whose event_id was already accepted (nothing counted again).</param>
/// <param name="Rejected">Items that failed validation; nothing of them was ingested.</param>
public sealed record BatchAccepted(int Accepted, int Duplicates, IReadOnlyList<BatchRejection> Rejected);
