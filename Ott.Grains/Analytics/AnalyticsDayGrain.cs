using Microsoft.Extensions.Options;
using Ott.Grains.Common;
using Ott.Grains.Interfaces;

namespace Ott.Grains.Analytics;

/// <summary>One UTC day of analytics counts; a thin shell over <see cref="AnalyticsTally"/>. State written behind.</summary>
public sealed class AnalyticsDayGrain(
    [PersistentState("analytics-day", StorageNames.Grains)] IPersistentState<AnalyticsCounts> state,
    IOptions<WriteBehindOptions> writeBehind)
    : WriteBehindGrain<AnalyticsCounts>(state, writeBehind), IAnalyticsDayGrain
{
    public async Task RecordAsync(AnalyticsCounts delta)
    {
        AnalyticsTally.Merge(State, delta);
        await ChangedAsync();
    }

    public Task<AnalyticsCounts> GetAsync() => Task.FromResult(State);
}
