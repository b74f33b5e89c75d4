using Ott.Grains.Analytics;
using Ott.Grains.Interfaces;

namespace Ott.Api.Analytics;

/// <summary>Reads the day grains of a window (one call per day, in parallel): what every analytics answer starts from.</summary>
public sealed class AnalyticsSource(IGrainFactory grains, TimeProvider time)
{
    public const int DefaultDays = 7;

    public AnalyticsWindow Window(int days) => AnalyticsTally.Window(days, time.GetUtcNow());

    /// <summary>The days of the window that have counts.</summary>
    public async Task<IReadOnlyDictionary<DateOnly, AnalyticsCounts>> DaysAsync(AnalyticsWindow window)
    {
        var dates = AnalyticsTally.Dates(window).ToList();
        var counts = await Task.WhenAll(dates.Select(d => grains.GetGrain<IAnalyticsDayGrain>(AnalyticsTally.Key(d)).GetAsync()));
        return dates.Zip(counts).Where(p => p.Second.Assessments > 0).ToDictionary(p => p.First, p => p.Second);
    }

    /// <summary>The window's counts summed.</summary>
    public async Task<AnalyticsCounts> TotalAsync(AnalyticsWindow window) => AnalyticsTally.Sum((await DaysAsync(window)).Values);

    /// <summary>Null when <paramref name="days"/> is valid, else the error text for the problem document.</summary>
    public static string? Invalid(int? days) =>
        days is < 1 or > AnalyticsTally.MaxDays ? $"must be between 1 and {AnalyticsTally.MaxDays}" : null;
}
