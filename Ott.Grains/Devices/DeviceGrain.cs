using Microsoft.Extensions.Options;
using Ott.Grains.Common;
using Ott.Grains.Interfaces;

namespace Ott.Grains.Devices;

/// <summary>One per device; a thin shell over <see cref="DeviceBook"/>. State written behind.</summary>
public sealed class DeviceGrain(
    [PersistentState("device", StorageNames.Grains)] IPersistentState<DeviceState> state,
    IOptions<WriteBehindOptions> writeBehind,
    IOptions<DeviceOptions> options)
    : WriteBehindGrain<DeviceState>(state, writeBehind), IDeviceGrain
{
    private readonly DeviceBook _book = new(options.Value);

    public async Task RecordAsync(IReadOnlyList<DeviceUsage> usage)
    {
        _book.Record(State, usage);
        await ChangedAsync();
    }

    public async Task<bool> ForgetUserAsync(string userId)
    {
        if (State.Users.RemoveAll(u => u.Id == userId) == 0)
        {
            return false;
        }

        await ChangedAsync();
        return true;
    }

    public Task<DeviceView?> GetAsync() =>
        Task.FromResult(State.LastSeen is null ? null : _book.View(this.GetPrimaryKeyString(), State));
}
