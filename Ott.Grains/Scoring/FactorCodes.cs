namespace Ott.Grains.Scoring;

/// <summary>The factor codes of docs/scoring.md ("Factors"), as they appear in assessments.</summary>
public static class FactorCodes
{
    public const string AuthOrPlaybackError = "auth_or_playback_error";
    public const string EuNoConsent = "eu_no_consent";
    public const string MultiRegionAccess = "multi_region_access";
    public const string HighFrequencyActivity = "high_frequency_activity";
    public const string CredentialStuffing = "credential_stuffing";
    public const string BulkDataAccess = "bulk_data_access";
    public const string Plan = "plan";
    public const string RegulationViolation = "regulation_violation";
    public const string ChildDataWithoutParentalConsent = "child_data_without_parental_consent";
    public const string CrossBorderWithoutBasis = "cross_border_without_basis";
    public const string MlAnomaly = "ml_anomaly";
    public const string GeoipRegionMismatch = "geoip_region_mismatch";
    public const string Anonymiser = "anonymiser";
    public const string ImpossibleTravel = "impossible_travel";
    public const string FraudRingMember = "fraud_ring_member";
    public const string ViolationPrediction = "violation_prediction";

    public static readonly IReadOnlyList<string> All =
    [
        AuthOrPlaybackError, EuNoConsent, MultiRegionAccess, HighFrequencyActivity, CredentialStuffing, BulkDataAccess, Plan,
        RegulationViolation, ChildDataWithoutParentalConsent, CrossBorderWithoutBasis, MlAnomaly, GeoipRegionMismatch, Anonymiser,
        ImpossibleTravel, FraudRingMember, ViolationPrediction,
    ];
}

/// <summary>Codes of data-quality notes (no points).</summary>
public static class NoteCodes
{
    public const string RegionClaimMismatch = "region_claim_mismatch";
    public const string LateEvent = "late_event";
}
