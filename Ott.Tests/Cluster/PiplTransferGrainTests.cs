using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Ott.Grains.Common;
using Ott.Grains.Compliance;
using Ott.Grains.Interfaces;
using Ott.Grains.Logs;
using static Ott.Tests.Support.TestEvents;

namespace Ott.Tests.Cluster;

public class PiplTransferGrainTests
{
    private static IClusterClient Client => ClusterFixture.Cluster.Client;

    [Test]
    public async Task Persons_SurviveDeactivation_FromThePersonLog_AndTheStateCarriesNone()
    {
        var key = $"2026:CN-{NewId("R")}";
        var route = Client.GetGrain<IPiplTransferGrain>(key);
        await route.RecordAsync([new PiplPerson(1, false), new PiplPerson(2, true), new PiplPerson(3, false)]);
        await route.RecordAsync([new PiplPerson(1, false), new PiplPerson(2, true)]);

        await Client.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);

        var services = ClusterFixture.Cluster.GetSiloServiceProvider();
        var stored = new GrainState<PiplTransferState>(new PiplTransferState());
        await services.GetRequiredKeyedService<IGrainStorage>(StorageNames.Grains).ReadStateAsync("pipl", route.GetGrainId(), stored);
        var logged = await services.GetRequiredService<IPiplPersonLog>().ReadAsync(key).ToListAsync();
        var view = await route.GetAsync();

        Assert.Multiple(() =>
        {
            Assert.That(stored.RecordExists, Is.True, "deactivation wrote the state");
            Assert.That(stored.State!.Persons, Is.Empty, "persons live in the log, not in the state");
            Assert.That(stored.State.SensitivePersons, Is.Empty);
            Assert.That(logged, Is.EquivalentTo(new PiplPersonRecord[] { new(1, false), new(2, false), new(2, true), new(3, false) }));
            Assert.That((view.Persons, view.SensitivePersons), Is.EqualTo((3, 1)), "counted again from the log, repeats once");
        });
    }

    [Test]
    public async Task StateWrittenBeforeThePersonLog_HasItsPersonsMovedToTheLog()
    {
        var key = $"2026:CN-{NewId("L")}";
        var route = Client.GetGrain<IPiplTransferGrain>(key);
        var storage = ClusterFixture.Cluster.GetSiloServiceProvider().GetRequiredKeyedService<IGrainStorage>(StorageNames.Grains);
        await storage.WriteStateAsync("pipl", route.GetGrainId(), new GrainState<PiplTransferState>(new PiplTransferState
        {
            Persons = [10, 11],
            SensitivePersons = [11],
        }));

        var first = await route.GetAsync();
        await Client.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        var stored = new GrainState<PiplTransferState>(new PiplTransferState());
        await storage.ReadStateAsync("pipl", route.GetGrainId(), stored);
        var logged = await ClusterFixture.Cluster.GetSiloServiceProvider().GetRequiredService<IPiplPersonLog>().ReadAsync(key).ToListAsync();

        Assert.Multiple(() =>
        {
            Assert.That((first.Persons, first.SensitivePersons), Is.EqualTo((2, 1)));
            Assert.That(stored.State!.Persons, Is.Empty, "moved out of the state");
            Assert.That(logged, Is.EquivalentTo(new PiplPersonRecord[] { new(10, false), new(11, false), new(11, true) }));
        });
    }
}
