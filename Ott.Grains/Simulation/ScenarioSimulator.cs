using System.Buffers;

namespace Ott.Grains.Simulation;

/// <summary>
/// Generates realistic OTT event streams with ground truth (README.md in this folder describes the behaviours).
/// Pure and seeded: the same <see cref="SimulationRequest"/> gives the same events. The stream is lazy and ordered by
/// timestamp (ties by user index): each user is an independent generator holding only its current session or attack
/// episode, and a priority queue merges them, so memory grows with the number of users, not of events.
/// </summary>
public static class ScenarioSimulator
{
    public const string Normal = "normal";
    public const string CredentialStuffing = "credential_stuffing";
    public const string AccountSharing = "account_sharing";
    public const string BulkExfiltration = "bulk_exfiltration";
    public const string EuTrackingWithoutConsent = "eu_tracking_without_consent";

    /// <summary>Normal users plus <see cref="SimulationRequest.AttackShare"/> attackers over the four attacks.</summary>
    public const string Mixed = "mixed";

    /// <summary>Shortest and longest simulated period.</summary>
    public static readonly TimeSpan MinSpan = TimeSpan.FromDays(1);

    public static readonly TimeSpan MaxSpan = TimeSpan.FromDays(366);

    /// <summary>Longest <see cref="SimulationRequest.IdPrefix"/>, so every id stays within 128 characters.</summary>
    public const int MaxIdPrefixLength = 64;

    private static readonly SearchValues<char> IdCharacters =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._:@-");

    /// <summary>Every scenario a user can follow; "normal" first, then the attacks.</summary>
    public static IReadOnlyList<string> Scenarios { get; } =
        [Normal, CredentialStuffing, AccountSharing, BulkExfiltration, EuTrackingWithoutConsent];

    /// <summary>
    /// The events of <paramref name="request"/>, lazily, ordered by timestamp. The request is checked at once;
    /// an unknown scenario, a negative user count, a span outside 1..366 days, an attack share outside [0, 1] or an
    /// id prefix outside <c>[A-Za-z0-9._:@-]{1,64}</c> throws <see cref="ArgumentException"/>.
    /// </summary>
    public static IEnumerable<SimulatedEvent> Generate(SimulationRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Scenario != Mixed && !Scenarios.Contains(request.Scenario))
        {
            throw new ArgumentException(
                $"Unknown scenario '{request.Scenario}': use one of {string.Join(", ", Scenarios)} or {Mixed}.", nameof(request));
        }

        if (request.Users < 0)
        {
            throw new ArgumentException($"Users must be >= 0 (was {request.Users}).", nameof(request));
        }

        if (request.Span < MinSpan || request.Span > MaxSpan)
        {
            throw new ArgumentException($"Span must be from {MinSpan} to {MaxSpan} (was {request.Span}).", nameof(request));
        }

        if (!(request.AttackShare >= 0 && request.AttackShare <= 1))
        {
            throw new ArgumentException($"AttackShare must be in [0, 1] (was {request.AttackShare}).", nameof(request));
        }

        var prefix = request.IdPrefix;
        if (prefix is null || prefix.Length is 0 or > MaxIdPrefixLength || prefix.AsSpan().ContainsAnyExcept(IdCharacters))
        {
            throw new ArgumentException(
                $"IdPrefix must be 1-{MaxIdPrefixLength} characters of [A-Za-z0-9._:@-] (was '{prefix}').", nameof(request));
        }

        return Merge(request with { Start = request.Start.ToUniversalTime() });
    }

    /// <summary>The fixed UTC offset (no daylight saving) the simulator uses as local time in a region, if it uses the region.</summary>
    public static TimeSpan? UtcOffsetOf(string region)
    {
        var index = SimulatedWorld.IndexOf(region);
        return index < 0 ? null : SimulatedWorld.Places[index].UtcOffset;
    }

    /// <summary>
    /// The scenario of each user: for <c>mixed</c>, round(users x share) attackers split evenly over the attacks (the
    /// first attacks take the remainder), at positions shuffled with <paramref name="random"/>.
    /// </summary>
    internal static string[] AssignScenarios(SimulationRequest request, Random random)
    {
        var scenarios = new string[request.Users];
        if (request.Scenario != Mixed)
        {
            Array.Fill(scenarios, request.Scenario);
            return scenarios;
        }

        Array.Fill(scenarios, Normal);
        var attackers = (int)Math.Round(request.Users * request.AttackShare, MidpointRounding.AwayFromZero);
        var attacks = Scenarios.Count - 1;
        var at = 0;
        for (var a = 0; a < attacks; a++)
        {
            var count = (attackers / attacks) + (a < attackers % attacks ? 1 : 0);
            for (var i = 0; i < count; i++)
            {
                scenarios[at++] = Scenarios[a + 1];
            }
        }

        random.Shuffle(scenarios);
        return scenarios;
    }

    private static IEnumerable<SimulatedEvent> Merge(SimulationRequest request)
    {
        var random = new Random(request.Seed);
        var scenarios = AssignScenarios(request, random);
        var queue = new PriorityQueue<IEnumerator<SimulatedEvent>, (long Ticks, int User)>(request.Users);
        for (var i = 0; i < scenarios.Length; i++)
        {
            var user = new SimulatedUser(request, i, scenarios[i], random.Next());
            var stream = user.Events().GetEnumerator();
            if (stream.MoveNext())
            {
                queue.Enqueue(stream, (stream.Current.Event.Timestamp.UtcTicks, i));
            }
        }

        while (queue.TryDequeue(out var stream, out var key))
        {
            yield return stream.Current;
            if (stream.MoveNext())
            {
                queue.Enqueue(stream, (stream.Current.Event.Timestamp.UtcTicks, key.User));
            }
            else
            {
                stream.Dispose();
            }
        }
    }
}
