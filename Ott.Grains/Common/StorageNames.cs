namespace Ott.Grains.Common;

/// <summary>Names of the storage providers every profile configures.</summary>
public static class StorageNames
{
    /// <summary>Grain state of users, devices, regions and the other analysis grains.</summary>
    public const string Grains = "ott-state";
}
