using Ott.Grains.Logs;
using Ott.Tests.Support;

namespace Ott.Tests.Engines;

public class InMemoryNetworkLinkLogTests
{
    [Test]
    public Task AppendsInOrder_ReadsBack_AndErasesOneUser() =>
        NetworkLinkLogContract.AppendsInOrder_ReadsBack_AndErasesOneUserAsync(new InMemoryNetworkLinkLog());
}
