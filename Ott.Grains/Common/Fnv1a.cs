namespace Ott.Grains.Common;

/// <summary>
/// FNV-1a hashes of strings that are stable across processes and restarts (unlike <see cref="string.GetHashCode()"/>),
/// so they can be persisted in grain state.
/// </summary>
public static class Fnv1a
{
    /// <summary>32-bit FNV-1a over the UTF-16 code units.</summary>
    public static int Hash32(string value)
    {
        var hash = 2166136261u;
        foreach (var c in value)
        {
            hash = (hash ^ (c & 0xFFu)) * 16777619u;
            hash = (hash ^ ((uint)c >> 8)) * 16777619u;
        }

        return unchecked((int)hash);
    }

    /// <summary>64-bit FNV-1a over the UTF-16 code units.</summary>
    public static ulong Hash64(string value)
    {
        var hash = 14695981039346656037ul;
        foreach (var c in value)
        {
            hash = (hash ^ (c & 0xFFu)) * 1099511628211ul;
            hash = (hash ^ ((uint)c >> 8)) * 1099511628211ul;
        }

        return hash;
    }
}
