using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Ott.Silo.Hosting;

namespace Ott.Tests.Hosting;

public class ConfigurationTests
{
    private static IConfiguration Config(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    [Test]
    public void Defaults_AreTheEmbeddedProfile()
    {
        var options = OttHostOptions.Load(Config());
        Assert.Multiple(() =>
        {
            Assert.That(options.Profile, Is.EqualTo(HostProfile.Embedded));
            Assert.That(options.Clustering, Is.EqualTo(ClusteringProvider.Localhost));
            Assert.That(options.Storage, Is.EqualTo(GrainStorageProvider.Memory));
        });
    }

    [Test]
    public void UnknownProfile_IsRejectedWithThePath()
    {
        var error = Assert.Throws<OttConfigurationException>(() => OttHostOptions.Load(Config(("Ott:Profile", "Staging"))));
        Assert.That(error!.Message, Does.Contain("Ott").And.Contain("Staging"));
    }

    [Test]
    public void EveryProblem_IsListed()
    {
        var error = Assert.Throws<OttConfigurationException>(() => OttHostOptions.Load(Config(
            ("Ott:ClusterId", "has spaces"), ("Ott:SiloPort", "70000"), ("Ott:Streams:Queues", "0"))));
        Assert.That(error!.Problems, Has.Count.EqualTo(3));
        Assert.That(error.Message, Does.Contain("ClusterId").And.Contain("SiloPort").And.Contain("Queues"));
    }

    [Test]
    public void ProductionProfile_WithEmbeddedProviders_IsRefused()
    {
        var error = Assert.Throws<OttConfigurationException>(() => OttHostOptions.Load(Config(("Ott:Profile", "Production"))));
        Assert.That(error!.Problems, Has.Count.EqualTo(2));
        Assert.That(error.Message, Does.Contain("Clustering").And.Contain("Storage"));
    }

    [TestCase("--Ott:Profile=Production", "Production profile")]
    [TestCase("--Ott:Scoring:DefaultThreshold=50", "DefaultThreshold")]
    [TestCase("--Ott:GatewayPort=12345 --Ott:SiloPort=12345", "must differ")]
    [TestCase("--Ott:Compliance:PackPath=/nowhere/pack.json", "Regulation pack '/nowhere/pack.json' is invalid")]
    public async Task ApiProcess_WithBadConfiguration_ExitsWithAClearMessage(string arguments, string expected)
    {
        var api = typeof(Program).Assembly.Location;
        var start = new ProcessStartInfo("dotnet", [api, .. arguments.Split(' '), "--urls", "http://127.0.0.1:0"])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            WorkingDirectory = Path.GetDirectoryName(api)!,
        };
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"the process did not exit within 60 s; it should have refused to start ({arguments})");
        }

        Assert.Multiple(async () =>
        {
            Assert.That(process.ExitCode, Is.EqualTo(StartupGuard.ConfigurationErrorExitCode));
            Assert.That(await stderr, Does.Contain("Invalid configuration").And.Contain(expected));
            Assert.That(await stderr + await stdout, Does.Not.Contain("   at "), "no stack trace");
        });
    }
}
