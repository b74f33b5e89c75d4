using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using Ott.Api.Security;
using Ott.Tests.Api;

namespace Ott.Tests.Integration;

/// <summary>
/// The production shape as real processes on this machine: standalone silos (<c>Ott.Silo</c>) and an API that is an
/// Orleans client of them, on Redis clustering and PostgreSQL storage, each on free loopback ports with its own log
/// file. Processes can be killed (<c>SIGKILL</c>) and added while the cluster runs.
/// </summary>
public sealed class ProcessCluster : IAsyncDisposable
{
    private const string AdminPassword = "cluster-test-admin";
    private static readonly string SigningKey = Convert.ToBase64String(Guid.NewGuid().ToByteArray()) + "-process-cluster-signing-key";
    private readonly string _redis;
    private readonly string _postgres;
    private readonly string _logs = Path.Combine(Path.GetTempPath(), $"ott-cluster-{Guid.NewGuid():N}");
    private readonly List<Node> _nodes = [];
    private readonly Dictionary<string, string> _extra;

    public ProcessCluster(string redis, string postgres, IReadOnlyDictionary<string, string>? settings = null)
    {
        _redis = redis;
        _postgres = postgres;
        _extra = new Dictionary<string, string>(settings ?? new Dictionary<string, string>());
        Directory.CreateDirectory(_logs);
    }

    public string ClusterId { get; } = $"c-{Guid.NewGuid():N}"[..16];

    public IReadOnlyList<Node> Silos => _nodes.Where(n => n.IsSilo).ToList();

    public Node? ApiNode => _nodes.FirstOrDefault(n => !n.IsSilo);

    /// <summary>Starts a silo and waits until its /health/ready answers 200.</summary>
    public async Task<Node> StartSiloAsync()
    {
        var (silo, gateway, http) = (ApiFactory.FreePort(), ApiFactory.FreePort(), ApiFactory.FreePort());
        var env = Common();
        env["Ott__SiloPort"] = silo.ToString(CultureInfo.InvariantCulture);
        env["Ott__GatewayPort"] = gateway.ToString(CultureInfo.InvariantCulture);
        var node = Start($"silo-{Silos.Count + 1}", Output("Ott.Silo"), "Ott.Silo.dll", http, env, silo);
        await node.WaitReadyAsync(TimeSpan.FromSeconds(120));
        return node;
    }

