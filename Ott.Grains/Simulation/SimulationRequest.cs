using Ott.Grains.Interfaces;

namespace Ott.Grains.Simulation;

/// <summary>
/// What <see cref="ScenarioSimulator.Generate"/> should simulate. The same request always gives the same events.
/// </summary>
/// <param name="Scenario">One of <see cref="ScenarioSimulator.Scenarios"/>, or <c>mixed</c>: normal users plus
/// <see cref="AttackShare"/> attackers split evenly over the four attack scenarios.</param>
/// <param name="Users">How many users (0 gives no events).</param>
/// <param name="Seed">Seed of the <see cref="Random"/> every choice comes from.</param>
/// <param name="Start">Start of the simulated period; converted to UTC.</param>
public sealed record SimulationRequest(string Scenario, int Users, int Seed, DateTimeOffset Start)
{
    /// <summary>
    /// Length of the simulated period, 1 to 366 days. Sessions and attack episodes start in [Start, Start + Span) and
    /// last under an hour, so every event falls in [Start, Start + Span + 1 h).
    /// </summary>
    public TimeSpan Span { get; init; } = TimeSpan.FromDays(2);

    /// <summary>For <c>mixed</c>: the share of users that are attackers (0 to 1), rounded to whole users.</summary>
    public double AttackShare { get; init; } = 0.1;

    /// <summary>Leads every user, device and event id (<c>sim-u7</c>, <c>sim-u7-e12</c>): give each run its own.</summary>
    public string IdPrefix { get; init; } = "sim";
}

/// <summary>A simulated event with its ground truth.</summary>
/// <param name="Event">The event, valid per the API contract and in canonical form.</param>
/// <param name="Scenario">The scenario of the user who produced it (an attacker's normal events carry the attack's name).</param>
/// <param name="Anomalous">True for the events of the attack behaviour; false for normal behaviour, including an
/// attacker account's normal activity before the attack.</param>
public sealed record SimulatedEvent(OttEvent Event, string Scenario, bool Anomalous);
