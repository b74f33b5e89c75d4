using System.ComponentModel.DataAnnotations;

namespace Ott.Grains.Devices;

/// <summary>Caps and the sharing rule of device state (configuration section <c>Ott:Devices</c>).</summary>
public sealed class DeviceOptions
{
    public const string Section = "Ott:Devices";

    /// <summary>Users remembered per device (least recently seen evicted first).</summary>
    [Range(2, 10_000)] public int MaxUsers { get; set; } = 100;

    /// <summary>IPs remembered per device (least recently seen evicted first).</summary>
    [Range(1, 10_000)] public int MaxIps { get; set; } = 100;

    /// <summary>Days before the device's latest event in which users count toward sharing.</summary>
    [Range(1, 365)] public int SharingWindowDays { get; set; } = 30;

    /// <summary>Distinct users in the window from which a device is shared.</summary>
    [Range(2, 1000)] public int SharedMinUsers { get; set; } = 2;
}
