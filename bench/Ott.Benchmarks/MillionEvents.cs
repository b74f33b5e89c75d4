using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Ott.Benchmarks;

/// <summary>
/// <c>million [url] [user] [password] [events] [users]</c>: sends 1,000,000 events over 100,000 users to a running API in
/// batches of 500 (8 in flight, a 503 waits its Retry-After and is sent again), waits until every accepted event is
/// assessed, and prints the throughput, the bytes the API process allocated per event and its resident memory after.
/// The API must run with <c>Ott:Api:NoopIngestEndpoints=true</c> (for <c>/bench/process</c>); bench/ingest.sh starts it so.
/// </summary>
public static class MillionEvents
{
    private const int BatchSize = 500;
    private const int InFlight = 8;

    public static async Task<int> RunAsync(string url, string user, string password, int events, int users)
    {
        using var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromMinutes(10) };
        var token = await http.PostAsync("/token", new FormUrlEncodedContent(new Dictionary<string, string> { ["username"] = user, ["password"] = password }));
        token.EnsureSuccessStatusCode();
        var accessToken = JsonDocument.Parse(await token.Content.ReadAsStringAsync()).RootElement.GetProperty("access_token").GetString();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);

        var before = await ProcessAsync(http);
        var run = $"M{DateTime.UtcNow:HHmmss}";
        var stamp = DateTime.UtcNow.AddMinutes(-5).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        var clock = Stopwatch.StartNew();
        var next = -1;
        long accepted = 0, retries = 0;
        var batches = (events + BatchSize - 1) / BatchSize;
        await Task.WhenAll(Enumerable.Range(0, InFlight).Select(async _ =>
        {
            while (Interlocked.Increment(ref next) is var batch && batch < batches)
            {
                var body = Body(run, stamp, batch * BatchSize, Math.Min(BatchSize, events - (batch * BatchSize)), users);
                while (true)
                {
                    using var response = await http.PostAsync("/events/batch", new StringContent(body, Encoding.UTF8, "application/json"));
                    if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
                    {
                        Interlocked.Increment(ref retries);
                        // The API's back-pressure: wait what it says, then send the same batch again (ids dedupe).
                        await Task.Delay(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1));
                        continue;
                    }

                    response.EnsureSuccessStatusCode();
                    var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
                    Interlocked.Add(ref accepted, answer.GetProperty("accepted").GetInt32() + answer.GetProperty("duplicates").GetInt32());
                    break;
                }
            }
        }));
        var sent = clock.Elapsed;
        var drain = await http.PostAsync("/process/drain?timeout_seconds=600", null);
        var drained = JsonDocument.Parse(await drain.Content.ReadAsStringAsync()).RootElement.GetProperty("drained").GetBoolean();
        var assessedIn = clock.Elapsed;
        var after = await ProcessAsync(http);

        var allocated = after.GetProperty("allocated_bytes").GetInt64() - before.GetProperty("allocated_bytes").GetInt64();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"million: events={accepted} users={users} sent_s={sent.TotalSeconds:0.0} ingest_events_per_s={accepted / sent.TotalSeconds:0} " +
            $"drained={drained} assessed_s={assessedIn.TotalSeconds:0.0} assessed_per_s={accepted / assessedIn.TotalSeconds:0} retries_503={retries} " +
            $"allocated_bytes_per_event={allocated / Math.Max(1, accepted)} rss_mb_after={after.GetProperty("working_set_bytes").GetInt64() / 1024 / 1024} " +
            $"gen2={after.GetProperty("gen2").GetInt32() - before.GetProperty("gen2").GetInt32()} gc_pause_ms={after.GetProperty("gc_pause_ms").GetDouble() - before.GetProperty("gc_pause_ms").GetDouble():0}"));
        return drained ? 0 : 1;
    }

    private static async Task<JsonElement> ProcessAsync(HttpClient http) =>
        JsonDocument.Parse(await http.GetStringAsync("/bench/process")).RootElement;

    private static string Body(string run, string stamp, int first, int count, int users)
    {
        var body = new StringBuilder(count * 330).Append('[');
        for (var i = first; i < first + count; i++)
        {
            body.Append(i == first ? "" : ",").Append(CultureInfo.InvariantCulture,
                $"{{\"event_id\":\"{run}-{i}\",\"user_id\":\"u{i % users}\",\"device_id\":\"d{i % 50_000}\",\"content_id\":\"c{i % 200}\"," +
                $"\"event_type\":\"{Types[i % Types.Length]}\",\"timestamp\":\"{stamp}\",\"region\":\"{(i % 3 == 0 ? "DE" : "US")}\"," +
                $"\"is_eu\":{(i % 3 == 0 ? "true" : "false")},\"has_consent\":true,\"ip_address\":\"10.{i / 65536 % 256}.{i / 256 % 256}.{i % 256}\"}}");
        }

        return body.Append(']').ToString();
    }

    private static readonly string[] Types = ["play", "pause", "seek", "stop", "login", "error"];
}
