using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Ott.Cli.Client;

/// <summary>What one <see cref="OttApiClient.PostEventsAsync"/> call achieved.</summary>
/// <param name="Accepted">Events newly queued.</param>
/// <param name="Duplicates">Events the API already had (same event_id).</param>
/// <param name="Rejected">Events that failed validation.</param>
/// <param name="Failed">Events not delivered: the API kept refusing (5xx, 429, network) after every retry.</param>
/// <param name="Retries">Attempts repeated after a 429, 503 or network error.</param>
/// <param name="Error">The last error, for the summary, when any event was rejected or failed.</param>
public sealed record PostResult(int Accepted, int Duplicates, int Rejected, int Failed, int Retries, string? Error)
{
    /// <summary>Decisions only: events decided in the response, by action (<c>allow</c>, <c>review</c>, <c>block</c>).</summary>
    public IReadOnlyDictionary<string, int> Actions { get; init; } = new Dictionary<string, int>();

    /// <summary>Decisions only: events logged but not decided within the API's budget (202, read later at their Location).</summary>
    public int Queued { get; init; }
}

/// <summary>A failure the CLI reports in one line and exits non-zero on (bad credentials, API unreachable...).</summary>
public sealed class CliException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// The slice of the OTT API the CLI uses. Sends a bearer token once signed in; repeats a request the API answered
/// with 429 or 503 after its Retry-After (capped at <see cref="MaxRetryDelay"/>), and one that failed on the network,
/// up to <see cref="MaxAttempts"/> attempts in all.
/// </summary>
public sealed class OttApiClient(HttpClient http)
{
    public const int MaxAttempts = 6;

    public static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(10);

    public HttpClient Http { get; } = http;