    /// <summary>Starts the API as a client of the cluster and returns an admin client of it.</summary>
    public async Task<HttpClient> StartApiAsync()
    {
        var env = Common();
        env["Ott__Api__Mode"] = "Client";
        env["Ott__Security__SigningKey"] = SigningKey;
        env["Ott__Security__Users__0__Username"] = "admin";
        env["Ott__Security__Users__0__PasswordHash"] = UserStore.Hash(AdminPassword);
        env["Ott__Security__Users__0__Roles__0"] = "admin";
        env["Ott__Security__Users__0__Roles__1"] = "analyst";
        env["Ott__Security__Users__0__Roles__2"] = "ingest";
        env["Ott__Security__RateLimits__IngestPerMinute"] = "100000000";
        env["Ott__Security__RateLimits__IngestBurst"] = "1000000";
        env["Ott__Security__RateLimits__AnalystPerMinute"] = "1000000";
        var node = Start("api", Output("Ott.Api"), "Ott.Api.dll", ApiFactory.FreePort(), env, siloPort: 0);
        await node.WaitReadyAsync(TimeSpan.FromSeconds(120));

        var client = new HttpClient { BaseAddress = node.BaseAddress, Timeout = TimeSpan.FromSeconds(100) };
        var token = await client.PostAsync("/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["username"] = "admin",
            ["password"] = AdminPassword,
        }));
        token.EnsureSuccessStatusCode();
        var accessToken = (await token.JsonAsync()).GetProperty("access_token").GetString();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        return client;
    }

    /// <summary>The last lines of every process's log (for failure messages).</summary>
    public string Tails(int lines = 30) => string.Join(Environment.NewLine, _nodes.Select(n => n.Tail(lines)));

    public async ValueTask DisposeAsync()
    {
        // The API first: a client whose gateways vanish is slow to exit.
        foreach (var node in _nodes.OrderBy(n => n.IsSilo))
        {
            await node.StopAsync();
        }

        // OTT_KEEP_CLUSTER_LOGS=1 keeps them after a passing test too (to study a run).
        if (TestContext.CurrentContext.Result.Outcome.Status != NUnit.Framework.Interfaces.TestStatus.Failed &&
            Environment.GetEnvironmentVariable("OTT_KEEP_CLUSTER_LOGS") != "1")
        {
            Directory.Delete(_logs, recursive: true);
        }
        else
        {
            TestContext.Out.WriteLine($"process logs kept in {_logs}");
        }
    }

    private Dictionary<string, string> Common()
    {
        var env = new Dictionary<string, string>(_extra)
        {
            ["DOTNET_ENVIRONMENT"] = "Production",
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Ott__Profile"] = "Production",
            ["Ott__Clustering"] = "Redis",
            ["Ott__Storage"] = "Postgres",
            ["Ott__ClusterId"] = ClusterId,
            ["Ott__AdvertisedIp"] = "127.0.0.1",
            ["ConnectionStrings__Redis"] = _redis,
            ["ConnectionStrings__Postgres"] = _postgres,
            ["Logging__Console__FormatterName"] = "simple",
        };
        return env;
    }

    private Node Start(string name, string folder, string dll, int httpPort, Dictionary<string, string> env, int siloPort)
    {
        var log = Path.Combine(_logs, name + ".log");
        var url = $"http://127.0.0.1:{httpPort}";
        var start = new ProcessStartInfo("dotnet", [Path.Combine(folder, dll), "--urls", url])
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (key, value) in env)
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start)!;
        var writer = new StreamWriter(log) { AutoFlush = true };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (writer) { writer.WriteLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (writer) { writer.WriteLine(e.Data); } } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var node = new Node(name, process, new Uri(url), log, writer, siloPort);
        _nodes.Add(node);
        return node;
    }

    /// <summary>The build output of a sibling project, in the configuration the tests were built in.</summary>
    private static string Output(string project)
    {
        var testOutput = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var framework = testOutput.Name;
        var configuration = testOutput.Parent!.Name;
        var folder = Path.Combine(ExternalServices.RepositoryRoot, project, "bin", configuration, framework);
        return File.Exists(Path.Combine(folder, project + ".dll"))
            ? folder
            : throw new InvalidOperationException($"{project} is not built at {folder}: build the solution first.");
    }

    /// <summary>One process of the cluster.</summary>
    public sealed class Node(string name, Process process, Uri baseAddress, string log, StreamWriter writer, int siloPort)
    {
        private static readonly HttpClient Probe = new() { Timeout = TimeSpan.FromSeconds(5) };

        public string Name { get; } = name;

        public Uri BaseAddress { get; } = baseAddress;

        /// <summary>The silo-to-silo port (0 for the API).</summary>
        public int SiloPort { get; } = siloPort;

        public bool IsSilo => SiloPort != 0;

        public bool Running => !process.HasExited;

        public async Task WaitReadyAsync(TimeSpan timeout)
        {
            var deadline = DateTime.UtcNow + timeout;
            while (DateTime.UtcNow < deadline)
            {
                if (process.HasExited)
                {
                    Assert.Fail($"{Name} exited with {process.ExitCode} before it was ready:{Environment.NewLine}{Tail(40)}");
                }

                try
                {
                    if ((await Probe.GetAsync(new Uri(BaseAddress, "/health/ready"))).StatusCode == HttpStatusCode.OK)
                    {
                        return;
                    }
                }
                catch (HttpRequestException)
                {
                }
                catch (TaskCanceledException)
                {
                }

                await Task.Delay(250);
            }

            Assert.Fail($"{Name} was not ready within {timeout.TotalSeconds} s:{Environment.NewLine}{Tail(40)}");
        }

        /// <summary><c>kill -9</c>: no shutdown, no state written, connections cut.</summary>
        public void Kill()
        {
            process.Kill(entireProcessTree: false);
            process.WaitForExit();
        }

        /// <summary>Graceful stop (SIGTERM), forced after 30 s.</summary>
        public async Task StopAsync()
        {
            if (!process.HasExited)
            {
                using var term = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]);
                await term.WaitForExitAsync();
                using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                try
                {
                    await process.WaitForExitAsync(wait.Token);
                }
                catch (OperationCanceledException)
                {
                    process.Kill(entireProcessTree: true);
                }
            }

            process.Dispose();
            lock (writer)
            {
                writer.Dispose();
            }
        }

        public string Tail(int lines)
        {
            string[] all;
            lock (writer)
            {
                writer.Flush();
                using var stream = new FileStream(log, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
                using var reader = new StreamReader(stream);
                all = reader.ReadToEnd().Split('\n');
            }

            return $"--- {Name} ({log}) ---{Environment.NewLine}{string.Join('\n', all.TakeLast(lines))}";
        }
    }
}
