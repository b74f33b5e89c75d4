namespace Ott.Grains.Alerts;

/// <summary>What an alert is about (<see cref="Interfaces.Alert.Kind"/>): a bounded set, also the metrics' <c>kind</c> label.</summary>
public static class AlertKinds
{
    public const string Assessment = "assessment";
    public const string Incident = "incident";
    public const string PiplThreshold = "pipl_threshold";
    public const string FraudRing = "fraud_ring";

    public static readonly IReadOnlyList<string> All = [Assessment, Incident, PiplThreshold, FraudRing];
}
