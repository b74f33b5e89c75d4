using Ott.Grains.Interfaces;

namespace Ott.Grains.Devices;

/// <summary>Persisted state of one device.</summary>
[GenerateSerializer, Alias("ott.device-state")]
public sealed class DeviceState
{
    [Id(0)] public DateTimeOffset? FirstSeen { get; set; }
    [Id(1)] public DateTimeOffset? LastSeen { get; set; }
    [Id(2)] public long TotalEvents { get; set; }
    [Id(3)] public List<DeviceParty> Users { get; set; } = [];
    [Id(4)] public List<DeviceParty> Ips { get; set; } = [];
}

/// <summary>The engine over <see cref="DeviceState"/>: merges usage, applies caps, derives sharing.</summary>
public sealed class DeviceBook(DeviceOptions options)
{
    /// <summary>Merges one flush worth of usage into the state.</summary>
    public void Record(DeviceState state, IReadOnlyList<DeviceUsage> usage)
    {
        foreach (var u in usage)
        {
            state.TotalEvents += u.Events;
            if (state.FirstSeen is null || u.FirstSeen < state.FirstSeen)
            {
                state.FirstSeen = u.FirstSeen;
            }

            if (state.LastSeen is null || u.LastSeen > state.LastSeen)
            {
                state.LastSeen = u.LastSeen;
            }

            Merge(state.Users, u.UserId, u, options.MaxUsers);
            Merge(state.Ips, u.IpAddress, u, options.MaxIps);
        }
    }

    /// <summary>The analyst view of a device.</summary>
    public DeviceView View(string deviceId, DeviceState state)
    {
        var since = state.LastSeen!.Value.AddDays(-options.SharingWindowDays);
        var recentUsers = state.Users.Count(u => u.LastSeen >= since);
        return new DeviceView
        {
            DeviceId = deviceId,
            FirstSeen = state.FirstSeen!.Value,
            LastSeen = state.LastSeen.Value,
            TotalEvents = state.TotalEvents,
            Users = [.. state.Users.OrderByDescending(u => u.LastSeen)],
            Ips = [.. state.Ips.OrderByDescending(i => i.LastSeen)],
            UsersInSharingWindow = recentUsers,
            SharingWindowDays = options.SharingWindowDays,
            IsShared = recentUsers >= options.SharedMinUsers,
        };
    }

    private static void Merge(List<DeviceParty> parties, string id, DeviceUsage u, int capacity)
    {
        var index = parties.FindIndex(p => p.Id == id);
        if (index >= 0)
        {
            var p = parties[index];
            parties[index] = p with
            {
                FirstSeen = u.FirstSeen < p.FirstSeen ? u.FirstSeen : p.FirstSeen,
                LastSeen = u.LastSeen > p.LastSeen ? u.LastSeen : p.LastSeen,
                Events = p.Events + u.Events,
            };
            return;
        }

        if (parties.Count >= capacity)
        {
            var oldest = 0;
            for (var i = 1; i < parties.Count; i++)
            {
                if (parties[i].LastSeen < parties[oldest].LastSeen)
                {
                    oldest = i;
                }
            }

            parties.RemoveAt(oldest);
        }

        parties.Add(new DeviceParty(id, u.FirstSeen, u.LastSeen, u.Events));
    }
}
