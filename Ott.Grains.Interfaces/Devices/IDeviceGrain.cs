namespace Ott.Grains.Interfaces;

/// <summary>
/// One per device: which users and IPs used it, and whether it is shared. Fed about once a second by each
/// silo's device batcher with what that silo saw, never once per event.
/// </summary>
[Alias("ott.device")]
public interface IDeviceGrain : IGrainWithStringKey
{
    /// <summary>Adds the usage a silo observed since its last flush.</summary>
    [Alias("record")]
    Task RecordAsync(IReadOnlyList<DeviceUsage> usage);

    /// <summary>Removes a user from the device's users (erasure); true when the user was there.</summary>
    [Alias("forget-user")]
    Task<bool> ForgetUserAsync(string userId);

    /// <summary>The device's view, or null when it was never seen.</summary>
    [Alias("get")]
    Task<DeviceView?> GetAsync();
}

/// <summary>Events of one user from one IP on a device during one flush interval.</summary>
[GenerateSerializer, Immutable, Alias("ott.device-usage")]
public sealed record DeviceUsage(
    [property: Id(0)] string UserId,
    [property: Id(1)] string IpAddress,
    [property: Id(2)] long Events,
    [property: Id(3)] DateTimeOffset FirstSeen,
    [property: Id(4)] DateTimeOffset LastSeen);

/// <summary>A user or IP seen on a device.</summary>
[GenerateSerializer, Immutable, Alias("ott.device-party")]
public sealed record DeviceParty(
    [property: Id(0)] string Id,
    [property: Id(1)] DateTimeOffset FirstSeen,
    [property: Id(2)] DateTimeOffset LastSeen,
    [property: Id(3)] long Events);

/// <summary>What analysts read at <c>GET /api/v1/devices/{id}</c>.</summary>
[GenerateSerializer, Immutable, Alias("ott.device-view")]
public sealed record DeviceView
{
    [Id(0)] public required string DeviceId { get; init; }
    [Id(1)] public required DateTimeOffset FirstSeen { get; init; }
    [Id(2)] public required DateTimeOffset LastSeen { get; init; }
    [Id(3)] public required long TotalEvents { get; init; }

    /// <summary>Users seen on the device, most recent first (capped; see docs/state.md).</summary>
    [Id(4)] public required IReadOnlyList<DeviceParty> Users { get; init; }

    /// <summary>IPs the device used, most recent first (capped).</summary>
    [Id(5)] public required IReadOnlyList<DeviceParty> Ips { get; init; }

    /// <summary>Distinct users in the sharing window before the device's latest event.</summary>
    [Id(6)] public required int UsersInSharingWindow { get; init; }

    /// <summary>Length of the sharing window in days.</summary>
    [Id(7)] public required int SharingWindowDays { get; init; }

    /// <summary>True when <see cref="UsersInSharingWindow"/> reaches the configured minimum for sharing.</summary>
    [Id(8)] public required bool IsShared { get; init; }
}
