using BenchmarkDotNet.Attributes;
using Ott.Grains.Detection;
using Ott.Grains.Simulation;

namespace Ott.Benchmarks;

/// <summary>Anomaly ensemble: scoring one event and retraining on 10,000 samples (docs/scoring.md, "Anomaly ensemble"; targets in docs/performance.md).</summary>
[MemoryDiagnoser]
public class DetectionBenchmarks
{
    private double[][] _samples = [];
    private AnomalyEnsemble _ensemble = null!;
    private readonly EnsembleOptions _options = new DetectionOptions().Ensemble;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        var events = ScenarioSimulator.Generate(new SimulationRequest(ScenarioSimulator.Mixed, 400, 7, new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)));
        _samples = [.. SimulationReplay.Features(events).Select(f => f.Features).Take(10_000)];
        _ensemble = AnomalyEnsemble.Train(_samples, _options, seed: 1);
    }

    [Benchmark(Description = "ensemble: score one event (100 trees, LOF k=20 over 256 reference rows)")]
    public double Score() => _ensemble.Score(_samples[_next++ % _samples.Length]).Ensemble;

    [Benchmark(Description = "ensemble: retrain on 10,000 samples")]
    public AnomalyEnsemble Retrain() => AnomalyEnsemble.Train(_samples, _options, seed: 2);
}
