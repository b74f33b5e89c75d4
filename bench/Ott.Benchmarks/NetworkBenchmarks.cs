using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using Ott.Grains.Network;

namespace Ott.Benchmarks;

/// <summary>Cost of a new link in a warm ring graph (docs/scoring.md, "Fraud rings"; issue 5 target: 5 us per link).</summary>
[MemoryDiagnoser]
public class NetworkBenchmarks
{
    private RingGraph _graph = null!;
    private int _next;

    [GlobalSetup]
    public void Setup() => _graph = NetworkWorkload.Build(200_000, seed: 1);

    [Benchmark(Description = "ring graph: add one new link to a 200,000-user graph")]
    public bool AddLink()
    {
        var n = _next++;
        return _graph.AddLink($"bench-user-{n}", IdentifierKind.Device, $"bench-dev-{n / 3}", DateTimeOffset.UnixEpoch).Changed;
    }

    /// <summary>
    /// <c>dotnet run -c Release --project bench/Ott.Benchmarks -- network-scale [users]</c>: builds the graph of
    /// one million users and three million links once and prints time per link and retained managed memory.
    /// </summary>
    public static int Scale(int users)
    {
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var watch = Stopwatch.StartNew();
        var graph = NetworkWorkload.Build(users, seed: 42);
        watch.Stop();
        var after = GC.GetTotalMemory(forceFullCollection: true);
        var stats = graph.Stats;
        Console.WriteLine($"users {stats.Users:N0}, links {stats.Edges:N0}, hubs {stats.Hubs:N0}, rings {stats.Rings:N0}");
        Console.WriteLine($"build {watch.Elapsed.TotalSeconds:0.00} s = {watch.Elapsed.TotalMicroseconds / stats.Edges:0.00} us per link; " +
                          $"retained managed memory {(after - before) / 1024.0 / 1024.0:0} MB");

        // What the network grain does for each silo snapshot (every 2 s while rings change): ring members and risk.
        var snapshot = Stopwatch.StartNew();
        var members = graph.Memberships().Count();
        snapshot.Stop();
        var described = Stopwatch.StartNew();
        var viaRings = graph.Rings().Sum(r => r.Members.Count);
        described.Stop();
        Console.WriteLine($"membership snapshot: {members:N0} ring members in {snapshot.Elapsed.TotalMilliseconds:0.0} ms " +
                          $"(through the full ring views with evidence: {viaRings:N0} in {described.Elapsed.TotalMilliseconds:0.0} ms)");
        GC.KeepAlive(graph);
        return members == viaRings ? 0 : 1;
    }
}
