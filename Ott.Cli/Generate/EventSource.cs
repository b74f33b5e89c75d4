using System.Text.Json.Nodes;
using Ott.Grains.Interfaces;
using Ott.Grains.Simulation;

namespace Ott.Cli.Generate;

/// <summary>
/// Events for <c>generate</c>: the scenario simulator's users over the last <see cref="Span"/>, in rounds of
/// <see cref="UsersPerRound"/> users until <c>count</c> events were produced. Every id starts with the run's prefix, so two
/// runs never collide (the API would count a re-sent event_id as a duplicate). Lazy: memory grows with a round's users.
/// </summary>
public static class EventSource
{
    public const int UsersPerRound = 200;

    public static readonly TimeSpan Span = TimeSpan.FromDays(1);

    public static IEnumerable<JsonObject> Generate(string scenario, long count, int seed, string prefix, DateTimeOffset now)
    {
        // Every simulated event falls before Start + Span + 1 h (SimulationRequest.Span): end a minute before now.
        var start = now - Span - TimeSpan.FromHours(1) - TimeSpan.FromMinutes(1);
        long produced = 0;
        for (var round = 0; produced < count; round++)
        {
            var request = new SimulationRequest(scenario, UsersPerRound, unchecked(seed + round), start)
            {
                Span = Span,
                IdPrefix = $"{prefix}-r{round}",
            };
            var any = false;
            foreach (var simulated in ScenarioSimulator.Generate(request))
            {
                any = true;
                yield return EventWire.ToJson(simulated.Event);
                if (++produced == count)
                {
                    yield break;
                }
            }

            if (!any)
            {
                yield break;
            }
        }
    }
}
