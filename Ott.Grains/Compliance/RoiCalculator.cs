
namespace Ott.Grains.Compliance;

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
