using System.Diagnostics.Metrics;

namespace Ott.Api.Hosting;

/// <summary>Instruments of the HTTP side on the <c>Ott.Api</c> meter; labels are bounded enumerations.</summary>
public sealed class ApiMetrics
{
    public const string MeterName = "Ott.Api";

    private readonly Counter<long> _rejected;

    public ApiMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _rejected = meter.CreateCounter<long>("input.rejected", description: "Inputs rejected, by reason (and attack family)");
    }

    /// <summary>Counts a rejection: reason <c>validation</c>, <c>attack_pattern</c>, <c>too_large</c>, <c>rate_limited</c>, ...</summary>
    public void Rejected(string reason, string? family = null) =>
        _rejected.Add(1, new KeyValuePair<string, object?>("reason", reason), new KeyValuePair<string, object?>("family", family ?? "none"));
}
