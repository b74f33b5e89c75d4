using Ott.Grains.Interfaces;

namespace Ott.Api.Events;

/// <summary>202 body of <c>POST /api/v1/decisions</c> when the decision was not ready within the budget.</summary>
/// <param name="Status">Always <c>queued</c>: the event is logged and will be assessed.</param>
/// <param name="EventId">The event's id.</param>
/// <param name="Location">Where its decision can be read (<c>GET</c>, role <c>ingest</c>).</param>
public sealed record DecisionQueued(string Status, string EventId, string Location);

/// <summary>One item of a decision batch.</summary>
/// <param name="Index">Position in the submitted array (0-based).</param>
/// <param name="EventId">The event's id.</param>
/// <param name="Status"><c>decided</c> (the assessment is here) or <c>queued</c> (read it at <paramref name="Location"/>).</param>
/// <param name="Assessment">The explained assessment, with its <c>action</c>, when decided.</param>
/// <param name="Location">Where a queued item's decision can be read.</param>
public sealed record DecisionItem(int Index, string EventId, string Status, Assessment? Assessment, string? Location);

/// <summary>Body of <c>POST /api/v1/decisions/batch</c>: 200 when every valid item is decided, else 202.</summary>
/// <param name="Decisions">One entry per valid item, in the submitted order.</param>
/// <param name="Rejected">Items that failed validation; nothing of them was logged.</param>
public sealed record DecisionBatch(IReadOnlyList<DecisionItem> Decisions, IReadOnlyList<BatchRejection> Rejected);
