using Microsoft.Extensions.Options;

namespace Ott.Hosting;

/// <summary>The rules of <see cref="OttHostOptions"/> that span several fields (profile, providers, ports, connection strings).</summary>
public sealed class OttHostOptionsValidator : IValidateOptions<OttHostOptions>
{
    private const string Section = OttHostOptions.Section;

    public ValidateOptionsResult Validate(string? name, OttHostOptions options)
    {
        var problems = new List<string>();
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

        if (options.Api.Mode == ApiMode.Client && options.Storage != GrainStorageProvider.Postgres)
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

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
