using Ott.Grains.Logs;
using Ott.Tests.Support;

namespace Ott.Tests.Engines;

public class InMemoryLogTests
{
    [Test]
    public Task AppendsInOrder_ReadsBack_AndErasesOneUser() =>
        NetworkLinkLogContract.AppendsInOrder_ReadsBack_AndErasesOneUserAsync(new InMemoryNetworkLinkLog());

    [Test]
    public Task PiplPersonLog_KeepsEachRecordOncePerRoute_AndRoutesApart() =>
        PiplPersonLogContract.KeepsEachRecordOncePerRoute_AndRoutesApartAsync(new InMemoryPiplPersonLog());
}
