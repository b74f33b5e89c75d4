using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using Ott.Api.Security;
using Ott.Tests.Support;

namespace Ott.Tests.Api.Security;

public class SecurityTests
{
    private static HttpClient Admin => ApiFixture.Client;

    [Test]
    public async Task Token_FromFormOrJson_WithRolesAndExpiry()
    {
        var client = ApiFixture.Factory.CreateClient();
        var form = await client.PostAsync("/token", new FormUrlEncodedContent(new Dictionary<string, string> { ["username"] = "analyst", ["password"] = "analyst123" }));
        var json = await client.PostAsJsonAsync("/token", new { username = "ingest", password = "ingest123" });
        var wrong = await client.PostAsJsonAsync("/token", new { username = "analyst", password = "nope" });
        var unknown = await client.PostAsJsonAsync("/token", new { username = "mallory", password = "x" });
        var missing = await client.PostAsJsonAsync("/token", new { username = "analyst" });

        var body = await form.JsonAsync();
        Assert.That(body.TryGetProperty("access_token", out _), Is.True, body.ToString());
        var token = new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(body.GetProperty("access_token").GetString());
        Assert.Multiple(() =>
        {
            Assert.That(form.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(body.GetProperty("token_type").GetString(), Is.EqualTo("bearer"));
            Assert.That(body.GetProperty("expires_in").GetInt32(), Is.EqualTo(3600));
            Assert.That(token.Issuer, Is.EqualTo("ott-compliance"));
            Assert.That(token.Audiences, Is.EqualTo(new[] { "ott-api" }));
            Assert.That(token.GetClaim("role").Value, Is.EqualTo("analyst"));
            Assert.That(token.ValidTo - token.IssuedAt, Is.EqualTo(TimeSpan.FromMinutes(60)));
            Assert.That(json.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(wrong.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(unknown.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(missing.StatusCode, Is.EqualTo(HttpStatusCode.UnprocessableEntity));
        });
    }

    [Test]
    public async Task TokenWithinClockSkew_IsAccepted_BeyondIt_IsNot()
    {
        var fresh = ApiFixture.Factory.WithToken(SecurityHosts.Forge("analyst", TimeSpan.FromSeconds(-10)));
        var stale = ApiFixture.Factory.WithToken(SecurityHosts.Forge("analyst", TimeSpan.FromSeconds(-45)));
        var otherAudience = ApiFixture.Factory.WithToken(SecurityHosts.Forge("analyst", TimeSpan.FromMinutes(5), audience: "someone-else"));

        Assert.Multiple(async () =>
        {
            Assert.That((await fresh.GetAsync("/stats/summary")).StatusCode, Is.EqualTo(HttpStatusCode.OK), "10 s past expiry is within the 30 s skew");
            Assert.That((await stale.GetAsync("/stats/summary")).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That((await otherAudience.GetAsync("/stats/summary")).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        });
    }

    [Test]
    public async Task RateLimits_Answer429WithRetryAfter_PerClient()
    {
        await using var factory = new ApiFactory(new Dictionary<string, string?>
        {
            ["Ott:Security:RateLimits:TokenPerMinute"] = "4",
            ["Ott:Security:RateLimits:AnalystPerMinute"] = "5",
            ["Ott:Security:RateLimits:IngestBurst"] = "5",
            ["Ott:Security:RateLimits:IngestPerMinute"] = "60",
        });
        var analyst = await factory.ClientForAsync("analyst");
        var admin = await factory.ClientForAsync("admin");
        var anonymous = factory.CreateClient();

        var reads = new List<HttpStatusCode>();
        for (var i = 0; i < 6; i++)
        {
            reads.Add((await analyst.GetAsync("/stats/summary")).StatusCode);
        }

        var adminRead = await admin.GetAsync("/stats/summary");
        var ingests = new List<HttpResponseMessage>();
        for (var i = 0; i < 6; i++)
        {
            ingests.Add(await anonymous.PostEventAsync(TestEvents.Json()));
        }

        var tokens = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            tokens.Add((await anonymous.PostAsJsonAsync("/token", new { username = "x", password = "y" })).StatusCode);
        }

        var limited = ingests[5];
        Assert.Multiple(async () =>
        {
            Assert.That(reads, Is.EqualTo(Enumerable.Repeat(HttpStatusCode.OK, 5).Append(HttpStatusCode.TooManyRequests)));
            Assert.That(adminRead.StatusCode, Is.EqualTo(HttpStatusCode.OK), "each subject has its own budget");
            Assert.That(ingests.Take(5).Select(r => r.StatusCode), Has.All.EqualTo(HttpStatusCode.Accepted));
            Assert.That(limited.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests));
            Assert.That(limited.Headers.RetryAfter!.Delta!.Value.TotalSeconds, Is.GreaterThanOrEqualTo(1));
            Assert.That((await limited.JsonAsync()).GetProperty("status").GetInt32(), Is.EqualTo(429));
            Assert.That(tokens, Is.EqualTo(new[] { HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests }),
                "the two token requests made by ClientForAsync count too: 4 per minute per IP");
        });
    }

    private static IEnumerable<string> Corpus(string name) =>
        File.ReadAllLines(Path.Combine(TestContext.CurrentContext.TestDirectory, "Corpora", name))
            .Where(l => l.Length > 0 && !l.StartsWith('#'));

    [Test]
    public void AttackCorpus_IsCaughtEntirely_ByEveryPatternAtLeastOnce()
    {
        var matches = Corpus("attacks.txt").Select(a => (Attack: a, Pattern: AttackPatterns.Match(a))).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(matches.Where(m => m.Pattern is null).Select(m => m.Attack), Is.Empty, "attacks not caught");
            Assert.That(AttackPatterns.All.Count(p => p.Family == "sqli"), Is.EqualTo(8));
            Assert.That(AttackPatterns.All.Count(p => p.Family == "xss"), Is.EqualTo(7));
            Assert.That(AttackPatterns.All.Count(p => p.Family == "path_traversal"), Is.EqualTo(4));
            var exercised = Corpus("attacks.txt").SelectMany(a => AttackPatterns.All.Where(p => p.Regex.IsMatch(a) || p.Regex.IsMatch(AttackPatterns.Decode(a)))).Select(p => p.Name).ToHashSet();
            Assert.That(AttackPatterns.All.Select(p => p.Name).Where(n => !exercised.Contains(n)), Is.Empty, "patterns no corpus line exercises");
        });
    }

    [Test]
    public void BenignCorpus_IsNeverCaught()
    {
        var caught = Corpus("benign.txt").Select(b => (Text: b, Pattern: AttackPatterns.Match(b))).Where(m => m.Pattern is not null)
            .Select(m => $"{m.Text} -> {m.Pattern!.Name}");
        Assert.That(caught, Is.Empty);
    }

    [Test]
    public async Task AttackInFreeText_Is400NamingTheFamily_CountedAndRecorded()
    {
        var attack = TestEvents.Json(j => j["extra_metadata"] = new JsonObject { ["note"] = "' OR '1'='1" });
        var benign = TestEvents.Json(j => { j["error_code"] = "o'brien"; j["extra_metadata"] = new JsonObject { ["title"] = "drop-down menu" }; });
        // The counters are observable: each read yields every label combination's running total.
        var rejections = new ConcurrentDictionary<string, long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == Ott.Api.Hosting.ApiMetrics.MeterName && instrument.Name == "input.rejected")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
            rejections[string.Join(",", tags.ToArray().Select(t => $"{t.Key}={t.Value}"))] = value);
        listener.Start();
        listener.RecordObservableInstruments();
        var sqliBefore = rejections.GetValueOrDefault("reason=attack_pattern,family=sqli");

        var rejected = await Admin.PostEventAsync(attack);
        var accepted = await Admin.PostEventAsync(benign);
        var problem = await rejected.JsonAsync();
        var audit = await (await Admin.GetAsync($"/api/v1/audit?target={attack["event_id"]}")).JsonAsync();
        listener.RecordObservableInstruments();

        Assert.Multiple(() =>
        {
            Assert.That(rejected.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(problem.GetProperty("type").GetString(), Does.EndWith("/attack-pattern"));
            Assert.That(problem.GetProperty("detail").GetString(), Does.Contain("SQL injection"));
            Assert.That(problem.Errors()["extra_metadata.note"][0], Does.Contain("sqli.tautology"));
            Assert.That(accepted.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
            Assert.That(rejections.GetValueOrDefault("reason=attack_pattern,family=sqli") - sqliBefore, Is.GreaterThanOrEqualTo(1));
            Assert.That(audit.EnumerateArray().Select(r => (r.GetProperty("action").GetString(), r.GetProperty("detail").GetString())),
                Does.Contain(("security.attack_pattern", "sqli.tautology in extra_metadata.note")));
        });
    }

    [Test]
    public async Task AttackWithAHostileEventId_IsAuditedUnderTheIdWithoutControlCharacters()
    {
        var id = TestEvents.NewId("hostile");
        var attack = TestEvents.Json(j => { j["event_id"] = id + "\u0000\u001b[31m"; j["error_code"] = "' OR '1'='1"; });

        var rejected = await Admin.PostEventAsync(attack);
        var audit = await (await Admin.GetAsync($"/api/v1/audit?target={Uri.EscapeDataString(id + "[31m")}")).JsonAsync();

        Assert.Multiple(() =>
        {
            Assert.That(rejected.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(audit.EnumerateArray().Select(r => (r.GetProperty("action").GetString(), r.GetProperty("detail").GetString())),
                Is.EqualTo(new[] { ("security.attack_pattern", "sqli.tautology in error_code") }));
        });
    }

    [Test]
    public void Sanitisation_RemovesControlCharacters_AndNormalisesToNfc()
    {
        var validation = new Ott.Api.Events.EventValidator(TimeProvider.System).Validate(
            System.Text.Json.JsonDocument.Parse(TestEvents.Json(j =>
            {
                j["error_code"] = "E\u0000RR\u0007OR\u001b";
                j["extra_metadata"] = new JsonObject { ["title"] = "Cafe\u0301\u0000" };
            }).ToJsonString()).RootElement);

        Assert.Multiple(() =>
        {
            Assert.That(validation.Event!.ErrorCode, Is.EqualTo("ERROR"));
            Assert.That(System.Text.Json.JsonDocument.Parse(validation.Event.ExtraMetadataJson!).RootElement.GetProperty("title").GetString(),
                Is.EqualTo("Caf\u00e9"), "NFC composes e + combining acute into é");
        });
    }

    [Test]
    public async Task MalformedInput_NeverCausesA5xx()
    {
        await using var factory = new ApiFactory(new Dictionary<string, string?> { ["Ott:Security:RateLimits:TokenPerMinute"] = "100000" });
        var admin = await factory.ClientForAsync("admin");
        var random = new Random(20261124);
        var seed = Encoding.UTF8.GetBytes(TestEvents.Json().ToJsonString());
        var statuses = new ConcurrentDictionary<int, int>();
        var failures = new ConcurrentBag<string>();
        var paths = new[] { "/events", "/events/batch", "/api/v1/compliance/check", "/token" };
        string[] escapes = [@"\ud800", @"\udc00", @"\udc00\ud800", @"\u0000", @"\u12", @"\x41", @"\ud83d\ude00", @"\ufffe", @"\ud800\u0041"];
        byte[] Body(int i)
        {
            switch (i % 9)
            {
                case 0:
                    var mutated = (byte[])seed.Clone();
                    for (var k = 0; k < 1 + random.Next(8); k++)
                    {
                        mutated[random.Next(mutated.Length)] = (byte)random.Next(256);
                    }

                    return mutated;
                case 1:
                    return seed.Take(random.Next(seed.Length)).ToArray();
                case 2:
                    return Encoding.UTF8.GetBytes(new string('[', 500 + random.Next(2000)) + new string(']', random.Next(10)));
                case 3:
                    var huge = TestEvents.Json(j => j["error_code"] = new string('A', 50_000 + random.Next(200_000)));
                    return Encoding.UTF8.GetBytes(huge.ToJsonString());
                case 4:
                    var wrong = TestEvents.Json();
                    var keys = wrong.Select(p => p.Key).ToList();
                    wrong[keys[random.Next(keys.Count)]] = random.Next(4) switch { 0 => 42, 1 => new JsonArray(1, 2), 2 => new JsonObject(), _ => true };
                    return Encoding.UTF8.GetBytes(wrong.ToJsonString());
                case 5:
                    return [0xC3, 0x28, 0xA0, 0xA1, 0xE2, 0x28, 0xA1, 0xF0, 0x28, 0x8C, 0xBC, (byte)'{', (byte)'}'];
                case 6:
                    var bytes = new byte[random.Next(1, 512)];
                    random.NextBytes(bytes);
                    return bytes;
                case 8:
                    var text = TestEvents.Json(j => j["extra_metadata"] = new JsonObject { ["note"] = "n" }).ToJsonString();
                    var names = new[] { "event_id", "event_type", "region", "ip_address", "timestamp", "note" };
                    var name = names[random.Next(names.Length)];
                    var escape = escapes[random.Next(escapes.Length)];
                    return Encoding.UTF8.GetBytes(random.Next(2) == 0
                        ? text.Replace($"\"{name}\":", $"\"{name}{escape}\":", StringComparison.Ordinal)
                        : text.Replace($"\"{name}\":\"", $"\"{name}\":\"{escape}", StringComparison.Ordinal));
                default:
                    return Encoding.UTF8.GetBytes("[" + string.Join(",", Enumerable.Range(0, random.Next(1, 5)).Select(_ => Encoding.UTF8.GetString(seed).Replace("play", "PLAY\\u0000", StringComparison.Ordinal))) + "]");
            }
        }

        await Parallel.ForAsync(0, 10_000, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
        {
            var content = new ByteArrayContent(Body(i));
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            using var response = await admin.PostAsync(paths[i % paths.Length], content, ct);
            statuses.AddOrUpdate((int)response.StatusCode, 1, (_, n) => n + 1);
            if ((int)response.StatusCode >= 500)
            {
                failures.Add($"{paths[i % paths.Length]} case {i % 9}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
            }
        });

        TestContext.Out.WriteLine(string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}: {s.Value}")));
        Assert.Multiple(async () =>
        {
            Assert.That(failures.Take(5), Is.Empty);
            Assert.That(statuses.Values.Sum(), Is.EqualTo(10_000));
            Assert.That((await admin.GetAsync("/health/ready")).StatusCode, Is.EqualTo(HttpStatusCode.OK), "still alive");
        });
    }

    [Test]
    public async Task Erasure_RemovesTheUserEverywhere_AndLeavesOnlyTheAuditTrail()
    {
        var user = TestEvents.NewId("erase");
        var device = TestEvents.NewId("erase-tv");
        var other = TestEvents.NewId("stays");
        await Admin.PostBatchAsync(
            TestEvents.Json(j => { j["user_id"] = user; j["device_id"] = device; }),
            TestEvents.Json(j => { j["user_id"] = user; j["device_id"] = device; j["event_type"] = "data_deletion_request"; j["region"] = "FR"; j["is_eu"] = true; }),
            TestEvents.Json(j => { j["user_id"] = other; j["device_id"] = device; }));
        await Admin.DrainAsync();
        var analyst = await ApiFixture.Factory.ClientForAsync("analyst");

        var forbidden = await analyst.DeleteAsync($"/api/v1/users/{user}");
        var erased = await Admin.DeleteAsync($"/api/v1/users/{user}");
        var report = await erased.JsonAsync();
        var again = await Admin.DeleteAsync($"/api/v1/users/{user}");
        var risk = await analyst.GetAsync($"/api/v1/users/{user}/risk");
        var assessments = await analyst.GetAsync($"/api/v1/users/{user}/assessments");
        var deviceView = await (await analyst.GetAsync($"/api/v1/devices/{device}")).JsonAsync();
        var requests = await (await analyst.GetAsync("/api/v1/requests?status=completed")).JsonAsync();
        var audit = await (await Admin.GetAsync($"/api/v1/audit?target={user}")).JsonAsync();

        Assert.Multiple(() =>
        {
            Assert.That(forbidden.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That(erased.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(report.GetProperty("assessments_removed").GetInt64(), Is.EqualTo(2));
            Assert.That(report.GetProperty("devices_updated").GetInt32(), Is.EqualTo(1));
            Assert.That(report.GetProperty("requests_completed").GetInt32(), Is.EqualTo(1));
            Assert.That(again.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That(risk.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That(assessments.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That(deviceView.GetProperty("users").EnumerateArray().Select(u => u.GetProperty("id").GetString()), Is.EqualTo(new[] { other }));
            Assert.That(requests.EnumerateArray().Any(r => r.GetProperty("request").GetProperty("user_id").GetString() == user), Is.True);
            var actions = audit.EnumerateArray().Select(r => (r.GetProperty("action").GetString(), r.GetProperty("actor").GetString(), r.GetProperty("result").GetInt32())).ToList();
            Assert.That(actions, Does.Contain(("EraseUser", "admin", 200)));
            Assert.That(actions, Does.Contain(("EraseUser", "analyst", 403)), "denied attempts are audited too");
            Assert.That(actions, Does.Contain(("GetUserRisk", "analyst", 404)));
        });
    }

    [Test]
    public async Task AuditRecords_NameActorRoleActionTargetResultAndIp_AndCannotBeChanged()
    {
        var analyst = await ApiFixture.Factory.ClientForAsync("analyst");
        var user = TestEvents.NewId("audited");
        await analyst.GetAsync($"/api/v1/users/{user}/risk");

        var records = await (await Admin.GetAsync($"/api/v1/audit?actor=analyst&target={user}")).JsonAsync();
        var edit = await Admin.PutAsJsonAsync("/api/v1/audit", new { });
        var delete = await Admin.DeleteAsync("/api/v1/audit");
        var asAnalyst = await analyst.GetAsync("/api/v1/audit");

        var record = records.EnumerateArray().Single();
        Assert.Multiple(() =>
        {
            Assert.That(record.GetProperty("actor").GetString(), Is.EqualTo("analyst"));
            Assert.That(record.GetProperty("role").GetString(), Is.EqualTo("analyst"));
            Assert.That(record.GetProperty("action").GetString(), Is.EqualTo("GetUserRisk"));
            Assert.That(record.GetProperty("target_kind").GetString(), Is.EqualTo("user"));
            Assert.That(record.GetProperty("target").GetString(), Is.EqualTo(user));
            Assert.That(record.GetProperty("result").GetInt32(), Is.EqualTo(404));
            Assert.That(record.GetProperty("client_ip").GetString(), Is.Not.Empty);
            Assert.That(record.GetProperty("time").GetString(), Is.Not.Empty);
            Assert.That(edit.StatusCode, Is.EqualTo(HttpStatusCode.MethodNotAllowed));
            Assert.That(delete.StatusCode, Is.EqualTo(HttpStatusCode.MethodNotAllowed));
            Assert.That(asAnalyst.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        });
    }

    [Test]
    public async Task Secrets_NeverAppearInLogs()
    {
        var lines = new ConcurrentQueue<string>();
        await using var factory = new LoggingApiFactory(lines);
        var client = factory.CreateClient();
        await client.PostAsync("/token", new FormUrlEncodedContent(new Dictionary<string, string> { ["username"] = "admin", ["password"] = "admin123" }));
        await client.PostAsync("/token", new FormUrlEncodedContent(new Dictionary<string, string> { ["username"] = "admin", ["password"] = "wrong-Secret-42" }));
        var token = (await (await client.PostAsJsonAsync("/token", new { username = "analyst", password = "analyst123" })).JsonAsync()).GetProperty("access_token").GetString()!;
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        await client.GetAsync("/stats/summary");

        var all = string.Join("\n", lines);
        Assert.Multiple(() =>
        {
            Assert.That(lines, Is.Not.Empty, "logs were captured");
            Assert.That(all, Does.Contain("Development users exist"), "the embedded profile warns about its dev users");
            foreach (var secret in new[] { "admin123", "analyst123", "wrong-Secret-42", ApiFactory.SigningKey, token })
            {
                Assert.That(all, Does.Not.Contain(secret));
            }
        });
    }

    private sealed class LoggingApiFactory(ConcurrentQueue<string> lines) : ApiFactory
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureLogging(logging =>
            {
                logging.SetMinimumLevel(LogLevel.Trace);
                logging.AddProvider(new CaptureProvider(lines));
            });
        }
    }

    private sealed class CaptureProvider(ConcurrentQueue<string> lines) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Capture(lines, categoryName);

        public void Dispose()
        {
        }

        private sealed class Capture(ConcurrentQueue<string> lines, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull
            {
                lines.Enqueue($"{category} scope {state}");
                return null;
            }

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                lines.Enqueue($"{category} {logLevel} {formatter(state, exception)} {exception}");
        }
    }
}