    /// <summary>Fails fast, with a <see cref="CliException"/>, when nothing answers at the base address.</summary>
    public async Task ProbeAsync(CancellationToken cancellationToken)
    {
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, "/health/live"), cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new CliException($"{Http.BaseAddress} answered {(int)response.StatusCode} to /health/live: is it the OTT API?");
        }
    }

    /// <summary>Gets a token from <c>POST /token</c> and sends it with every later request.</summary>
    public async Task SignInAsync(string username, string password, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(
            () => new HttpRequestMessage(HttpMethod.Post, "/token") { Content = JsonContent.Create(new { username, password }) }, cancellationToken);
        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.BadRequest)
        {
            throw new CliException($"Sign-in as '{username}' refused ({(int)response.StatusCode}): check --user and --password.");
        }

        var body = await ReadAsync(response, "/token", cancellationToken);
        var token = body.TryGetProperty("access_token", out var t) ? t.GetString() : null;
        Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
            token ?? throw new CliException("POST /token answered without an access_token."));
    }

    /// <summary>
    /// Posts <paramref name="events"/>: one <c>POST /events</c> for a single event, else <c>POST /events/batch</c>; with
    /// <paramref name="decisions"/>, <c>POST /api/v1/decisions</c> or <c>/api/v1/decisions/batch</c> (at most 100).
    /// </summary>
    public async Task<PostResult> PostEventsAsync(IReadOnlyList<JsonObject> events, CancellationToken cancellationToken, bool decisions = false)
    {
        ArgumentNullException.ThrowIfNull(events);
        var single = events.Count == 1;
        var path = (decisions, single) switch
        {
            (false, true) => "/events",
            (false, false) => "/events/batch",
            (true, true) => "/api/v1/decisions",
            (true, false) => "/api/v1/decisions/batch",
        };
        var payload = single ? events[0].ToJsonString() : new JsonArray(events.Select(e => (JsonNode?)e.DeepClone()).ToArray()).ToJsonString();
        var retries = 0;
        HttpResponseMessage? response = null;
        string? error = null;
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                response?.Dispose();
                response = null;
                try
                {
                    using var request = new HttpRequestMessage(HttpMethod.Post, path)
                    {
                        Content = new StringContent(payload, Encoding.UTF8, "application/json"),
                    };
                    response = await Http.SendAsync(request, cancellationToken);
                    if (!IsTransient(response.StatusCode))
                    {
                        break;
                    }

                    error = $"HTTP {(int)response.StatusCode}";
                }
                catch (HttpRequestException e)
                {
                    error = e.Message;
                }

                if (attempt == MaxAttempts)
                {
                    return new PostResult(0, 0, 0, events.Count, retries, $"gave up after {MaxAttempts} attempts: {error}");
                }

                retries++;
                // The server's Retry-After (or a doubling backoff): the retry itself is the probe.
                await Task.Delay(RetryDelay(response, attempt), cancellationToken);
            }

            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            if (response.StatusCode == HttpStatusCode.Unauthorized || response.StatusCode == HttpStatusCode.Forbidden)
            {
                throw new CliException($"The API refused the events ({(int)response.StatusCode}): sign in with a user of the ingest or admin role.");
            }

            if (decisions && response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Accepted)
            {
                return Decided(JsonDocument.Parse(text).RootElement, single, retries);
            }

            if (response.StatusCode != HttpStatusCode.Accepted)
            {
                var failed = single && response.StatusCode == HttpStatusCode.BadRequest ? 0 : events.Count;
                return new PostResult(0, 0, events.Count - failed, failed, retries, $"HTTP {(int)response.StatusCode}: {Shorten(text)}");
            }

            using var document = JsonDocument.Parse(text);
            var root = document.RootElement;
            if (single)
            {
                var duplicate = root.GetProperty("status").GetString() == "duplicate";
                return new PostResult(duplicate ? 0 : 1, duplicate ? 1 : 0, 0, 0, retries, null);
            }

            var rejected = root.GetProperty("rejected");
            return new PostResult(root.GetProperty("accepted").GetInt32(), root.GetProperty("duplicates").GetInt32(), rejected.GetArrayLength(), 0,
                retries, rejected.GetArrayLength() > 0 ? $"rejected: {Shorten(rejected[0].ToString())}" : null);
        }
        finally
        {
            response?.Dispose();
        }
    }

    /// <summary>Reads a decision answer: one assessment (200) or queued (202); or a batch's decisions and rejections.</summary>
    private static PostResult Decided(JsonElement root, bool single, int retries)
    {
        var actions = new Dictionary<string, int>(StringComparer.Ordinal);
        var queued = 0;
        var items = single ? [root] : root.GetProperty("decisions").EnumerateArray().Select(d => d.TryGetProperty("assessment", out var a) && a.ValueKind == JsonValueKind.Object ? a : d).ToList();
        foreach (var item in items)
        {
            if (item.TryGetProperty("action", out var action))
            {
                var name = action.GetString() ?? "unknown";
                actions[name] = actions.GetValueOrDefault(name) + 1;
            }
            else
            {
                queued++;
            }
        }

        var rejected = single ? 0 : root.GetProperty("rejected").GetArrayLength();
        return new PostResult(items.Count, 0, rejected, 0, retries,
            rejected > 0 ? $"rejected: {Shorten(root.GetProperty("rejected")[0].ToString())}" : null)
        {
            Actions = actions,
            Queued = queued,
        };
    }

    /// <summary>GETs <paramref name="path"/> and returns its JSON; a non-2xx answer throws a <see cref="CliException"/> naming it.</summary>
    public async Task<JsonElement> GetAsync(string path, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, path), cancellationToken);
        return await ReadAsync(response, path, cancellationToken);
    }

    /// <summary>POSTs <paramref name="body"/> (or nothing) as JSON to <paramref name="path"/> and returns the JSON answer.</summary>
    public async Task<JsonElement> PostAsync(string path, JsonNode? body, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = body is null ? null : new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
        }, cancellationToken);
        return await ReadAsync(response, path, cancellationToken);
    }

    /// <summary>
    /// POSTs raw JSON text and returns the status with the JSON answer, whatever the status (for answers whose
    /// problem document the caller shows field by field, such as a refused policy).
    /// </summary>
    public async Task<(HttpStatusCode Status, JsonElement Body)> PostRawAsync(string path, string json, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new StringContent(json, Encoding.UTF8, "application/json"),
        }, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        try
        {
            using var document = JsonDocument.Parse(text);
            return (response.StatusCode, document.RootElement.Clone());
        }
        catch (JsonException)
        {
            throw new CliException($"{path} answered {(int)response.StatusCode}: {Shorten(text)}");
        }
    }

    /// <summary>Waits until every accepted event was assessed (<c>POST /process/drain</c>, admin).</summary>
    public Task<JsonElement> DrainAsync(int timeoutSeconds, CancellationToken cancellationToken) =>
        PostAsync($"/process/drain?timeout_seconds={timeoutSeconds}", null, cancellationToken);

    private async Task<HttpResponseMessage> SendAsync(Func<HttpRequestMessage> request, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            HttpResponseMessage? response = null;
            try
            {
                using var message = request();
                response = await Http.SendAsync(message, cancellationToken);
                if (!IsTransient(response.StatusCode) || attempt == MaxAttempts)
                {
                    return response;
                }
            }
            catch (HttpRequestException e) when (attempt < MaxAttempts)
            {
                _ = e;
            }
            catch (HttpRequestException e)
            {
                throw new CliException($"Cannot reach the API at {Http.BaseAddress}: {e.Message}", e);
            }

            // The server's Retry-After (or a doubling backoff): the retry itself is the probe.
            await Task.Delay(RetryDelay(response, attempt), cancellationToken);
            response?.Dispose();
        }
    }

    private static async Task<JsonElement> ReadAsync(HttpResponseMessage response, string path, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new CliException($"{path} answered {(int)response.StatusCode}: {Shorten(text)}");
        }

        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    private static bool IsTransient(HttpStatusCode status) =>
        status is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable or HttpStatusCode.BadGateway or HttpStatusCode.GatewayTimeout;

    /// <summary>The response's Retry-After when it has one, else 200 ms doubling per attempt; never above <see cref="MaxRetryDelay"/>.</summary>
    internal static TimeSpan RetryDelay(HttpResponseMessage? response, int attempt)
    {
        var delay = response?.Headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - DateTimeOffset.UtcNow,
            _ => TimeSpan.FromMilliseconds(200 * Math.Pow(2, attempt - 1)),
        };
        return delay < TimeSpan.Zero ? TimeSpan.Zero : delay > MaxRetryDelay ? MaxRetryDelay : delay;
    }

    private static string Shorten(string text) => text.Length <= 300 ? text : text[..300] + "…";
}
