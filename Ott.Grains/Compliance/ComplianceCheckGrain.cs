using Orleans.Concurrency;
using Ott.Grains.Interfaces;

namespace Ott.Grains.Compliance;

/// <summary>
/// Runs the compliance engine on an event without ingesting it or touching any user's state.
/// [StatelessWorker]: pure computation, so every silo answers locally.
/// </summary>
[StatelessWorker]
public sealed class ComplianceCheckGrain(ComplianceEngine engine) : Grain, IComplianceCheckGrain
{
    public Task<ComplianceVerdict> CheckAsync(OttEvent e) => Task.FromResult(engine.Judge(e));
}
