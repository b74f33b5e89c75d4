namespace Ott.Grains.Interfaces;

/// <summary>The window an analytics answer covers: <c>days</c> UTC days ending today, inclusive.</summary>
public sealed record AnalyticsWindow(int Days, DateOnly From, DateOnly To);

/// <summary>Assessments by level (<c>GET /api/v1/analytics/risk-distribution</c>).</summary>
public sealed record RiskDistribution(int Days, DateOnly From, DateOnly To, long Total, LevelCounts Counts, LevelShares Shares,
    long Allowed, long Reviewed, long Blocked, long Anomalies);

public sealed record LevelCounts(long Low, long Medium, long High, long Critical);

/// <summary>Each level's share of the assessments (0-1, rounded to 4 places); all 0 with no assessments.</summary>
public sealed record LevelShares(double Low, double Medium, double High, double Critical);

/// <summary>Factors by how many assessments they contributed to (<c>GET /api/v1/analytics/top-risk-factors</c>).</summary>
public sealed record TopRiskFactors(int Days, DateOnly From, DateOnly To, long Assessments, IReadOnlyList<FactorUse> Factors);

/// <summary>One factor: assessments it appeared in, their share of all assessments, mean points it added.</summary>
public sealed record FactorUse(string Code, long Count, double Share, double AveragePoints);

/// <summary>Per region (<c>GET /api/v1/analytics/geographic-distribution</c>), most events first.</summary>
public sealed record GeographicDistribution(int Days, DateOnly From, DateOnly To, IReadOnlyList<RegionUse> Regions);

public sealed record RegionUse(string Region, long Events, long HighOrCritical, long Violations, double HighRiskShare);

/// <summary>One entry per day of the window, oldest first, zero days included (<c>GET /api/v1/analytics/violation-trends</c>).</summary>
public sealed record ViolationTrends(int Days, DateOnly From, DateOnly To, IReadOnlyList<ViolationDay> Series);

public sealed record ViolationDay(DateOnly Date, long Assessments, long WithViolations, IReadOnlyDictionary<string, long> ByRegulation);

/// <summary>
/// <c>GET /api/v1/analytics/compliance-summary</c>: violations are assessments with at least one regulation violation;
/// the compliance rate is the share without (null with no assessments).
/// </summary>
public sealed record ComplianceSummaryView(int Days, DateOnly From, DateOnly To, long Assessments, long WithViolations, double? ComplianceRate,
    IReadOnlyDictionary<string, long> ByRegulation);
