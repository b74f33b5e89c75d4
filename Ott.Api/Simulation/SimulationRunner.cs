using Ott.Grains.Interfaces;
using Ott.Grains.Logs;
using Ott.Grains.Simulation;

namespace Ott.Api.Simulation;

/// <summary>Body of <c>POST /api/v1/simulations</c>.</summary>
/// <remarks>With <c>teach: true</c> the run's ground truth also teaches the live models (labelled examples) and segment
/// thresholds; by default it is only recorded, as outcomes of source <c>simulation</c>.</remarks>
public sealed record SimulationRunRequest(string? Scenario, int? Users, int? Seed, int? Days, double? AttackShare, bool? Teach = null);

/// <summary>What a simulation run did.</summary>
/// <remarks>
/// <c>IdPrefix</c> leads every id of the run and is the run id its outcomes carry; <c>Taught</c>: whether the ground
/// truth taught the live models and thresholds; <c>LabelsRecorded</c>: labelled examples sent to the model grain (0
/// unless taught); <c>OutcomesRecorded</c>: outcomes stored with source <c>simulation</c>, one per assessed event;
/// <c>ThresholdOutcomes</c>: outcomes sent to the segment threshold learning (0 unless taught).
/// </remarks>
public sealed record SimulationRunReport(
    string Scenario, int Users, int Seed, string IdPrefix, int Events, int Anomalous, int Accepted, bool Drained,
    bool Taught, int LabelsRecorded, int OutcomesRecorded, int ThresholdOutcomes, double Seconds);

/// <summary>
/// Runs the scenario simulator through the real pipeline: the events are ingested like any client's, and once
/// assessed their ground truth is recorded as outcomes of source <c>simulation</c> (with the run id), kept apart from
/// analysts' verdicts. Only when asked (<c>teach</c>) does it also teach the live models (labelled examples) and the
/// segment thresholds, which is how a demo gets an ML report without analysts (docs/policies.md, "Outcomes").
/// </summary>
public sealed class SimulationRunner(IGrainFactory grains, IEventLog events, IAssessmentLog assessments, IOutcomeLog outcomeLog, TimeProvider time)
{
    public const int BatchSize = 500;

    public async Task<SimulationRunReport> RunAsync(SimulationRequest request, bool teach, string actor, TimeSpan drainTimeout,
        CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var simulated = ScenarioSimulator.Generate(request).ToList();
        var ingest = grains.GetGrain<IIngestGrain>(0);
        var accepted = 0;
        foreach (var chunk in simulated.Chunk(BatchSize))
        {
            var statuses = await ingest.IngestAsync(chunk.Select(s => s.Event with { ReceivedAt = time.GetUtcNow() }).ToList());
            accepted += statuses.Count(s => s == IngestStatus.Queued);
        }

        var drained = await WaitAssessedAsync(drainTimeout, cancellationToken);
        var labels = new List<LabelledExample>(simulated.Count);
        var outcomes = new Dictionary<string, List<Outcome>>(StringComparer.Ordinal);
        var recorded = new List<RecordedOutcome>(simulated.Count);
        var now = time.GetUtcNow();
        foreach (var s in simulated)
        {
            if (await assessments.GetAsync(s.Event.EventId, cancellationToken) is not { } a)
            {
                continue;
            }

            recorded.Add(new RecordedOutcome(a.EventId, a.UserId, a.EventTime, s.Anomalous, OutcomeSources.Simulation, actor, request.IdPrefix, now));
            if (!teach)
            {
                continue;
            }

            if (a is { FeatureVector: { } features, BaselineVector: { } baseline })
            {
                labels.Add(new LabelledExample(a.EventId, [.. features, .. baseline], s.Anomalous, $"simulation:{s.Scenario}"));
            }

            if (a.Segment is { } segment)
            {
                (outcomes.TryGetValue(segment, out var list) ? list : outcomes[segment] = []).Add(new Outcome(a.EventId, segment, a.RiskScore, s.Anomalous, now) { Source = OutcomeSources.Simulation });
            }
        }

        foreach (var chunk in recorded.Chunk(1_000))
        {
            await outcomeLog.RecordAsync(chunk, cancellationToken);
        }

        var model = grains.GetGrain<IModelGrain>(0);
        foreach (var chunk in labels.Chunk(1_000))
        {
            await model.AddLabelsAsync(chunk);
        }

        foreach (var (segment, list) in outcomes)
        {
            await grains.GetGrain<ISegmentLearningGrain>(segment).AddManyAsync(list);
        }

        return new SimulationRunReport(request.Scenario, request.Users, request.Seed, request.IdPrefix, simulated.Count,
            simulated.Count(s => s.Anomalous), accepted, drained, teach, labels.Count, recorded.Count, outcomes.Values.Sum(l => l.Count),
            Math.Round(time.GetElapsedTime(started).TotalSeconds, 2));
    }

    private async Task<bool> WaitAssessedAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        // Polled like /process/drain: the production log is a table that cannot push a notification.
        using var poll = new PeriodicTimer(TimeSpan.FromMilliseconds(50), time);
        while ((await events.GetEventStatsAsync(cancellationToken)).Pending > 0)
        {
            if (time.GetElapsedTime(started) >= timeout || !await poll.WaitForNextTickAsync(cancellationToken))
            {
                return false;
            }
        }

        return true;
    }
}
