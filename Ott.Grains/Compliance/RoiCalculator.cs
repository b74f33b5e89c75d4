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

/// <summary>The answer of the ROI calculation; money in the cost table's currency, rounded to cents.</summary>
public sealed record RoiEstimate(
    int Months,
    long Users,
    double PlatformCost,
    double UserCost,
    double TotalCost,
    double ViolationsAvoided,
    double FinesAvoided,
    double FraudPrevented,
    double AnalystSavings,
    double TotalBenefit,
    double NetBenefit,
    double MonthlyNetBenefit,
    double? Roi,
    RoiOptions Assumptions);

/// <summary>ROI as a pure function of (months, users, cost table): the same inputs always give the same answer.</summary>
public static class RoiCalculator
{
    public const int MaxMonths = 120;
    public const long MaxUsers = 2_000_000_000;

    public static RoiEstimate Estimate(int months, long users, RoiOptions table)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(months, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(months, MaxMonths);
        ArgumentOutOfRangeException.ThrowIfLessThan(users, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(users, MaxUsers);

        var thousands = users / 1_000.0;
        var platform = table.PlatformCostPerMonth * months;
        var perUser = table.CostPerUserPerMonth * users * months;
        var cost = platform + perUser;
        var violationsAvoided = table.ViolationsPerThousandUsersPerMonth * thousands * months * table.ShareOfViolationsPrevented;
        var fines = violationsAvoided * table.CostPerViolation;
        var fraud = table.FraudLossPerThousandUsersPerMonth * thousands * months * table.ShareOfFraudPrevented;
        var analysts = table.AnalystHoursSavedPerThousandUsersPerMonth * thousands * months * table.AnalystHourlyCost;
        var benefit = fines + fraud + analysts;

        return new RoiEstimate(months, users, Money(platform), Money(perUser), Money(cost), Math.Round(violationsAvoided, 2),
            Money(fines), Money(fraud), Money(analysts), Money(benefit), Money(benefit - cost), Money((benefit - cost) / months),
            cost == 0 ? null : Math.Round((benefit - cost) / cost, 4),
            table);
    }

    private static double Money(double value) => Math.Round(value, 2, MidpointRounding.AwayFromZero);
}
