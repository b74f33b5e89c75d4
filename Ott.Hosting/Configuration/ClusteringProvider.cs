namespace Ott.Hosting;

/// <summary>Cluster membership provider.</summary>
public enum ClusteringProvider
{
    /// <summary>A single silo on this machine (development clustering).</summary>
    Localhost,

    /// <summary>Membership in Redis (<c>ConnectionStrings:Redis</c>): any number of silos and API clients.</summary>
    Redis,
}
