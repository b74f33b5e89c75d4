using System.ComponentModel.DataAnnotations;

namespace Ott.Hosting;

/// <summary>
/// How fast the cluster declares a silo dead (section <c>Ott:Membership</c>). The probe timeout defaults to 1 s
/// (Orleans: 5 s); the other values left empty keep Orleans' defaults (3 missed probes, 2 votes). Until the death is
/// declared, calls to the dead silo's grains fail and the API retries them, and what the silo held waits for the
/// replay the declaration starts (docs/reliability.md), so lower values shorten that window; too low and a silo
/// paused by a long GC or a busy host is declared dead and stops, which costs far more. Orleans 10 widens each
/// silo's effective timeout up to four times this value when it answers slowly. Tune with <c>bench/silo-kill.sh</c>
/// on the production hosts.
/// </summary>
public sealed class MembershipSettings
{
    /// <summary>
    /// The initial probe timeout (Orleans' own default is 5 s). Orleans 10 adapts each monitored silo's effective
    /// timeout and probe period to its observed response times, between half and four times this value.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.500", "00:01:00")]
    public TimeSpan? ProbeTimeout { get; set; } = TimeSpan.FromSeconds(1);

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
