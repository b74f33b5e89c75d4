using Ott.Grains.Interfaces;
using Ott.Grains.Users;

namespace Ott.Grains.Aggregation;

/// <summary>
/// One event once its assessment is written: the event and everything the pipeline produced for it (the assessment,
/// new network links, PIPL transfers, the network flag, the segment move). A struct passed by <c>in</c>: handing it to
/// every observer costs no allocation.
/// </summary>
public readonly record struct AssessedEvent(OttEvent Event, PipelineResult Result)
{
    public Assessment Assessment => Result.Assessment;
}
