using Ott.Grains.Aggregation;
using Ott.Grains.Interfaces;

namespace Ott.Grains.Devices;

/// <summary>
/// Per silo, who used each device from which IP between two flushes; flushed as one
/// <see cref="IDeviceGrain.RecordAsync"/> per active device. A failed call keeps the device's usage for the next flush.
/// </summary>
public sealed class DeviceBatcher(IGrainFactory grains) : IAssessmentObserver, IAggregateBatcher
{
    private readonly Lock _lock = new();
    private Dictionary<string, Dictionary<(string User, string Ip), DeviceUsage>> _devices = new(StringComparer.Ordinal);

    public void Observe(in AssessedEvent assessed)
    {
        var e = assessed.Event;
        lock (_lock)
        {
            if (!_devices.TryGetValue(e.DeviceId, out var usage))
            {
                _devices[e.DeviceId] = usage = [];
            }

            var key = (e.UserId, e.IpAddress);
            usage[key] = usage.TryGetValue(key, out var known)
                ? known with
                {
                    Events = known.Events + 1,
                    FirstSeen = e.Timestamp < known.FirstSeen ? e.Timestamp : known.FirstSeen,
                    LastSeen = e.Timestamp > known.LastSeen ? e.Timestamp : known.LastSeen,
                }
                : new DeviceUsage(e.UserId, e.IpAddress, 1, e.Timestamp, e.Timestamp);
        }
    }

    public async Task FlushAsync(FlushCalls calls, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Dictionary<string, Dictionary<(string, string), DeviceUsage>> devices;
        lock (_lock)
        {
            if (_devices.Count == 0)
            {
                return;
            }

            (devices, _devices) = (_devices, new(StringComparer.Ordinal));
        }

        var sent = new List<Task>(devices.Count);
        foreach (var (deviceId, usage) in devices)
        {
            var list = usage.Values.ToList();
            sent.Add(calls.RunAsync(() => grains.GetGrain<IDeviceGrain>(deviceId).RecordAsync(list), () => Restore(deviceId, list)));
        }

        await Task.WhenAll(sent);
    }

    private void Restore(string deviceId, List<DeviceUsage> usage)
    {
        lock (_lock)
        {
            if (!_devices.TryGetValue(deviceId, out var current))
            {
                _devices[deviceId] = current = [];
            }

            foreach (var u in usage)
            {
                var key = (u.UserId, u.IpAddress);
                current[key] = current.TryGetValue(key, out var known)
                    ? known with
                    {
                        Events = known.Events + u.Events,
                        FirstSeen = u.FirstSeen < known.FirstSeen ? u.FirstSeen : known.FirstSeen,
                        LastSeen = u.LastSeen > known.LastSeen ? u.LastSeen : known.LastSeen,
                    }
                    : u;
            }
        }
    }
}
