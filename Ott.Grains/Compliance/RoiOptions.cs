using System.ComponentModel.DataAnnotations;

namespace Ott.Grains.Compliance;

/// <summary>
/// The cost table behind <c>GET /api/v1/compliance/roi</c> (configuration section <c>Ott:Roi</c>). The defaults are
/// illustrative planning figures, not measurements: operators put their own in configuration.
/// </summary>
public sealed class RoiOptions
{
    public const string Section = "Ott:Roi";

    /// <summary>Running the platform per month (infrastructure, operations), whatever the user count.</summary>
    [Range(0, 1e9)] public double PlatformCostPerMonth { get; set; } = 4_000;

    /// <summary>Added cost per monitored user per month.</summary>
    [Range(0, 1e3)] public double CostPerUserPerMonth { get; set; } = 0.002;

    /// <summary>Regulatory violations per 1,000 users per month without the system.</summary>
    [Range(0, 1e6)] public double ViolationsPerThousandUsersPerMonth { get; set; } = 0.05;

    /// <summary>Share of those the system prevents (0-1).</summary>
    [Range(0, 1)] public double ShareOfViolationsPrevented { get; set; } = 0.6;

    /// <summary>Fines, remediation and notice costs of one violation.</summary>
    [Range(0, 1e10)] public double CostPerViolation { get; set; } = 20_000;

    /// <summary>Fraud losses per 1,000 users per month without the system.</summary>
    [Range(0, 1e9)] public double FraudLossPerThousandUsersPerMonth { get; set; } = 40;

    /// <summary>Share of fraud losses the system prevents (0-1).</summary>
    [Range(0, 1)] public double ShareOfFraudPrevented { get; set; } = 0.35;

    /// <summary>Manual review hours saved per 1,000 users per month.</summary>
    [Range(0, 1e6)] public double AnalystHoursSavedPerThousandUsersPerMonth { get; set; } = 0.2;

    [Range(0, 1e5)] public double AnalystHourlyCost { get; set; } = 55;
}
