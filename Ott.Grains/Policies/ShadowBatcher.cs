using Ott.Grains.Aggregation;
using Ott.Grains.Interfaces;

namespace Ott.Grains.Policies;

/// <summary>
/// Per silo, live against shadow for every assessment that carries a shadow verdict, summed per (shadow, live) pair
/// between two flushes and sent as one <see cref="IShadowStatsGrain.RecordAsync"/> per pair: the shadow report reads
/// those totals, never the log. A failed call keeps the tally for the next flush.
/// </summary>
public sealed class ShadowBatcher(IGrainFactory grains) : IAssessmentObserver, IAggregateBatcher
{
    private readonly Lock _lock = new();
    private Dictionary<string, ShadowTally> _tallies = new(StringComparer.Ordinal);

    public static string Key(int shadow, int live) => FormattableString.Invariant($"{shadow}:{live}");

    public void Observe(in AssessedEvent assessed)
    {
        var a = assessed.Assessment;
        if (a.Shadow is not { } s || a.PolicyVersion is not { } live)
        {
            return;
        }

        var liveAlert = assessed.Result.Alert;
        lock (_lock)
        {
            var key = Key(s.PolicyVersion, live);
            if (!_tallies.TryGetValue(key, out var t))
            {
                _tallies[key] = t = new ShadowTally();
            }

            t.Events++;
            t.Levels[((int)a.RiskLevel * 5) + (int)s.RiskLevel]++;
            t.Actions[((int)a.Action * 4) + (int)s.Action]++;
            t.LiveScore += a.RiskScore;
            t.ShadowScore += s.RiskScore;
            AddFactors(t, a.Factors, live: true);
            AddFactors(t, assessed.Result.ShadowFactors ?? [], live: false);
            t.LiveAlerting += liveAlert.Raise ? 1 : 0;
            t.ShadowAlerting += s.Alert is null ? 0 : 1;
            if (s.Alert is { } severity && !liveAlert.Raise)
            {
                t.AddedTotal++;
                Count(t.Added, severity, s.Segment, a.Region);
            }
            else if (s.Alert is null && liveAlert.Raise)
            {
                t.RemovedTotal++;
                Count(t.Removed, liveAlert.Severity, a.Segment, a.Region);
            }
        }
    }

    public async Task FlushAsync(FlushCalls calls, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Dictionary<string, ShadowTally> tallies;
        lock (_lock)
        {
            if (_tallies.Count == 0)
            {
                return;
            }

            (tallies, _tallies) = (_tallies, new(StringComparer.Ordinal));
        }

        foreach (var (key, tally) in tallies)
        {
            await calls.RunAsync(() => grains.GetGrain<IShadowStatsGrain>(key).RecordAsync(tally), () => Restore(key, tally));
        }
    }

    private void Restore(string key, ShadowTally tally)
    {
        lock (_lock)
        {
            if (_tallies.TryGetValue(key, out var current))
            {
                current.Merge(tally);
            }
            else
            {
                _tallies[key] = tally;
            }
        }
    }

    private static void AddFactors(ShadowTally t, IReadOnlyList<RiskFactor> factors, bool live)
    {
        foreach (var f in factors)
        {
            if (!t.Factors.TryGetValue(f.Code, out var tally))
            {
                t.Factors[f.Code] = tally = new FactorTally();
            }

            if (live)
            {
                (tally.Live, tally.LiveEvents) = (tally.Live + f.Points, tally.LiveEvents + 1);
            }
            else
            {
                (tally.Shadow, tally.ShadowEvents) = (tally.Shadow + f.Points, tally.ShadowEvents + 1);
            }
        }
    }

    private static void Count(Dictionary<string, long> counts, RiskLevel severity, string? segment, string region)
    {
        foreach (var key in new[] { "severity:" + severity.ToString().ToLowerInvariant(), "segment:" + (segment ?? "none"), "region:" + region })
        {
            counts[key] = counts.GetValueOrDefault(key) + 1;
        }
    }
}
