using Microsoft.Extensions.Logging;

namespace Ott.Hosting;

/// <summary>
/// Takes the API client's calls off a gateway that died with them. A silo killed with a request of ours in its hands
/// never answers it, and Orleans' client waits the call's response timeout (10 s for ingest) before it gives up; but
/// the client knows at once that the gateway's connection closed. When that happens while an idempotent call is
/// pending, the call is given <see cref="Grace"/> to answer (one through a surviving gateway does, in milliseconds)
/// and is otherwise sent again, through the gateways left. The events of an ingest or decision call are
/// deduplicated by event_id in the log, so a call sent twice logs them once; the events the first call had already
/// logged are answered <c>duplicate</c> by the second. Registered as Orleans' <see cref="IClusterConnectionStatusObserver"/>
/// in client mode (docs/reliability.md); in a co-hosted silo there is no gateway and calls run as they are.
/// </summary>
/// <param name="logger">Where resends are logged.</param>
/// <param name="watching">True in client mode, where gateways exist; false makes <see cref="RunAsync{T}"/> a plain call.</param>
public sealed partial class GatewayFailover(ILogger<GatewayFailover> logger, bool watching) : IClusterConnectionStatusObserver
{
    /// <summary>How long a pending call may still answer after a gateway connection closed, before it is sent again.</summary>
    public static readonly TimeSpan Grace = TimeSpan.FromMilliseconds(500);

    /// <summary>Most times one call is sent again.</summary>
    public const int MaxResends = 3;

    private TaskCompletionSource _lost = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes at the next closing of a gateway connection.</summary>
    public Task NextLoss => Volatile.Read(ref _lost).Task;

    public void NotifyGatewayCountChanged(int currentNumberOfGateways, int previousNumberOfGateways, bool connectionRecovered)
    {
        if (currentNumberOfGateways < previousNumberOfGateways)
        {
            Lost();
        }
    }

    public void NotifyClusterConnectionLost() => Lost();

    /// <summary>
    /// Runs an idempotent <paramref name="call"/>; when a gateway connection closes while it is pending and it does
    /// not answer within <see cref="Grace"/>, sends it again (at most <see cref="MaxResends"/> times) and answers with
    /// the new call. The abandoned call is left to end by itself; its failure is observed here, not thrown.
    /// </summary>
    public Task<T> RunAsync<T>(Func<Task<T>> call, string what) => watching ? RunWatchedAsync(call, what) : call();

    private async Task<T> RunWatchedAsync<T>(Func<Task<T>> call, string what)
    {
        for (var resend = 0; ; resend++)
        {
            var lost = NextLoss;
            var pending = call();
            if (resend >= MaxResends || await Task.WhenAny(pending, lost) == pending)
            {
                return await pending;
            }

            // A gateway went away; if this call went through another one it answers now.
            if (await Task.WhenAny(pending, Task.Delay(Grace)) == pending)
            {
                return await pending;
            }

            _ = pending.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            LogResent(logger, what, resend + 1);
        }
    }

    private void Lost()
    {
        var previous = Interlocked.Exchange(ref _lost, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        previous.TrySetResult();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A gateway connection closed while {Call} was pending; sent it again (resend {Resend})")]
    private static partial void LogResent(ILogger logger, string call, int resend);
}
