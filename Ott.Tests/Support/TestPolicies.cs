using Ott.Grains.Alerts;
using Ott.Grains.Compliance;
using Ott.Grains.Policies;
using Ott.Grains.Scoring;
using Ott.Grains.Segments;

namespace Ott.Tests.Support;

/// <summary>Policies for engine tests: the defaults of the options classes, as version 1 of a fresh registry would hold.</summary>
public static class TestPolicies
{
    public static RegulationPack Pack { get; } = RegulationPackLoader.Load(null);

    /// <summary>The document the default configuration seeds.</summary>
    public static PolicyDocument DefaultDocument() =>
        PolicyCache.FromConfiguration(new ScoringOptions(), new ThresholdOptions(), new SegmentOptions(), new AlertOptions(), Pack);

    public static Policy Default { get; } = Compile(DefaultDocument());

    public static Policy Compile(PolicyDocument document, int version = 1) => new(version, document, new RegionClock());
}
