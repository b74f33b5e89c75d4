using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Ott.Cli.Client;

namespace Ott.Cli.Hosting;

/// <summary>
/// The API (with its co-hosted silo) started as a child process for <c>demo</c> without <c>--url</c>: memory storage, a
/// fresh cluster id, free loopback ports and one admin user whose random password lives only in this process and its
/// child. The CLI references no server project; it runs the API's own published or built output:
/// <list type="number">
/// <item><c>--api</c> or <c>$OTT_API_DLL</c>: a path to <c>Ott.Api.dll</c> (or the folder holding it);</item>
/// <item>the published layout: <c>../api/Ott.Api.dll</c> beside the CLI's folder (<c>deploy/publish.sh</c>, the image);</item>
/// <item>a source checkout: <c>Ott.Api/bin/{Configuration}/net10.0/Ott.Api.dll</c> of the enclosing repository, built
/// first with <c>dotnet build</c> when it is missing.</item>
/// </list>
/// Stopping (dispose, Ctrl+C) kills the child's process tree.
/// </summary>
internal sealed class ApiProcess : IAsyncDisposable
{
    public const string AdminUser = "demo-admin";

    private const string ApiDll = "Ott.Api.dll";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);

    private readonly Process _process;
    private readonly List<string> _output = [];

    private ApiProcess(Process process, string url, string password)
    {
        _process = process;
        Url = url;
        AdminPassword = password;
    }

    public string Url { get; }

    public string AdminPassword { get; }

    /// <summary>Finds the API (see the class summary), starts it and waits until <c>/health/ready</c> answers 200.</summary>
    public static async Task<ApiProcess> StartAsync(string? apiPath, Action<string> progress, CancellationToken cancellationToken)
    {
        var dll = await LocateAsync(apiPath, progress, cancellationToken);
        var password = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        var url = $"http://127.0.0.1:{FreePort()}";
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { dll, "--urls", url })
        {
            start.ArgumentList.Add(argument);
        }

        // Configuration through the environment: the password never appears on a command line (ps).
        var environment = new Dictionary<string, string>
        {
            ["DOTNET_ENVIRONMENT"] = "Demo",
            ["ASPNETCORE_ENVIRONMENT"] = "Demo",
            ["Ott__Profile"] = "Embedded",
            ["Ott__Storage"] = "Memory",
            ["Ott__ClusterId"] = $"demo-{Guid.NewGuid():N}"[..20],
            ["Ott__SiloPort"] = FreePort(),
            ["Ott__GatewayPort"] = FreePort(),
            ["Ott__OrleansDashboard__Enabled"] = "false",
            ["Ott__Security__Users__0__Username"] = AdminUser,
            ["Ott__Security__Users__0__Password"] = password,
            ["Ott__Security__Users__0__Roles__0"] = "admin",
            // The demo prints what the engines answered; the API's own log (alerts, start-up notes) goes to its output buffer.
            ["Logging__LogLevel__Default"] = "Warning",
        };
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start) ?? throw new CliException($"Could not start dotnet {dll}.");
        var api = new ApiProcess(process, url, password);
        process.OutputDataReceived += (_, e) => api.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => api.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await api.WaitReadyAsync(cancellationToken);
            return api;
        }
        catch
        {
            await api.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        }

        _process.Dispose();
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.Add(line);
            if (_output.Count > 200)
            {
                _output.RemoveAt(0);
            }
        }
    }

    private string OutputTail()
    {
        lock (_output)
        {
            return string.Join(Environment.NewLine, _output.TakeLast(30));
        }
    }

    private async Task WaitReadyAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = new Uri(Url), Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < StartTimeout)
        {
            if (_process.HasExited)
            {
                throw new CliException($"The API exited with code {_process.ExitCode} before it was ready:{Environment.NewLine}{OutputTail()}");
            }

            try
            {
                using var response = await http.GetAsync(new Uri("/health/ready", UriKind.Relative), cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // The probe timed out; the process is still starting.
            }

            // Poll interval while the child starts (seconds at most; the probe above is the condition).
            await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
        }

        throw new CliException($"The API at {Url} was not ready within {StartTimeout.TotalSeconds:0} s:{Environment.NewLine}{OutputTail()}");
    }

    private static async Task<string> LocateAsync(string? apiPath, Action<string> progress, CancellationToken cancellationToken)
    {
        if ((apiPath ?? Environment.GetEnvironmentVariable("OTT_API_DLL")) is { Length: > 0 } given)
        {
            var file = Directory.Exists(given) ? Path.Combine(given, ApiDll) : given;
            return File.Exists(file) ? Path.GetFullPath(file) : throw new CliException($"--api: {file} does not exist (give Ott.Api.dll or its folder).");
        }

        var published = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "api", ApiDll));
        if (File.Exists(published))
        {
            return published;
        }

        var root = RepositoryRoot() ?? throw new CliException(
            $"No API to start: not found at {published} nor in a source checkout. Give --api <path to {ApiDll}>, or --url of a running API.");
        var built = Path.Combine(root, "Ott.Api", "bin", Configuration, "net10.0", ApiDll);
        if (!File.Exists(built))
        {
            progress($"Building Ott.Api ({Configuration}) in {root}…");
            await BuildAsync(root, cancellationToken);
        }

        return File.Exists(built) ? built : throw new CliException($"dotnet build did not produce {built}.");
    }

    private static async Task BuildAsync(string root, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = root, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "build", Path.Combine("Ott.Api", "Ott.Api.csproj"), "-c", Configuration, "-nologo", "-v", "q" })
        {
            start.ArgumentList.Add(argument);
        }

        using var build = Process.Start(start) ?? throw new CliException("Could not start dotnet build.");
        var output = build.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = build.StandardError.ReadToEndAsync(cancellationToken);
        await build.WaitForExitAsync(cancellationToken);
        if (build.ExitCode != 0)
        {
            throw new CliException($"dotnet build Ott.Api failed ({build.ExitCode}):{Environment.NewLine}{await output}{await errors}");
        }
    }

    /// <summary>The enclosing source checkout (the folder holding OttCompliance.sln), if the CLI runs from one.</summary>
    private static string? RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "OttCompliance.sln")))
            {
                return folder.FullName;
            }
        }

        return null;
    }

#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif

    private static string FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture);
    }
}
