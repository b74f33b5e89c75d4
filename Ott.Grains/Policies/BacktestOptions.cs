using System.ComponentModel.DataAnnotations;

namespace Ott.Grains.Policies;

/// <summary>Backtests (configuration section <c>Ott:Backtest</c>; docs/policies.md, "Backtest").</summary>
public sealed class BacktestOptions
{
    public const string Section = "Ott:Backtest";

    /// <summary>
    /// The share of one core a running backtest may use: it works in slices and sleeps between them so that its busy
    /// time stays at this share of wall time, leaving the rest to live traffic.
    /// </summary>
    [Range(0.05, 1.0)]
    public double MaxCpuShare { get; set; } = 0.5;

    /// <summary>Longest period one backtest may replay.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "366.00:00:00")]
    public TimeSpan MaxPeriod { get; set; } = TimeSpan.FromDays(92);
}
