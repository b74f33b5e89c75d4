using Microsoft.AspNetCore.Http.HttpResults;
using Ott.Api.Simulation;
using Ott.Grains.Simulation;

namespace Ott.Api.Endpoints;

/// <summary><c>POST /api/v1/simulations</c> (admin): run a scenario through the pipeline and record its ground truth.</summary>
public static class SimulationEndpoints
{
    public const int MaxUsers = 5_000;

    public static RouteGroupBuilder MapSimulationApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1").WithTags("Simulation");
        group.MapPost("/simulations", RunAsync).WithName("RunSimulation")
            .WithSummary("Generate a seeded scenario (normal, credential_stuffing, account_sharing, bulk_exfiltration, " +
                         "eu_tracking_without_consent, mixed), ingest it, and record its ground truth as outcomes of source simulation; " +
                         "with teach: true they also teach the live models and segment thresholds");
        return group;
    }

    private static async Task<Results<Ok<SimulationRunReport>, ProblemHttpResult>> RunAsync(
        SimulationRunRequest body, SimulationRunner runner, TimeProvider time, HttpContext http, CancellationToken cancellationToken)
    {
        var scenario = body.Scenario ?? ScenarioSimulator.Mixed;
        var errors = new Dictionary<string, string[]>();
        if (scenario != ScenarioSimulator.Mixed && !ScenarioSimulator.Scenarios.Contains(scenario))
        {
            errors["scenario"] = [$"must be one of {string.Join(", ", ScenarioSimulator.Scenarios)} or {ScenarioSimulator.Mixed}"];
        }

        if (body.Users is < 1 or > MaxUsers)
        {
            errors["users"] = [$"must be between 1 and {MaxUsers}"];
        }

        if (body.Days is < 1 or > 30)
        {
            errors["days"] = ["must be between 1 and 30"];
        }

        if (body.AttackShare is < 0 or > 1)
        {
            errors["attack_share"] = ["must be between 0 and 1"];
        }

        if (errors.Count > 0)
        {
            return Problems.Problems.Validation(errors, "Nothing was simulated.");
        }

        var days = body.Days ?? 2;
        var seed = body.Seed ?? 1;
        var request = new SimulationRequest(scenario, body.Users ?? 100, seed, time.GetUtcNow().AddDays(-days).AddHours(-1))
        {
            Span = TimeSpan.FromDays(days),
            AttackShare = body.AttackShare ?? 0.1,
            IdPrefix = $"sim{seed}-{time.GetUtcNow().ToUnixTimeMilliseconds() % 1_000_000_000}",
        };
        return TypedResults.Ok(await runner.RunAsync(request, body.Teach ?? false, http.User.Identity?.Name ?? "anonymous",
            TimeSpan.FromMinutes(5), cancellationToken));
    }
}
