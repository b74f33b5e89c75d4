using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Ott.Hosting;

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
            Assert.That(options.Storage, Is.EqualTo(GrainStorageProvider.Sqlite), "durable with nothing to install");
            Assert.That(options.SqlConnection, Is.EqualTo("Data Source=data/ott.db"));
            Assert.That(options.Api.Mode, Is.EqualTo(ApiMode.CoHosted));
        });
    }

    [Test]
    public void ProductionProfile_WithRedisAndPostgres_IsValid()
    {
        var options = OttHostOptions.Load(Config(("Ott:Profile", "Production"), ("Ott:Clustering", "Redis"), ("Ott:Storage", "Postgres"),
            ("ConnectionStrings:Redis", "127.0.0.1:6379"), ("ConnectionStrings:Postgres", "Host=db;Database=ott"), ("Ott:Api:Mode", "Client"),
            ("Ott:AdvertisedIp", "10.0.0.7")));
        Assert.Multiple(() =>
        {
            Assert.That(options.RedisConnection, Is.EqualTo("127.0.0.1:6379"));
            Assert.That(options.SqlConnection, Is.EqualTo("Host=db;Database=ott"));
            Assert.That(options.Api.Mode, Is.EqualTo(ApiMode.Client));
            Assert.That(HostingExtensions.AdvertisedAddress(options).ToString(), Is.EqualTo("10.0.0.7"));
        });
    }

    [TestCase("Ott:Clustering=Redis|Ott:Storage=Postgres|ConnectionStrings:Postgres=Host=x", "ConnectionStrings:Redis is empty")]
    [TestCase("Ott:Storage=Postgres", "ConnectionStrings:Postgres is empty")]
    [TestCase("Ott:Clustering=Redis|ConnectionStrings:Redis=r:1", "several silos (Redis clustering) must share")]
    [TestCase("Ott:Api:Mode=Client", "Ott:Storage must be Postgres")]
    [TestCase("Ott:AdvertisedIp=silo-1", "is not an IP address")]
    public void InconsistentProviders_AreRefusedWithTheReason(string settings, string expected)
    {
        var pairs = settings.Split('|').Select(p => p.Split('=', 2)).Select(p => (p[0], p[1])).ToArray();
        var error = Assert.Throws<OttConfigurationException>(() => OttHostOptions.Load(Config(pairs)));
        Assert.That(error!.Message, Does.Contain(expected));
    }

    [Test]
    public void Memory_StaysAvailableForThrowawayRuns() =>
        Assert.That(OttHostOptions.Load(Config(("Ott:Storage", "Memory"))).SqlConnection, Is.Null);

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
    public void Membership_ProbesEverySecond_AndKeepsOrleansOtherDefaults_UnlessSet()
    {
        var defaults = new Orleans.Configuration.ClusterMembershipOptions();
        var untouched = new Orleans.Configuration.ClusterMembershipOptions();
        OttHostOptions.Load(Config()).Membership.ApplyTo(untouched);
        var tuned = new Orleans.Configuration.ClusterMembershipOptions();
        OttHostOptions.Load(Config(("Ott:Membership:ProbeTimeout", "00:00:02"), ("Ott:Membership:NumMissedProbesLimit", "2"))).Membership.ApplyTo(tuned);

        Assert.Multiple(() =>
        {
            Assert.That((untouched.ProbeTimeout, untouched.NumMissedProbesLimit, untouched.NumVotesForDeathDeclaration),
                Is.EqualTo((TimeSpan.FromSeconds(1), defaults.NumMissedProbesLimit, defaults.NumVotesForDeathDeclaration)),
                "the product's 1 s probe timeout (docs/reliability.md), Orleans' other defaults");
            Assert.That((tuned.ProbeTimeout, tuned.NumMissedProbesLimit), Is.EqualTo((TimeSpan.FromSeconds(2), 2)));
            Assert.That(tuned.NumVotesForDeathDeclaration, Is.EqualTo(defaults.NumVotesForDeathDeclaration), "not set, not changed");
        });
    }

    [Test]
    public void Membership_OutOfRange_IsRefused()
    {
        var error = Assert.Throws<OttConfigurationException>(() => OttHostOptions.Load(Config(
            ("Ott:Membership:ProbeTimeout", "00:00:00.100"), ("Ott:Membership:NumMissedProbesLimit", "0"))));
        Assert.That(error!.Problems, Has.Count.EqualTo(2));
        Assert.That(error.Message, Does.Contain("Ott:Membership").And.Contain("ProbeTimeout").And.Contain("NumMissedProbesLimit"));
    }

    [Test]
    public async Task Membership_ReachesTheSilo()
    {
        await using var factory = new Ott.Tests.Api.ApiFactory(new Dictionary<string, string?> { ["Ott:Membership:ProbeTimeout"] = "00:00:03" });
        _ = factory.CreateClient();
        var applied = factory.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Orleans.Configuration.ClusterMembershipOptions>>().Value;
        Assert.That(applied.ProbeTimeout, Is.EqualTo(TimeSpan.FromSeconds(3)));
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

public class SecurityOptionsTests
{
    private static List<string> Problems(Ott.Api.Security.SecurityOptions options)
    {
        var results = new List<System.ComponentModel.DataAnnotations.ValidationResult>();
        System.ComponentModel.DataAnnotations.Validator.TryValidateObject(options, new(options), results, validateAllProperties: true);
        return results.Select(r => r.ErrorMessage!).ToList();
    }

    private static Ott.Api.Security.ApiUser Dev() => new() { Username = "admin", Password = "admin123", Roles = ["admin"] };

    [Test]
    public void Embedded_AcceptsDevelopmentUsersAndARandomKey() =>
        Assert.That(Problems(new() { Users = [Dev()] }), Is.Empty);

    [Test]
    public void Production_RefusesNoKey_DevelopmentUsers_AndAnonymousIngest()
    {
        var problems = Problems(new() { Production = true, Users = [Dev()], AllowAnonymousIngest = true });
        Assert.That(problems, Has.Count.EqualTo(3));
        Assert.That(string.Join(" ", problems), Does.Contain("SigningKey").And.Contain("clear-text").And.Contain("anonymous"));
    }

    [Test]
    public void Production_WithKeyAndHashedUsers_IsValid() =>
        Assert.That(Problems(new()
        {
            Production = true,
            SigningKey = new string('k', 32),
            Users = [new() { Username = "ops", PasswordHash = Ott.Api.Security.UserStore.Hash("s3cret-pass"), Roles = ["admin"] }],
        }), Is.Empty);

    [TestCase("short-key", "at least 32 bytes")]
    public void ShortKey_IsRefused(string key, string expected) =>
        Assert.That(string.Join(" ", Problems(new() { SigningKey = key })), Does.Contain(expected));

    [Test]
    public void UnknownRole_AndBothPasswordForms_AreRefused()
    {
        var problems = Problems(new() { Users = [new() { Username = "x", Password = "p", PasswordHash = "h", Roles = ["root"] }] });
        Assert.That(string.Join(" ", problems), Does.Contain("exactly one of PasswordHash or Password").And.Contain("unknown role 'root'"));
    }

    [Test]
    public void HashedPassword_Verifies()
    {
        var hash = Ott.Api.Security.UserStore.Hash("correct horse");
        var store = new Ott.Api.Security.UserStore(Microsoft.Extensions.Options.Options.Create(new Ott.Api.Security.SecurityOptions
        {
            Users = [new() { Username = "ops", PasswordHash = hash, Roles = ["admin"] }],
        }));
        Assert.Multiple(() =>
        {
            Assert.That(hash, Does.Not.Contain("correct horse"));
            Assert.That(store.Verify("OPS", "correct horse")?.Username, Is.EqualTo("ops"));
            Assert.That(store.Verify("ops", "wrong"), Is.Null);
            Assert.That(store.Verify("nobody", "correct horse"), Is.Null);
        });
    }
}
