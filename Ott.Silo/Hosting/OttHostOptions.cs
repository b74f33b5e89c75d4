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

    /// <summary>Membership in Redis (<c>ConnectionStrings:Redis</c>): any number of silos and API clients.</summary>
    Redis,
}

/// <summary>Grain state provider.</summary>
public enum GrainStorageProvider
{
    /// <summary>In process memory: lost when the process stops. For tests and throwaway runs.</summary>
    Memory,

    /// <summary>A SQLite file (<c>ConnectionStrings:Sqlite</c>): durable, one process. The embedded default.</summary>
    Sqlite,

    /// <summary>PostgreSQL (<c>ConnectionStrings:Postgres</c>): durable and shared by every silo and API client.</summary>
    Postgres,
}

/// <summary>How the API process reaches the grains.</summary>
public enum ApiMode
{
    /// <summary>The API process is itself a silo (the embedded profile, or API and silo scaled together).</summary>
    CoHosted,

    /// <summary>The API process is an Orleans client of standalone silos (<c>Ott.Silo</c>), scaled apart from them.</summary>
    Client,
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
/// How fast the cluster declares a silo dead (section <c>Ott:Membership</c>). Each value left empty keeps Orleans'
/// default (probe timeout 5 s, 3 missed probes, 2 votes). Until the death is declared, calls to the dead silo's
/// grains fail and the API retries them (docs/operations.md), so lower values shorten that window; too low and a
/// silo paused by a long GC or a busy host is declared dead and stops, which costs far more. Tune with
/// <c>bench/silo-kill.sh</c> on the production hosts.
/// </summary>
public sealed class MembershipSettings
{
    /// <summary>
    /// The initial probe timeout (Orleans: 5 s). Orleans 10 adapts each monitored silo's effective timeout and probe
    /// period to its observed response times, between half and four times this value.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.500", "00:01:00")]
    public TimeSpan? ProbeTimeout { get; set; }

    /// <summary>Missed probes in a row after which a silo votes the other dead.</summary>
    [Range(1, 10)] public int? NumMissedProbesLimit { get; set; }

    /// <summary>Votes needed to declare a silo dead (capped by Orleans at the number of other active silos).</summary>
    [Range(1, 10)] public int? NumVotesForDeathDeclaration { get; set; }

    /// <summary>Applies the values that are set to Orleans' membership options.</summary>
    public void ApplyTo(Orleans.Configuration.ClusterMembershipOptions options)
    {
        options.ProbeTimeout = ProbeTimeout ?? options.ProbeTimeout;
        options.NumMissedProbesLimit = NumMissedProbesLimit ?? options.NumMissedProbesLimit;
        options.NumVotesForDeathDeclaration = NumVotesForDeathDeclaration ?? options.NumVotesForDeathDeclaration;
    }
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

    public GrainStorageProvider Storage { get; set; } = GrainStorageProvider.Sqlite;

    /// <summary>
    /// The address other silos and clients reach this silo at. Empty: loopback with Localhost clustering, else the
    /// first non-loopback IPv4 address of the machine.
    /// </summary>
    public string? AdvertisedIp { get; set; }

    /// <summary>The API process's role (<c>Ott:Api:Mode</c>); silos ignore it.</summary>
    public ApiMode ApiMode { get; set; } = ApiMode.CoHosted;

    /// <summary><c>ConnectionStrings:Redis</c> (StackExchange.Redis configuration string).</summary>
    public string? RedisConnection { get; set; }

    /// <summary>The connection string of the configured SQL storage (<c>ConnectionStrings:Postgres</c> or <c>:Sqlite</c>).</summary>
    public string? SqlConnection { get; set; }

    public StreamSettings Streams { get; set; } = new();

    /// <summary>Failure detection timings (Orleans' defaults unless set).</summary>
    public MembershipSettings Membership { get; set; } = new();

