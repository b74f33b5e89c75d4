namespace Ott.Grains.Network;

/// <summary>
/// A seeded synthetic link workload (used by the benchmark and tests): households of three on one IP, 2 % of users
/// behind a carrier NAT (one IP per 5,000 users, each passes the hub cap), 5 % on 20,000 shared devices and 10 % on
/// 30,000 shared payment methods; three links per user.
/// </summary>
public static class NetworkWorkload
{
    public static RingGraph Build(int users, int seed, RingGraph? graph = null)
    {
        graph ??= new RingGraph();
        var at = new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);
        foreach (var (user, kind, value) in Links(users, seed))
        {
            graph.AddLink(user, kind, value, at);
        }

        return graph;
    }

    /// <summary>The workload's links in order (what <see cref="Build"/> adds), three per user.</summary>
    public static IEnumerable<(string User, IdentifierKind Kind, string Value)> Links(int users, int seed)
    {
        var random = new Random(seed);
        for (var u = 0; u < users; u++)
        {
            var user = $"user-{u}";
            var ip = random.Next(100) < 2 ? $"100.64.0.{random.Next(Math.Max(1, users / 5000))}" : $"ip-{u / 3}";
            var device = random.Next(100) < 5 ? $"dev-shared-{random.Next(20_000)}" : $"dev-{u}";
            var payment = random.Next(100) < 10 ? $"card-shared-{random.Next(30_000)}" : $"card-{u}";
            yield return (user, IdentifierKind.Ip, ip);
            yield return (user, IdentifierKind.Device, device);
            yield return (user, IdentifierKind.Payment, payment);
        }
    }
}
