using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;

namespace Ott.Hosting;

/// <summary>
/// The process's hosting configuration (section <c>Ott</c>): profile, cluster identity, ports and providers. Bound
/// and validated once per start, before the host is built (the providers depend on it), by
/// <see cref="HostingExtensions.OttHost"/>; every other reader takes it from DI.
/// </summary>
public sealed class OttHostOptions
{
    public const string Section = "Ott";

    /// <summary>The SQLite file of the embedded profile when <c>ConnectionStrings:Sqlite</c> is empty (relative to the content root).</summary>
    public const string DefaultSqliteConnection = "Data Source=data/ott.db";

    /// <summary><c>Embedded</c> (one process, nothing to install) or <c>Production</c> (N silos on Redis and PostgreSQL).</summary>
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

    /// <summary>How the API process is hosted (<c>Ott:Api:Mode</c>); silos ignore it.</summary>
    public ApiHostSettings Api { get; set; } = new();

    public StreamSettings Streams { get; set; } = new();

    /// <summary>Failure detection timings (Orleans' defaults unless set).</summary>
    public MembershipSettings Membership { get; set; } = new();

    /// <summary>
    /// The Orleans Dashboard (<c>Ott:OrleansDashboard:Enabled</c>): its grain-call profiler runs on every silo and the
    /// API serves it at <c>/dashboard/</c> to admins. Default: on in the Embedded profile, off in Production (every
    /// silo and the API must agree). Load tests turn it off.
    /// </summary>
    public OrleansDashboardSettings OrleansDashboard { get; set; } = new();

    /// <summary><c>ConnectionStrings:Redis</c> (StackExchange.Redis configuration string); not under <c>Ott</c>.</summary>
    public string? RedisConnection { get; private set; }

    /// <summary>The connection string of the configured SQL storage (<c>ConnectionStrings:Postgres</c> or <c>:Sqlite</c>).</summary>
    public string? SqlConnection { get; private set; }

    /// <summary>Whether the Orleans Dashboard runs, after the profile's default.</summary>
    public bool DashboardEnabled => OrleansDashboard.Enabled ?? Profile != HostProfile.Production;

    /// <summary>Binds the section and the connection strings, and validates them; throws <see cref="OttConfigurationException"/> listing every problem.</summary>
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

        options.RedisConnection = configuration.GetConnectionString("Redis");
        options.SqlConnection = options.Storage switch
        {
            GrainStorageProvider.Postgres => configuration.GetConnectionString("Postgres"),
            GrainStorageProvider.Sqlite => configuration.GetConnectionString("Sqlite") is { Length: > 0 } sqlite ? sqlite : DefaultSqliteConnection,
            _ => null,
        };

        var problems = new List<string>();
        Collect(options, Section, problems);
        Collect(options.Streams, $"{Section}:Streams", problems);
        Collect(options.Membership, $"{Section}:Membership", problems);
        if (new OttHostOptionsValidator().Validate(null, options) is { Failed: true } failed)
        {
            problems.AddRange(failed.Failures);
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
