using Microsoft.Extensions.Options;
using Ott.Grains.Common;
using Ott.Grains.Interfaces;

namespace Ott.Grains.Policies;

/// <summary>Totals of one (shadow, live) pair, fed once per flush by each silo's <see cref="ShadowBatcher"/>; written behind.</summary>
public sealed class ShadowStatsGrain(
    [PersistentState("shadow-stats", StorageNames.Grains)] IPersistentState<ShadowTally> state,
    IOptions<WriteBehindOptions> writeBehind) : WriteBehindGrain<ShadowTally>(state, writeBehind), IShadowStatsGrain
{
    private static readonly RiskLevel[] Levels = [RiskLevel.Low, RiskLevel.Medium, RiskLevel.High, RiskLevel.Critical];
    private static readonly RiskAction[] Actions = [RiskAction.Allow, RiskAction.Review, RiskAction.Block];

    public async Task RecordAsync(ShadowTally delta)
    {
        State.Merge(delta);
        await ChangedAsync();
    }

    public async Task RecordOutcomeAsync(bool liveAlerted, bool shadowAlerted, bool confirmed)
    {
        State.Outcomes.Add(liveAlerted, shadowAlerted, confirmed);
        await ChangedAsync();
    }

    public Task<ShadowReport> GetAsync()
    {
        var key = this.GetPrimaryKeyString().Split(':');
        var t = State;
        return Task.FromResult(new ShadowReport
        {
            Shadow = int.Parse(key[0], System.Globalization.CultureInfo.InvariantCulture),
            Live = int.Parse(key[1], System.Globalization.CultureInfo.InvariantCulture),
            Events = t.Events,
            Levels = Matrix(Levels, l => (int)l, 5, t.Levels),
            Actions = Matrix(Actions, a => (int)a, 4, t.Actions),
            Alerts = new AlertComparison(t.LiveAlerting, t.ShadowAlerting, Delta(t.AddedTotal, t.Added), Delta(t.RemovedTotal, t.Removed)),
            LiveMeanScore = t.Events == 0 ? null : Math.Round(t.LiveScore / t.Events, 3),
            ShadowMeanScore = t.Events == 0 ? null : Math.Round(t.ShadowScore / t.Events, 3),
            Factors = t.Factors.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => new FactorPoints(f.Key, Math.Round(f.Value.Live, 2),
                Math.Round(f.Value.Shadow, 2), Math.Round(f.Value.Shadow - f.Value.Live, 2), f.Value.LiveEvents, f.Value.ShadowEvents)).ToList(),
            Outcomes = Outcomes(t.Outcomes),
        });
    }

    private static Dictionary<string, IReadOnlyDictionary<string, long>> Matrix<T>(T[] values, Func<T, int> index, int width, long[] cells)
        where T : struct, Enum =>
        values.ToDictionary(row => row.ToString().ToLowerInvariant(), row => (IReadOnlyDictionary<string, long>)values.ToDictionary(
            column => column.ToString().ToLowerInvariant(), column => cells[(index(row) * width) + index(column)]));

    private static OutcomeComparison Outcomes(OutcomeTally o)
    {
        var c = o.Cells;
        AlertQuality Quality(int at) => BacktestReplay.Of(c[at + 3], c[at + 2], c[at + 1], c[at]);
        var labelled = c[0] + c[1] + c[2] + c[3];
        return new OutcomeComparison(new[] { Logs.OutcomeSources.Analyst }, labelled,
            new Dictionary<string, long> { [Logs.OutcomeSources.Analyst] = labelled }, Quality(0), Quality(4));
    }

    private static AlertDelta Delta(long total, Dictionary<string, long> counts)
    {
        SortedDictionary<string, long> Part(string prefix) => new(counts.Where(c => c.Key.StartsWith(prefix, StringComparison.Ordinal))
            .ToDictionary(c => c.Key[prefix.Length..], c => c.Value), StringComparer.Ordinal);
        return new AlertDelta(total, Part("severity:"), Part("segment:"), Part("region:"));
    }
}
