using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Ott.Grains.Interfaces;
using Ott.Grains.Policies;
using Ott.Tests.Engines.Policies;
using Ott.Tests.Support;
using static Ott.Tests.Support.TestEvents;

namespace Ott.Tests.Cluster;

/// <summary>
/// The registry on a two-silo cluster of its own (an activated policy would change the exact scores other cluster
/// tests expect): seeding, drafts, activation on every silo, rollback, the activation record.
/// </summary>
public class PolicyRegistryTests
{
    private Orleans.TestingHost.InProcessTestCluster _cluster = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => _cluster = await ClusterFixture.StartClusterAsync(ClusterFixture.Settings);

    [OneTimeTearDown]
    public async Task StopAsync() => await _cluster.DisposeAsync();

    private IPolicyRegistryGrain Registry => _cluster.Client.GetGrain<IPolicyRegistryGrain>(0);

    /// <summary>A consent-less advertising export in Germany, decided inline by a fresh user's grain.</summary>
    private async Task<Assessment> DecideExportAsync()
    {
        var user = NewId("user");
        var e = Event(user, EventType.Export, DateTimeOffset.UtcNow, region: "DE", hasConsent: false, purpose: ProcessingPurpose.Advertising);
        var decision = await _cluster.Client.GetGrain<IUserGrain>(user).DecideAsync(e);
        return decision.Assessment!;
    }

    /// <summary>Waits until every silo judges with <paramref name="version"/>; returns how long it took.</summary>
    private async Task<TimeSpan> WaitForEverySiloAsync(int version)
    {
        var clock = Stopwatch.StartNew();
        foreach (var silo in _cluster.Silos)
        {
            var cache = _cluster.GetSiloServiceProvider(silo.SiloAddress).GetRequiredService<PolicyCache>();
            await Eventually.WaitAsync(() => Task.FromResult(cache.Current.Version), v => v == version,
                $"silo {silo.SiloAddress} to judge with policy v{version}", TimeSpan.FromSeconds(5));
        }

        return clock.Elapsed;
    }

    [Test]
    public async Task TheRegistry_IsSeededFromTheConfiguration_AsActiveVersion1()
    {
        var first = await DecideExportAsync();
        var versions = await Registry.ListAsync();
        var v1 = versions.Single(v => v.Version == 1);
        var firstActivation = (await Registry.GetActivationsAsync())[^1];
        var document = PolicyJson.Read((await Registry.GetAsync(1))!.Document);

        Assert.Multiple(() =>
        {
            Assert.That(first.PolicyVersion, Is.Not.Null);
            Assert.That((v1.CreatedBy, v1.BasedOn), Is.EqualTo(("configuration", (int?)null)));
            Assert.That((firstActivation.Version, firstActivation.Previous, firstActivation.By), Is.EqualTo((1, (int?)null, "configuration")));
            Assert.That(document.Scoring.EuNoConsentPoints, Is.EqualTo(5.0));
            Assert.That(document.RegulationPack, Is.EqualTo(TestPolicies.Pack.Version));
        });
    }

    [Test]
    public async Task Activation_ReachesEverySiloWithinFiveSeconds_AndActivatingTheOlderVersionRollsBack()
    {
        var before = await DecideExportAsync();
        var created = await Registry.CreateAsync(PolicyDecisionTests.Stricter, "alice");
        Assert.That(created.Errors, Is.Empty);
        var draft = created.Created!;
        var notYet = await DecideExportAsync();

        var activation = await Registry.ActivateAsync(draft.Version, "alice");
        var reached = await WaitForEverySiloAsync(draft.Version);
        var strict = await DecideExportAsync();

        var rollback = await Registry.ActivateAsync(before.PolicyVersion!.Value, "bob");
        await WaitForEverySiloAsync(before.PolicyVersion.Value);
        var rolledBack = await DecideExportAsync();
        var activations = await Registry.GetActivationsAsync();
        var list = await Registry.ListAsync();

        Assert.Multiple(() =>
        {
            Assert.That((draft.Status, draft.BasedOn, draft.CreatedBy), Is.EqualTo((PolicyStatus.Draft, before.PolicyVersion, "alice")));
            Assert.That((notYet.PolicyVersion, notYet.Action), Is.EqualTo((before.PolicyVersion, RiskAction.Allow)), "a draft judges nothing");
            Assert.That(reached, Is.LessThanOrEqualTo(TimeSpan.FromSeconds(5)));
            Assert.That((activation!.Version, activation.Previous, activation.By), Is.EqualTo((draft.Version, before.PolicyVersion, "alice")));
            Assert.That((strict.PolicyVersion, strict.RiskScore, strict.Action, strict.DecisionRule),
                Is.EqualTo((draft.Version, 7.0, RiskAction.Block, "block-consentless-export")));
            Assert.That((rollback!.Version, rollback.Previous, rollback.By), Is.EqualTo((before.PolicyVersion, draft.Version, "bob")));
            Assert.That((rolledBack.PolicyVersion, rolledBack.RiskScore, rolledBack.Action, rolledBack.DecisionRule),
                Is.EqualTo((before.PolicyVersion, 5.0, RiskAction.Allow, (string?)null)));
            Assert.That(activations.Take(2).Select(a => (a.Version, a.By)), Is.EqualTo(new[] { (before.PolicyVersion!.Value, "bob"), (draft.Version, "alice") }));
            Assert.That(list.Single(v => v.Version == draft.Version).Status, Is.EqualTo(PolicyStatus.Retired));
        });
    }

    [Test]
    public async Task ARefusedDraft_IsNotStored_AndAnUnknownVersionIsNotActivated()
    {
        await DecideExportAsync();
        var count = (await Registry.ListAsync()).Count;

        var refused = await Registry.CreateAsync("""{"scoring":{"eu_no_consent_points":99}}""", "mallory");
        var unknownBasis = await Registry.CreateAsync("""{"based_on":404}""", "mallory");
        var activation = await Registry.ActivateAsync(999, "mallory");

        Assert.Multiple(async () =>
        {
            Assert.That(refused.Created, Is.Null);
            Assert.That(refused.Errors.Select(e => e.Path), Is.EqualTo(new[] { "$.scoring.eu_no_consent_points" }));
            Assert.That(unknownBasis.Errors.Select(e => (e.Path, e.Reason)), Is.EqualTo(new[] { ("$.based_on", "there is no version 404") }));
            Assert.That(activation, Is.Null);
            Assert.That(await Registry.ListAsync(), Has.Count.EqualTo(count));
        });
    }
}
