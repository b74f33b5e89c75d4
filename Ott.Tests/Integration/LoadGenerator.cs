using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Ott.Tests.Api;
using Ott.Tests.Support;

namespace Ott.Tests.Integration;

/// <summary>
/// Posts batches of events continuously, as a well-behaved client does: a batch that is not answered 202 (503, a
/// broken connection, a timeout) is sent again, same event ids, until it is acknowledged or the retry budget is
/// spent. Records which ids were acknowledged and which never were. With <c>eventsPerSecond</c> above 0 the workers
/// keep to that rate (a steady load below the cluster's capacity); at 0 each sends its next batch as soon as the last
/// one is answered.
/// </summary>
public sealed class LoadGenerator(HttpClient client, string prefix, int users = 2_000, int batchSize = 50, int workers = 4, int eventsPerSecond = 0)
{
    private readonly ConcurrentDictionary<string, byte> _acknowledged = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _unacknowledged = new(StringComparer.Ordinal);
    private long _sequence;
    private long _retries;
    private long _batches;
    private readonly ConcurrentQueue<long> _acknowledgedAt = new();

    public IReadOnlyCollection<string> Acknowledged => _acknowledged.Keys.ToList();

    public IReadOnlyCollection<string> Unacknowledged => _unacknowledged.Keys.ToList();

    public long Retries => Interlocked.Read(ref _retries);

    public long Batches => Interlocked.Read(ref _batches);

    /// <summary>
    /// The longest time in [<paramref name="from"/>, <paramref name="to"/>] (Stopwatch timestamps) in which no batch was
    /// acknowledged, counted from <paramref name="from"/> (e.g. a silo kill) and up to <paramref name="to"/>.
    /// </summary>
    public TimeSpan LongestGapWithoutAcknowledgement(long from, long to)
    {
        var times = _acknowledgedAt.Where(t => t > from && t <= to).Order().Prepend(from).Append(to).ToList();
        return TimeSpan.FromTicks(times.Zip(times.Skip(1), (a, b) => Stopwatch.GetElapsedTime(a, b).Ticks).Max());
    }

    /// <summary>Events acknowledged after <paramref name="from"/> (a Stopwatch timestamp).</summary>
    public int AcknowledgedAfter(long from) => _acknowledgedAt.Count(t => t > from) * batchSize;

    /// <summary>Failed attempts seen, by kind (status code or exception type), for the report.</summary>
    public ConcurrentDictionary<string, int> Failures { get; } = new(StringComparer.Ordinal);

    /// <summary>Sends until <paramref name="stop"/> is cancelled; each batch in flight then finishes (or spends its budget).</summary>
    public Task RunAsync(TimeSpan retryBudget, CancellationToken stop) =>
        Task.WhenAll(Enumerable.Range(0, workers).Select(w => WorkerAsync(w, retryBudget, stop)));

    private async Task WorkerAsync(int worker, TimeSpan retryBudget, CancellationToken stop)
    {
        var random = new Random(worker * 7919 + prefix.GetHashCode(StringComparison.Ordinal));
        // Each worker's share of the rate: its k-th batch is due k intervals after the start (a late batch goes at once).
        var interval = eventsPerSecond > 0 ? TimeSpan.FromSeconds((double)batchSize * workers / eventsPerSecond) : TimeSpan.Zero;
        var begun = Stopwatch.GetTimestamp();
        for (var k = 0L; !stop.IsCancellationRequested; k++)
        {
            var due = interval * k - Stopwatch.GetElapsedTime(begun);
            if (due > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(due, stop);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }

            var batch = Enumerable.Range(0, batchSize).Select(_ => NextEvent(random)).ToArray();
            var ids = batch.Select(e => e["event_id"]!.GetValue<string>()).ToList();
            var started = Stopwatch.GetTimestamp();
            var acknowledged = false;
            while (Stopwatch.GetElapsedTime(started) < retryBudget)
            {
                try
                {
                    using var response = await client.PostBatchAsync(batch);
                    if (response.StatusCode == HttpStatusCode.Accepted)
                    {
                        var body = await response.JsonAsync();
                        Assert.That(body.GetProperty("rejected").GetArrayLength(), Is.Zero, "the generator sends valid events only");
                        acknowledged = true;
                        _acknowledgedAt.Enqueue(Stopwatch.GetTimestamp());
                        break;
                    }

                    Failures.AddOrUpdate(((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture), 1, (_, n) => n + 1);
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                    Failures.AddOrUpdate(ex.GetType().Name, 1, (_, n) => n + 1);
                }

                Interlocked.Increment(ref _retries);
                // A client's pause before re-sending the same batch; the retry budget above is the deadline.
                await Task.Delay(250, CancellationToken.None);
            }

            foreach (var id in ids)
            {
                (acknowledged ? _acknowledged : _unacknowledged)[id] = 0;
            }

            Interlocked.Increment(ref _batches);
        }
    }

    private JsonObject NextEvent(Random random)
    {
        var n = Interlocked.Increment(ref _sequence);
        var user = random.Next(users);
        return TestEvents.Json(e =>
        {
            e["event_id"] = $"{prefix}-{n}";
            e["user_id"] = $"{prefix}-user-{user}";
            e["device_id"] = $"dev-{user % 500}";
            e["event_type"] = (n % 10) switch { 0 => "login", 1 => "purchase", _ => "play" };
        });
    }
}
