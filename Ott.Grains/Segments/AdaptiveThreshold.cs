using Ott.Grains.Interfaces;

namespace Ott.Grains.Segments;

/// <summary>
/// T = base x (1 - a_time - a_region), clamped to [Min, Max] (docs/alerts.md). Stricter (lower) at night in the
/// region's local time and where the region's 7-day violation rate is high; base = the segment's threshold, or the
/// learned one when the segment has enough outcomes.
/// </summary>
public sealed class AdaptiveThreshold(ThresholdOptions options, RegionClock clock)
{
    public ThresholdParts Compute(double segmentThreshold, double? learned, string region, DateTimeOffset eventTime, double? regionViolationRate)
    {
        var o = options;
        var zone = clock.ZoneOf(region);
        var local = TimeZoneInfo.ConvertTime(eventTime, zone);
        var aTime = local.Hour < 6 ? o.NightAdjustment : local.Hour >= 22 ? o.LateEveningAdjustment : 0.0;
        var aRegion = regionViolationRate switch
        {
            > 0 and var r when r > o.RegionRateVeryHigh => o.RegionVeryHighAdjustment,
            > 0 and var r when r > o.RegionRateHigh => o.RegionHighAdjustment,
            _ => 0.0,
        };
        var baseValue = learned ?? segmentThreshold;
        var value = Math.Clamp(baseValue * (1 - aTime - aRegion), o.Min, o.Max);
        return new ThresholdParts
        {
            SegmentThreshold = segmentThreshold,
            LearnedThreshold = learned,
            TimeAdjustment = aTime,
            RegionAdjustment = aRegion,
            RegionViolationRate = regionViolationRate,
            LocalTime = local,
            TimeZone = zone.Id,
            Value = Math.Round(value, 4),
        };
    }

    /// <summary>
    /// The learned base of a segment from scores with outcomes: the score quantile that would flag the target alert
    /// rate, blended toward from the segment's threshold, bounded to +-LearningBound of it. Null below the minimum.
    /// </summary>
    public static (double? Quantile, double? Value) Learn(IReadOnlyList<double> scores, double segmentThreshold, ThresholdOptions o)
    {
        if (scores.Count < o.LearningMinOutcomes)
        {
            return (null, null);
        }

        var sorted = scores.Order().ToArray();
        // The smallest score such that at most TargetAlertRate of the scores are at or above it.
        var flagged = Math.Max(1, (int)Math.Floor(sorted.Length * o.TargetAlertRate));
        var quantile = sorted[sorted.Length - flagged];
        var blended = segmentThreshold + (o.LearningBlend * (quantile - segmentThreshold));
        var bounded = Math.Clamp(blended, segmentThreshold * (1 - o.LearningBound), segmentThreshold * (1 + o.LearningBound));
        return (quantile, Math.Round(bounded, 4));
    }
}
