namespace Ott.Grains.Aggregation;

/// <summary>
/// A per-event side effect of the user grains that needs no grain call per event (a per-silo batcher, a counter).
/// Every registered observer sees every assessed event, in registration order; a new side effect is a new class and
/// one DI registration, with no edit to the user grain.
/// </summary>
public interface IAssessmentObserver
{
    /// <summary>
    /// Called on the user grain's turn for each event whose assessment is written. On the hot path: never blocks on
    /// I/O, takes at most one short lock, allocates no more than what it keeps.
    /// </summary>
    void Observe(in AssessedEvent assessed);
}
