using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Ott.Cli.Client;

namespace Ott.Cli.Generate;

/// <summary>What <c>generate</c> should send.</summary>
/// <param name="Events">How many events in all.</param>
/// <param name="Concurrency">Requests in flight at once.</param>
/// <param name="BatchSize">Events per request: 1 posts to <c>/events</c>, more to <c>/events/batch</c> (at most 1,000).</param>
/// <param name="Rate">Target events per second over the run; 0 sends as fast as the API takes them.</param>
/// <param name="Scenario">A scenario of the simulator (<c>normal</c>, an attack, or <c>mixed</c>).</param>
/// <param name="Seed">Seed of the simulator: the same seed and prefix give the same events.</param>
/// <param name="Prefix">Leads every user, device and event id of the run.</param>
/// <param name="Decisions">Ask for inline decisions (<c>/api/v1/decisions</c>) instead of ingesting.</param>
public sealed record GenerateOptions(long Events, int Concurrency, int BatchSize, double Rate, string Scenario, int Seed, string Prefix, bool Decisions = false);

/// <summary>The closing numbers of a <c>generate</c> run.</summary>
public sealed record GenerateSummary(long Sent, long Accepted, long Duplicates, long Rejected, long Failed, long Retries, TimeSpan Elapsed, string? LastError)
{
    /// <summary>Decisions only: events decided in the response, by action.</summary>
    public IReadOnlyDictionary<string, long> Actions { get; init; } = new Dictionary<string, long>();

    /// <summary>Decisions only: events answered 202 (logged, decided later).</summary>
    public long Queued { get; init; }

    /// <summary>Events the API answered for (accepted, duplicate or rejected), per second of the run.</summary>
    public double EventsPerSecond => Elapsed > TimeSpan.Zero ? (Accepted + Duplicates + Rejected) / Elapsed.TotalSeconds : 0;
}

/// <summary>
/// Sends simulated events to the API: a producer cuts the event stream into batches, <see cref="GenerateOptions.Concurrency"/>
/// workers post them, and with a <see cref="GenerateOptions.Rate"/> each batch waits for its slot (start + events before it / rate).
/// Cancelling stops sending and still returns what was done.
/// </summary>
public static class Generator
{
    public static async Task<GenerateSummary> RunAsync(OttApiClient client, GenerateOptions options, IEnumerable<JsonObject> events,
        Action<int>? sent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var token = stop.Token;
        Exception? failure = null;
        var batches = Channel.CreateBounded<JsonObject[]>(new BoundedChannelOptions(options.Concurrency * 2) { SingleWriter = true });
        var clock = Stopwatch.StartNew();
        long scheduled = 0, sentCount = 0, accepted = 0, duplicates = 0, rejected = 0, failed = 0, retries = 0, queued = 0;
        var actions = new System.Collections.Concurrent.ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        string? lastError = null;

        var producer = Task.Run(async () =>
        {
            try
            {
                foreach (var batch in events.Chunk(options.BatchSize))
                {
                    await batches.Writer.WriteAsync(batch, token);
                }
            }
            finally
            {
                batches.Writer.TryComplete();
            }
        }, token);

        var workers = Enumerable.Range(0, options.Concurrency).Select(_ => Task.Run(async () =>
        {
            try
            {
                await PostAllAsync();
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A refusal no retry can fix (401, unreachable API): stop everything and report it.
                Interlocked.CompareExchange(ref failure, e, null);
                await stop.CancelAsync();
            }
        }, token)).ToList();

        async Task PostAllAsync()
        {
            await foreach (var batch in batches.Reader.ReadAllAsync(token))
            {
                var before = Interlocked.Add(ref scheduled, batch.Length) - batch.Length;
                if (options.Rate > 0)
                {
                    var due = TimeSpan.FromSeconds(before / options.Rate) - clock.Elapsed;
                    if (due > TimeSpan.Zero)
                    {
                        // --rate: this batch's slot in the schedule (start + events before it / rate).
                        await Task.Delay(due, token);
                    }
                }

                var result = await client.PostEventsAsync(batch, token, options.Decisions);
                Interlocked.Add(ref queued, result.Queued);
                foreach (var (action, count) in result.Actions)
                {
                    actions.AddOrUpdate(action, count, (_, n) => n + count);
                }

                Interlocked.Add(ref sentCount, batch.Length);
                Interlocked.Add(ref accepted, result.Accepted);
                Interlocked.Add(ref duplicates, result.Duplicates);
                Interlocked.Add(ref rejected, result.Rejected);
                Interlocked.Add(ref failed, result.Failed);
                Interlocked.Add(ref retries, result.Retries);
                if (result.Error is not null)
                {
                    lastError = result.Error;
                }

                sent?.Invoke(batch.Length);
            }
        }

        try
        {
            await Task.WhenAll(workers.Append(producer));
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // Stopped by the user (or by a worker's failure, thrown below): report what was sent.
        }

        if (failure is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        }

        return new GenerateSummary(sentCount, accepted, duplicates, rejected, failed, retries, clock.Elapsed, lastError)
        {
            Actions = actions.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal),
            Queued = queued,
        };
    }
}
