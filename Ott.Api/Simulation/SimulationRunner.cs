using Ott.Grains.Interfaces;
using Ott.Grains.Logs;
using Ott.Grains.Simulation;

namespace Ott.Api.Simulation;

/// <summary>Body of <c>POST /api/v1/simulations</c>.</summary>
public sealed record SimulationRunRequest(string? Scenario, int? Users, int? Seed, int? Days, double? AttackShare);

/// <summary>What a simulation run did.</summary>
public sealed record SimulationRunReport(
    string Scenario, int Users, int Seed, string IdPrefix, int Events, int Anomalous, int Accepted, bool Drained,
    int LabelsRecorded, int OutcomesRecorded, double Seconds);

/// <summary>
/// Runs the scenario simulator through the real pipeline: the events are ingested like any client's, and once
/// assessed their ground truth is recorded as outcomes, which teach the models (labelled examples) and the segment
/// thresholds (outcomes). This is how the ML report gets labelled data without analysts.
/// </summary>
public sealed class SimulationRunner(IGrainFactory grains, IEventLog events, IAssessmentLog assessments, TimeProvider time)
{
    public const int BatchSize = 500;

    public async Task<SimulationRunReport> RunAsync(SimulationRequest request, TimeSpan drainTimeout, CancellationToken cancellationToken)
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
        var now = time.GetUtcNow();
        foreach (var s in simulated)
        {
            if (await assessments.GetAsync(s.Event.EventId, cancellationToken) is not { } a)
            {
                continue;
            }

            if (a is { FeatureVector: { } features, BaselineVector: { } baseline })
            {
                labels.Add(new LabelledExample(a.EventId, [.. features, .. baseline], s.Anomalous, $"simulation:{s.Scenario}"));
            }

            if (a.Segment is { } segment)
            {
                (outcomes.TryGetValue(segment, out var list) ? list : outcomes[segment] = []).Add(new Outcome(a.EventId, segment, a.RiskScore, s.Anomalous, now));
            }
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
            simulated.Count(s => s.Anomalous), accepted, drained, labels.Count, outcomes.Values.Sum(l => l.Count),
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
