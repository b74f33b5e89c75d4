using Microsoft.Extensions.Options;
using Ott.Grains.Common;
using Ott.Grains.Interfaces;

namespace Ott.Grains.Regions;

/// <summary>One per region code; a thin shell over <see cref="RegionTally"/>. State written behind.</summary>
public sealed class RegionGrain(
    [PersistentState("region", StorageNames.Grains)] IPersistentState<RegionState> state,
    IOptions<WriteBehindOptions> writeBehind)
    : WriteBehindGrain<RegionState>(state, writeBehind), IRegionGrain
{
    public async Task RecordAsync(RegionDelta delta)
    {
        RegionTally.Add(State, delta);
        await ChangedAsync();
    }

    public Task<RegionView?> GetAsync() =>
        Task.FromResult(State.LastEventTime is null ? null : RegionTally.View(this.GetPrimaryKeyString(), State));
}
