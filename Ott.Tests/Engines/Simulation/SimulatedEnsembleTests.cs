using System.Diagnostics;
using Ott.Grains.Detection;
using Ott.Grains.Simulation;

namespace Ott.Tests.Engines.Simulation;

public class SimulatedEnsembleTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 0, 0, 0, TimeSpan.Zero);

    [Test]
    public void MixedScenarios_EnsembleTrainedUnsupervisedOnEverything_RocAucAtLeast090OverallAndPerAttack()
    {
        var clock = Stopwatch.StartNew();
        var rows = SimulationReplay.Features(
            ScenarioSimulator.Generate(new SimulationRequest(ScenarioSimulator.Mixed, Users: 300, Seed: 2026, Start)));
        var replayed = clock.Elapsed;
        var samples = rows.Select(r => r.Features).ToArray();
        var labels = rows.Select(r => r.Anomalous).ToArray();

        // A LOF reference set of 256 rows (the forest's sample size) instead of the default 2,048: faster, and an attack
        // that sends many similar events no longer forms a dense cluster of its own that LOF finds normal (masking).
        var ensemble = AnomalyEnsemble.Train(samples, new EnsembleOptions { MaxLofReference = 256 }, seed: 7);
        var scores = samples.Select(x => ensemble.Score(x)).ToArray();
        var overall = Auc(scores, labels, Enumerable.Range(0, rows.Count), s => s.Ensemble);

        TestContext.Out.WriteLine(
            $"{rows.Count} events, {labels.Count(l => l)} anomalous; simulated and replayed in {replayed.TotalMilliseconds:F0} ms, " +
            $"trained and scored in {(clock.Elapsed - replayed).TotalMilliseconds:F0} ms");
        TestContext.Out.WriteLine(
            $"overall: ensemble AUC {overall:F4} (forest {Auc(scores, labels, Enumerable.Range(0, rows.Count), s => s.IForest):F4}, " +
            $"LOF {Auc(scores, labels, Enumerable.Range(0, rows.Count), s => s.Lof):F4})");
        var perAttack = new Dictionary<string, double>();
        foreach (var scenario in ScenarioSimulator.Scenarios.Skip(1))
        {
            var subset = Enumerable.Range(0, rows.Count).Where(i => !labels[i] || rows[i].Scenario == scenario).ToList();
            perAttack[scenario] = Auc(scores, labels, subset, s => s.Ensemble);
            TestContext.Out.WriteLine(
                $"{scenario}: {subset.Count(i => labels[i])} attack events against every normal event: ensemble AUC {perAttack[scenario]:F4}");
        }

        Assert.Multiple(() =>
        {
            Assert.That(overall, Is.GreaterThanOrEqualTo(0.90));
            Assert.That(perAttack, Has.Count.EqualTo(4));
            Assert.That(perAttack.Values, Has.All.GreaterThanOrEqualTo(0.90));
        });
    }

    private static double Auc(AnomalyScore[] scores, bool[] labels, IEnumerable<int> rows, Func<AnomalyScore, double> score)
    {
        var chosen = rows.ToList();
        return RocAuc.Compute(chosen.Select(i => score(scores[i])).ToList(), chosen.Select(i => labels[i]).ToList());
    }
}
