using Microsoft.Extensions.Logging.Abstractions;
using Ott.Hosting;

namespace Ott.Tests.Hosting;

public class GatewayFailoverTests
{
    private static GatewayFailover NewFailover() => new(NullLogger<GatewayFailover>.Instance, watching: true);

    [Test]
    public async Task ACallThatAnswers_IsSentOnce()
    {
        var failover = NewFailover();
        var calls = 0;
        var result = await failover.RunAsync(() => { calls++; return Task.FromResult(42); }, "test");
        Assert.That((result, calls), Is.EqualTo((42, 1)));
    }

    [Test]
    public async Task ACallHeldByALostGateway_IsSentAgain_AndTheNewAnswerWins()
    {
        var failover = NewFailover();
        var stuck = new TaskCompletionSource<int>();
        var calls = 0;
        var running = failover.RunAsync(() => ++calls == 1 ? stuck.Task : Task.FromResult(7), "test");
        Assert.That(running.IsCompleted, Is.False, "the first call is pending");

        failover.NotifyGatewayCountChanged(1, 2, connectionRecovered: false);
        var result = await running.WaitAsync(TimeSpan.FromSeconds(10));
        stuck.SetException(new TimeoutException("the dead gateway's call times out later"));

        Assert.That((result, calls), Is.EqualTo((7, 2)));
    }

    [Test]
    public async Task ACallThroughAGatewayThatSurvives_IsNotSentAgain()
    {
        var failover = NewFailover();
        var slow = new TaskCompletionSource<int>();
        var calls = 0;
        var running = failover.RunAsync(() => { calls++; return slow.Task; }, "test");

        failover.NotifyGatewayCountChanged(1, 2, connectionRecovered: false);
        slow.SetResult(3);  // answers within the grace
        var result = await running.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.That((result, calls), Is.EqualTo((3, 1)));
    }

    [Test]
    public async Task AGatewayJoining_ChangesNothing()
    {
        var failover = NewFailover();
        var loss = failover.NextLoss;
        failover.NotifyGatewayCountChanged(2, 1, connectionRecovered: false);
        Assert.That(loss.IsCompleted, Is.False);
        failover.NotifyClusterConnectionLost();
        await loss.WaitAsync(TimeSpan.FromSeconds(1));
    }
}
