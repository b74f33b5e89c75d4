using System.Diagnostics;
using Ott.Grains.Interfaces;
using Ott.Grains.Logs;
using Ott.Hosting.Storage;

namespace Ott.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project bench/Ott.Benchmarks -- sqlite-store [events]</c>: the SQLite event and
/// assessment log on its own, in a throwaway file. Appends the events in batches of 500 with 8 in flight (as the ingest
/// grains do), then submits one assessment per event all at once (as the user grains do, one each), then another set with
/// each batch's assessments submitted as soon as the batch is appended, next to 5,000 alert inserts, and prints the rates.
/// </summary>
public static class StoreBenchmarks
{
    public static async Task<int> Sqlite(int count)
    {
        var folder = Path.Combine(Path.GetTempPath(), $"ott-store-bench-{Guid.NewGuid():N}");
        try
        {
            var db = new SqlDatabase(SqlEngine.Sqlite, $"Data Source={Path.Combine(folder, "bench.db")}");
            await db.ApplySchemaAsync();
            await using var log = new SqlEventStore(db, new EventLogOptions { MaxPending = int.MaxValue }, TimeProvider.System);
            var alerts = new SqlAlertStore(db);
            var first = Events("a", count);
            var second = Events("b", count);
            var batches = new ParallelOptions { MaxDegreeOfParallelism = 8 };

            var watch = Stopwatch.StartNew();
            await Parallel.ForEachAsync(first.Chunk(500), batches, async (batch, ct) => await log.AppendAsync(batch, ct));
            Console.WriteLine($"events appended:      {count / watch.Elapsed.TotalSeconds,9:N0}/s ({count:N0} in batches of 500, 8 in flight)");

            watch.Restart();
            await Task.WhenAll(first.Select(e => log.AppendAsync(AssessmentOf(e)).AsTask()));
            Console.WriteLine($"assessments appended: {count / watch.Elapsed.TotalSeconds,9:N0}/s ({count:N0} submitted at once)");

            // Together, in the pipeline's order: each batch's assessments are submitted once the batch is appended.
            watch.Restart();
            var assessed = new System.Collections.Concurrent.ConcurrentBag<Task>();
            await Task.WhenAll(
                Parallel.ForEachAsync(second.Chunk(500), batches, async (batch, ct) =>
                {
                    await log.AppendAsync(batch, ct);
                    assessed.Add(Task.WhenAll(batch.Select(e => log.AppendAsync(AssessmentOf(e), ct).AsTask())));
                }),
                Parallel.ForEachAsync(Enumerable.Range(0, 5_000), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
                    await alerts.AddAsync(new Alert
                    {
                        Id = $"bench-alert-{i}", Kind = "assessment", Severity = RiskLevel.High, Title = "bench", Detail = "bench",
                        RaisedAt = DateTimeOffset.UtcNow, UserId = $"user-{i}",
                    }, ct)));
            await Task.WhenAll(assessed);
            Console.WriteLine($"together:             {count:N0} events + {count:N0} assessments + 5,000 alerts in {watch.Elapsed.TotalSeconds:0.00} s " +
                              $"= {count / watch.Elapsed.TotalSeconds:N0} events/s with their assessments");

            var stats = await log.GetEventStatsAsync();
            Console.WriteLine($"log: accepted {stats.Accepted:N0}, pending {stats.Pending:N0}");
            return stats.Accepted == 2L * count && stats.Pending == 0 ? 0 : 1;
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

    private static List<OttEvent> Events(string prefix, int count)
    {
        var at = DateTimeOffset.UtcNow.AddMinutes(-5);
        return Enumerable.Range(0, count).Select(i => new OttEvent
        {
            EventId = $"{prefix}-{i}",
            UserId = $"user-{i % 10_000}",
            DeviceId = $"tv-{i % 5_000}",
            ContentId = "content-1",
            Type = EventType.Play,
            Timestamp = at,
            Region = i % 3 == 0 ? "DE" : "US",
            IsEuClaim = i % 3 == 0,
            HasConsent = true,
            IpAddress = "198.51.100.1",
            ReceivedAt = at,
        }).ToList();
    }

    private static Assessment AssessmentOf(OttEvent e) => new()
    {
        EventId = e.EventId,
        UserId = e.UserId,
        DeviceId = e.DeviceId,
        ContentId = e.ContentId,
        EventType = e.Type,
        Region = e.Region,
        EventTime = e.Timestamp,
        RiskScore = 5,
        RiskLevel = RiskLevel.Medium,
        Threshold = 7,
        Factors = [new RiskFactor("eu_no_consent", 5, "EU event without consent")],
        Action = RiskAction.Allow,
        ProcessedAt = e.ReceivedAt,
        FeatureVector = Enumerable.Range(0, 14).Select(i => i * 0.5).ToArray(),
        BaselineVector = Enumerable.Range(0, 6).Select(i => i * 0.25).ToArray(),
    };
}
