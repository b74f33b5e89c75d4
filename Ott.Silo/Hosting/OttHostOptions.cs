using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;

namespace Ott.Silo.Hosting;

/// <summary>Which deployment shape the process runs in.</summary>
public enum HostProfile
{
    /// <summary>One process, one silo, nothing to install (the default).</summary>
    Embedded,

    /// <summary>N silos and M API clients on shared clustering and storage servers.</summary>
    Production,
}

/// <summary>Cluster membership provider.</summary>
public enum ClusteringProvider
{
    /// <summary>A single silo on this machine (development clustering).</summary>
    Localhost,
}

/// <summary>Grain state provider.</summary>
public enum GrainStorageProvider
{
    /// <summary>In process memory: lost when the process stops.</summary>
    Memory,
}

/// <summary>Event stream settings (memory streams, pulled by agents).</summary>
public sealed class StreamSettings
{
    /// <summary>Queues (pulling agents) the stream is partitioned into.</summary>
    [Range(1, 256)] public int Queues { get; set; } = 8;

    /// <summary>How often each agent pulls its queue.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:00:10")]
    public TimeSpan PullPeriod { get; set; } = TimeSpan.FromMilliseconds(10);

    /// <summary>Most stream batches an agent hands to consumers per pull.</summary>
    [Range(1, 10_000)] public int BatchSize { get; set; } = 100;

    /// <summary>Shortest time a delivered event stays in an agent's cache.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan CacheMinTime { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Longest time an event stays in an agent's cache.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan CacheMaxAge { get; set; } = TimeSpan.FromSeconds(15);
}

/// <summary>
/// The process's hosting configuration (section <c>Ott</c>): profile, cluster identity, ports and providers.
/// Read and validated before the host is built, so a bad value stops start-up with every problem listed.
/// </summary>
public sealed class OttHostOptions
{
    public const string Section = "Ott";

    public HostProfile Profile { get; set; } = HostProfile.Embedded;

    [Required, RegularExpression("^[A-Za-z0-9._-]{1,64}$")]
    public string ClusterId { get; set; } = "ott-local";

    [Required, RegularExpression("^[A-Za-z0-9._-]{1,64}$")]
    public string ServiceId { get; set; } = "ott-compliance";

    [Range(1, 65535)] public int SiloPort { get; set; } = 11111;

    [Range(1, 65535)] public int GatewayPort { get; set; } = 30000;

    public ClusteringProvider Clustering { get; set; } = ClusteringProvider.Localhost;

    public GrainStorageProvider Storage { get; set; } = GrainStorageProvider.Memory;

    public StreamSettings Streams { get; set; } = new();

    /// <summary>Binds the section and validates it; throws <see cref="OttConfigurationException"/> listing every problem.</summary>
    public static OttHostOptions Load(IConfiguration configuration)
    {
        var options = new OttHostOptions();
        try
        {
            configuration.GetSection(Section).Bind(options);
        }
        catch (InvalidOperationException ex)
        {
            throw new OttConfigurationException([$"{Section}: {ex.Message}"]);
        }

        var problems = new List<string>();
        Collect(options, Section, problems);
        Collect(options.Streams, $"{Section}:Streams", problems);

        if (options.SiloPort == options.GatewayPort)
        {
            problems.Add($"{Section}:SiloPort and {Section}:GatewayPort must differ (both are {options.SiloPort}).");
        }

        if (options.Profile == HostProfile.Production)
        {
            if (options.Clustering == ClusteringProvider.Localhost)
            {
                problems.Add($"{Section}:Clustering is Localhost, which runs one silo only; the Production profile needs a shared " +
                             "membership provider, and this build has none yet (see README, Production profile).");
            }

            if (options.Storage == GrainStorageProvider.Memory)
            {
                problems.Add($"{Section}:Storage is Memory, which loses grain state on restart; the Production profile needs " +
                             "durable storage, and this build has none yet (see README, Production profile).");
            }
        }

        return problems.Count == 0 ? options : throw new OttConfigurationException(problems);
    }

    private static void Collect(object target, string prefix, List<string> problems)
    {
        var results = new List<ValidationResult>();
        if (!Validator.TryValidateObject(target, new ValidationContext(target), results, validateAllProperties: true))
        {
            problems.AddRange(results.Select(r => $"{prefix}:{string.Join(",", r.MemberNames)}: {r.ErrorMessage}"));
        }
    }
}

/// <summary>Start-up configuration is invalid; <see cref="Exception.Message"/> lists every problem.</summary>
public sealed class OttConfigurationException(IReadOnlyList<string> problems)
    : Exception("Invalid configuration:" + Environment.NewLine + string.Join(Environment.NewLine, problems.Select(p => "  - " + p)))
{
    public IReadOnlyList<string> Problems { get; } = problems;
}
