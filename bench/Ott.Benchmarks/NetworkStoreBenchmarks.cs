using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Serialization;
using Ott.Grains.Interfaces;
using Ott.Grains.Network;
using Ott.Hosting.Storage;

namespace Ott.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project bench/Ott.Benchmarks -- network-store [users]</c>: what one write-behind of the
/// network grain costs in SQLite, with the graph's links (three per user, <see cref="NetworkWorkload"/>) kept in the
/// grain state and rewritten whole (the design before 2026-11-25), against appending only the new links to
/// <c>ott_network_links</c> (the design now); and what reading them all back costs on activation.
/// </summary>
public static class NetworkStoreBenchmarks
{
    /// <summary>New links per write-behind at the default budget (Ott:WriteBehind:MaxUnsavedChanges).</summary>
    private const int Budget = 50;

    public static async Task<int> Sqlite(int users)
    {
        var folder = Path.Combine(Path.GetTempPath(), $"ott-network-bench-{Guid.NewGuid():N}");
        try
        {
            var db = new SqlDatabase(SqlEngine.Sqlite, $"Data Source={Path.Combine(folder, "bench.db")}");
            await db.ApplySchemaAsync();
            var at = new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);
            var links = NetworkWorkload.Links(users, seed: 42).Select(l => new NetworkLink(l.User, l.Kind.ToLinkKind(), l.Value, at)).ToList();

            // Before: the state holds every link and each write-behind serializes and writes them all.
            var serializer = new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer>();
            var storage = new SqlGrainStorage(db, serializer, Options.Create(new ClusterOptions { ServiceId = "bench" }), TimeProvider.System);
            var whole = new GrainState<NetworkState>(new NetworkState
            {
                Links = links.Select(l => new StoredLink { UserId = l.UserId, Kind = l.Kind, Value = l.Value, AtTicks = l.At.UtcTicks }).ToList(),
            });
            var grain = GrainId.Create("network", "0");
            var bytes = serializer.SerializeToArray(whole.State).Length;
            var writes = new List<double>();
            for (var i = 0; i < 3; i++)
            {
                var watch = Stopwatch.StartNew();
                await storage.WriteStateAsync("network", grain, whole);
                writes.Add(watch.Elapsed.TotalMilliseconds);
            }

            Console.WriteLine($"before: state write with all {links.Count:N0} links ({bytes / 1024.0 / 1024.0:0.0} MB): " +
                              $"{string.Join(" / ", writes.Select(w => $"{w:N0}"))} ms per write-behind");

            // Now: the links are appended once, and each write-behind appends only its new ones.
            var log = new SqlNetworkLinkLog(db);
            var bulk = Stopwatch.StartNew();
            foreach (var chunk in links.Chunk(1_000))
            {
                await log.AppendAsync(chunk);
            }

            bulk.Stop();
            var extra = Enumerable.Range(0, 100 * Budget).Select(i => new NetworkLink($"new-user-{i}", LinkKind.Device, $"new-dev-{i}", at)).ToList();
            var appends = Stopwatch.StartNew();
            foreach (var chunk in extra.Chunk(Budget))
            {
                await log.AppendAsync(chunk);
            }

            appends.Stop();
            var small = new GrainState<NetworkState>(new NetworkState { Version = 1 });
            var state = Stopwatch.StartNew();
            for (var i = 0; i < 100; i++)
            {
                await storage.WriteStateAsync("network", GrainId.Create("network", "1"), small);
            }

            state.Stop();
            Console.WriteLine($"now:    append {Budget} new links {appends.Elapsed.TotalMilliseconds / 100:0.00} ms + state write without links " +
                              $"{state.Elapsed.TotalMilliseconds / 100:0.00} ms per write-behind, with {links.Count:N0} links already stored " +
                              $"(appending them all in batches of 1,000: {links.Count / bulk.Elapsed.TotalSeconds:N0} links/s)");

            var read = Stopwatch.StartNew();
            var count = 0;
            await foreach (var _ in log.ReadAllAsync())
            {
                count++;
            }

            read.Stop();
            Console.WriteLine($"activation: read {count:N0} links back in {read.Elapsed.TotalSeconds:0.00} s " +
                              $"({count / read.Elapsed.TotalSeconds:N0} links/s; the graph rebuild adds its own ~1 us per link)");
            return count == links.Count + extra.Count ? 0 : 1;
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

}
