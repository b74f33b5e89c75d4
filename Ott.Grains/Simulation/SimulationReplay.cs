using Ott.Grains.Detection;
using Ott.Grains.Geo;
using Ott.Grains.Users;

namespace Ott.Grains.Simulation;

/// <summary>One simulated event after the rolling window saw it: its observation and its 14 anomaly features.</summary>
/// <param name="Simulated">The event with its ground truth.</param>
/// <param name="Observation">What <see cref="RollingWindow.Observe"/> returned for it.</param>
/// <param name="Features">The <see cref="FeatureVector"/> of the event, in <see cref="FeatureVector.Names"/> order.</param>
public readonly record struct ReplayedEvent(SimulatedEvent Simulated, Observation Observation, double[] Features);

/// <summary>
/// Replays simulated events through the per-user rolling state and builds the anomaly features as the user
/// pipeline does (docs/scoring.md), for tests and the model-quality report. Pure; one state per user.
/// </summary>
public static class SimulationReplay
{
    /// <summary>
    /// Feeds each event, in the given order, to its user's <see cref="UserRollingState"/> through
    /// <see cref="RollingWindow.Observe"/> and fills the features from the observation and the event:
    /// records_accessed of the event, seconds since the user's newest earlier event (unknown for the first, or when
    /// not later), no geo speed, GDPR area from the region. Lazy; memory grows with the number of users.
    /// </summary>
    public static IEnumerable<ReplayedEvent> Replay(IEnumerable<SimulatedEvent> events, RollingWindowOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(events);
        return Iterate(events, new RollingWindow(options ?? new RollingWindowOptions()));
    }

    /// <summary>The features of every event with its ground truth and scenario, in input order (see <see cref="Replay"/>).</summary>
    public static IReadOnlyList<(double[] Features, bool Anomalous, string Scenario)> Features(
        IEnumerable<SimulatedEvent> events, RollingWindowOptions? options = null) =>
        Replay(events, options).Select(r => (r.Features, r.Simulated.Anomalous, r.Simulated.Scenario)).ToList();

    private static IEnumerable<ReplayedEvent> Iterate(IEnumerable<SimulatedEvent> events, RollingWindow window)
    {
        var states = new Dictionary<string, UserRollingState>(StringComparer.Ordinal);
        foreach (var simulated in events)
        {
            var e = simulated.Event;
            if (!states.TryGetValue(e.UserId, out var state))
            {
                state = new UserRollingState();
                states.Add(e.UserId, state);
            }

            var previous = state.NewestEventTime;
            var observation = window.Observe(state, e);
            var rolling = observation.Features;
            var features = new double[FeatureVector.Count];
            FeatureVector.Fill(features, new FeatureInputs(
                e.Timestamp,
                rolling.EventsLastHour,
                rolling.DistinctIpsLast24Hours,
                rolling.DistinctRegionsLast24Hours,
                rolling.DistinctDevicesLast24Hours,
                rolling.ErrorsInLast50Events,
                rolling.EventsInErrorWindow,
                rolling.AuthFailuresLastHour,
                rolling.DataAccessLastHour,
                e.RecordsAccessed,
                previous is { } last && e.Timestamp > last ? (e.Timestamp - last).TotalSeconds : null,
                GeoSpeedKmh: null,
                RegionCodes.IsGdprArea(e.Region),
                e.HasConsent));
            yield return new ReplayedEvent(simulated, observation, features);
        }
    }
}
