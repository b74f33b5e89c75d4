namespace Ott.Hosting;

/// <summary>Which deployment shape the process runs in.</summary>
public enum HostProfile
{
    /// <summary>One process, one silo, nothing to install (the default).</summary>
    Embedded,

    /// <summary>N silos and M API clients on shared clustering and storage servers.</summary>
    Production,
}