    /// <summary>
    /// The Orleans Dashboard (<c>Ott:OrleansDashboard:Enabled</c>): its grain-call profiler runs on every silo and the
    /// API serves it at <c>/dashboard/</c> to admins. Default: on in the Embedded profile, off in Production (every
    /// silo and the API must agree). Load tests turn it off.
    /// </summary>
    public OrleansDashboardSettings OrleansDashboard { get; set; } = new();

    /// <summary>Whether the Orleans Dashboard runs, after the profile's default.</summary>
    public bool DashboardEnabled => OrleansDashboard.Enabled ?? Profile != HostProfile.Production;

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

        options.ApiMode = configuration.GetValue($"{Section}:Api:Mode", ApiMode.CoHosted);
        options.RedisConnection = configuration.GetConnectionString("Redis");
        options.SqlConnection = options.Storage switch
        {
            GrainStorageProvider.Postgres => configuration.GetConnectionString("Postgres"),
            GrainStorageProvider.Sqlite => configuration.GetConnectionString("Sqlite") is { Length: > 0 } sqlite ? sqlite : "Data Source=data/ott.db",
            _ => null,
        };

        var problems = new List<string>();
        Collect(options, Section, problems);
        Collect(options.Streams, $"{Section}:Streams", problems);
        Collect(options.Membership, $"{Section}:Membership", problems);

        if (options.SiloPort == options.GatewayPort)
        {
            problems.Add($"{Section}:SiloPort and {Section}:GatewayPort must differ (both are {options.SiloPort}).");
        }

        if (options.AdvertisedIp is { Length: > 0 } ip && !System.Net.IPAddress.TryParse(ip, out _))
        {
            problems.Add($"{Section}:AdvertisedIp '{ip}' is not an IP address.");
        }

        if (options.Clustering == ClusteringProvider.Redis && string.IsNullOrWhiteSpace(options.RedisConnection))
        {
            problems.Add($"{Section}:Clustering is Redis but ConnectionStrings:Redis is empty (e.g. 127.0.0.1:6379).");
        }

        if (options.Storage == GrainStorageProvider.Postgres && string.IsNullOrWhiteSpace(options.SqlConnection))
        {
            problems.Add($"{Section}:Storage is Postgres but ConnectionStrings:Postgres is empty " +
                         "(e.g. Host=127.0.0.1;Port=5432;Database=ott;Username=ott;Password=...).");
        }

        if (options.Clustering == ClusteringProvider.Redis && options.Storage != GrainStorageProvider.Postgres)
        {
            problems.Add($"{Section}:Storage is {options.Storage}, which one process owns; several silos (Redis clustering) " +
                         "must share the log, alerts and grain state: use Postgres.");
        }

        if (options.ApiMode == ApiMode.Client && options.Storage != GrainStorageProvider.Postgres)
        {
            problems.Add($"{Section}:Api:Mode is Client, so the API reads the log and alerts the silos write: " +
                         $"{Section}:Storage must be Postgres (it is {options.Storage}).");
        }

        if (options.Profile == HostProfile.Production)
        {
            if (options.Clustering != ClusteringProvider.Redis)
            {
                problems.Add($"{Section}:Clustering is {options.Clustering}, which runs one silo only; the Production profile " +
                             "needs Redis (see docs/operations.md).");
            }

            if (options.Storage != GrainStorageProvider.Postgres)
            {
                problems.Add($"{Section}:Storage is {options.Storage}; the Production profile needs Postgres, shared by every " +
                             "silo (see docs/operations.md).");
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

/// <summary>Configuration of the Orleans Dashboard (<c>Ott:OrleansDashboard</c>).</summary>
public sealed class OrleansDashboardSettings
{
    /// <summary>On or off; unset follows the profile (see <see cref="OttHostOptions.OrleansDashboard"/>).</summary>
    public bool? Enabled { get; set; }
}

/// <summary>Start-up configuration is invalid; <see cref="Exception.Message"/> lists every problem.</summary>
public sealed class OttConfigurationException(IReadOnlyList<string> problems)
    : Exception("Invalid configuration:" + Environment.NewLine + string.Join(Environment.NewLine, problems.Select(p => "  - " + p)))
{
    public IReadOnlyList<string> Problems { get; } = problems;
}
