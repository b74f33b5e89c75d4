using System.Runtime.ExceptionServices;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Runtime.Messaging;

namespace Ott.Hosting;

/// <summary>
/// Retries a grain call that failed because its silo died and the cluster has not yet declared it dead (the window
/// docs/orleans.md gives: 11-14 s with default membership timings): the call is sent again, with back-off, for up
/// to <see cref="Budget"/>, after which the failure surfaces (the API answers 503). Only calls to the product's own
/// grain interfaces made outside a grain (HTTP requests, hosted services) are retried, and none once the process is
/// stopping; a grain retrying inside its turn would stall its own queue. Orleans' own calls (grain directory lookups,
/// stream deliveries, system targets) are never retried here: a directory lookup addressed to the dead silo's
/// partition would be re-sent to that same dead address for the whole budget, holding up every activation behind it,
/// while Orleans re-routes it to the new owner as soon as the silo is declared dead (docs/reliability.md).
/// Retrying is safe here because every product grain call is idempotent by design (events by event_id, state
/// changes by key), which is the condition the Orleans team sets for infrastructure retries.
/// A response timeout is retried only by an API client (a separate process), where it is how a request a dead gateway
/// held shows itself. In a silo (co-hosted API, hosted services) a timeout means overload, not a lost silo (its own
/// outstanding calls fail as soon as a silo is declared dead), and the request object of an in-process call is shared
/// with the callee, which may still be about to run it: sending it again after Orleans released it delivered empty
/// arguments (seen under overload in the million-event run, docs/performance.md).
/// </summary>
public sealed partial class SiloUnavailableRetryFilter(IHostApplicationLifetime lifetime, IServiceProvider services, ILogger<SiloUnavailableRetryFilter> logger)
    : IOutgoingGrainCallFilter
{
    private readonly bool _retryTimeouts = services.GetService(typeof(ILocalSiloDetails)) is null;

    /// <summary>Longest time a call is retried.</summary>
    public static readonly TimeSpan Budget = TimeSpan.FromSeconds(45);

    public async Task Invoke(IOutgoingGrainCallContext context)
    {
        if (context.SourceContext is not null || context.InterfaceMethod?.DeclaringType is not { } declaring || !IsProductInterface(declaring))
        {
            await context.Invoke();
            return;
        }

        var started = TimeProvider.System.GetTimestamp();
        var delay = TimeSpan.FromMilliseconds(250);
        for (var attempt = 1; ; attempt++)
        {
            ExceptionDispatchInfo? thrown = null;
            Exception? failure;
            try
            {
                await context.Invoke();
                failure = context.Response?.Exception;
            }
            catch (Exception ex)
            {
                thrown = ExceptionDispatchInfo.Capture(ex);
                failure = ex;
            }

            // A process that is stopping does not retry: its own silo or gateways are going away, and retries would
            // hold up the shutdown.
            if (failure is null || !IsSiloUnavailable(failure) || (!_retryTimeouts && IsTimeout(failure))
                || TimeProvider.System.GetElapsedTime(started) + delay > Budget
                || lifetime.ApplicationStopping.IsCancellationRequested)
            {
                thrown?.Throw();
                return;
            }

            LogRetry(logger, context.InterfaceName, context.MethodName, attempt, failure.GetType().Name, delay.TotalMilliseconds);
            // Backoff between attempts while the membership declares the dead silo (nothing to poll: the next attempt is the probe).
            await Task.Delay(delay);
            delay = TimeSpan.FromMilliseconds(Math.Min(2_000, delay.TotalMilliseconds * 2));
        }
    }

    private static bool IsTimeout(Exception exception) =>
        exception is TimeoutException || exception is AggregateException { InnerExceptions: [TimeoutException] };

    /// <summary>True for the product's grain interfaces (Ott.Grains.Interfaces), the only calls this filter retries.</summary>
    public static bool IsProductInterface(Type interfaceType) => interfaceType.Assembly == typeof(Ott.Grains.Interfaces.IIngestGrain).Assembly;

    /// <summary>
    /// The failures of a silo that is gone or unreachable (as opposed to an error the grain raised). A response timeout
    /// counts: a request the silo received before it died is never answered, and the caller only learns it by the
    /// timeout (the ingest call's is 10 s, <see cref="Ott.Grains.Interfaces.IIngestGrain"/>).
    /// </summary>
    public static bool IsSiloUnavailable(Exception exception) => exception switch
    {
        SiloUnavailableException or OrleansMessageRejectionException or ConnectionFailedException or TimeoutException => true,
        OrleansException { Message: var m } when m.Contains("not stable", StringComparison.OrdinalIgnoreCase) => true,
        AggregateException { InnerExceptions: [var inner] } => IsSiloUnavailable(inner),
        _ => false,
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Interface}.{Method} failed (attempt {Attempt}, {Failure}): a silo is unavailable; retrying in {Delay} ms")]
    private static partial void LogRetry(ILogger logger, string @interface, string method, int attempt, string failure, double delay);
}
