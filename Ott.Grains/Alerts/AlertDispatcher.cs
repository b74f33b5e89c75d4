using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Ott.Grains.Interfaces;
using Ott.Grains.Metrics;

namespace Ott.Grains.Alerts;

/// <summary>
/// Silo-local alert pipeline: stores each alert, then delivers it to its channels from a bounded queue with
/// retries and exponential backoff. Raising never waits on a channel, so a slow or dead webhook cannot slow the
/// event pipeline; a full queue marks the delivery <c>failed</c> (counted) instead of blocking.
/// </summary>
public sealed partial class AlertDispatcher : BackgroundService
{
    private readonly IAlertStore _store;
    private readonly AlertOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<AlertDispatcher> _logger;
    private readonly Dictionary<string, IAlertChannel> _channels;
    private readonly Channel<Delivery> _queue;
    private static readonly RiskLevel[] SeverityValues = Enum.GetValues<RiskLevel>();
    private static readonly IReadOnlyList<string> Severities = SeverityValues.Select(l => l.ToString().ToLowerInvariant()).ToArray();
    private static readonly IReadOnlyList<string> Kinds = [.. AlertKinds.All, "other"];
    private static readonly IReadOnlyList<string> Channels = ["log", "webhook", "slack", "email"];
    private static readonly IReadOnlyList<string> DeliveryOutcomes = ["delivered", "retry", "failed", "queue_full"];
    private readonly LabeledCounter _raised;
    private readonly LabeledCounter _deliveries;
    private readonly ConcurrentDictionary<string, (int Count, DateTimeOffset LastSeenAt)> _repeats = new(StringComparer.Ordinal);
    private int _queued;

    public AlertDispatcher(IAlertStore store, IOptions<AlertOptions> options, TimeProvider time, IMeterFactory meters,
        ILoggerFactory loggers, IEnumerable<IAlertChannel> channels)
    {
        _store = store;
        _options = options.Value;
        _time = time;
        _logger = loggers.CreateLogger<AlertDispatcher>();
        _channels = channels.ToDictionary(c => c.Name, StringComparer.Ordinal);
        _queue = Channel.CreateBounded<Delivery>(new BoundedChannelOptions(_options.QueueCapacity) { FullMode = BoundedChannelFullMode.DropWrite });
        var meter = meters.Create(Common.PipelineCounters.MeterName);
        _raised = new LabeledCounter(meter, "alerts.raised", "Alerts raised, by severity and kind",
            ("severity", Severities), ("kind", Kinds));
        _deliveries = new LabeledCounter(meter, "alerts.deliveries", "Alert delivery attempts, by channel and outcome",
            ("channel", Channels), ("outcome", DeliveryOutcomes));
        meter.CreateObservableGauge("alerts.queue_depth", () => Volatile.Read(ref _queued), description: "Alert deliveries waiting");
    }

    /// <summary>Deliveries waiting or being retried now.</summary>
    public int QueueDepth => Volatile.Read(ref _queued);

    /// <summary>Stores a new alert and queues its deliveries; false when an alert with that id exists (idempotent).</summary>
    public async ValueTask<bool> RaiseAsync(Alert alert)
    {
        var deliveries = alert.Channels.ToDictionary(c => c, c => _channels.TryGetValue(c, out var ch) && ch.IsConfigured ? "pending" : "not_configured");
        var stored = alert with { Deliveries = deliveries, LastSeenAt = alert.RaisedAt };
        if (!await _store.AddAsync(stored))
        {
            return false;
        }

        _raised.Add(1, Array.IndexOf(SeverityValues, alert.Severity), IndexOf(Kinds, alert.Kind) is var kind and >= 0 ? kind : Kinds.Count - 1);
        foreach (var (channel, status) in deliveries)
        {
            if (status == "pending")
            {
                await EnqueueAsync(new Delivery(alert.Id, channel, 1, stored));
            }
        }

        return true;
    }

    /// <summary>
    /// Counts a repeat of an open alert (same user and top factor inside the dedupe window). Merged in memory and
    /// written by <see cref="FlushRepeatsAsync"/> every <see cref="AlertOptions.RepeatFlushInterval"/> and at stop, so a
    /// burst of repeats costs one store write per alert, not one per event on the user grain's path.
    /// </summary>
    public ValueTask RepeatAsync(string alertId, int count, DateTimeOffset at)
    {
        MergeRepeat(alertId, count, at);
        return ValueTask.CompletedTask;
    }

    private void MergeRepeat(string alertId, int count, DateTimeOffset at) =>
        _repeats.AddOrUpdate(alertId, (count, at), (_, seen) => (Math.Max(seen.Count, count), seen.LastSeenAt > at ? seen.LastSeenAt : at));

    /// <summary>Writes the gathered repeat counts (the store keeps the highest count and the latest time).</summary>
    public async Task FlushRepeatsAsync(CancellationToken cancellationToken = default)
    {
        foreach (var alertId in _repeats.Keys)
        {
            if (!_repeats.TryRemove(alertId, out var repeat))
            {
                continue;
            }

            try
            {
                await _store.RepeatAsync(alertId, repeat.Count, repeat.LastSeenAt, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Kept for the next flush (merged with any newer repeat): the count is not lost while the store is down.
                MergeRepeat(alertId, repeat.Count, repeat.LastSeenAt);
                LogRepeatFlushFailed(_logger, alertId, ex.Message);
                return;
            }
        }
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, _options.DeliveryWorkers).Select(_ => WorkAsync(stoppingToken)).Append(FlushRepeatsLoopAsync(stoppingToken)));

    private async Task FlushRepeatsLoopAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.RepeatFlushInterval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await FlushRepeatsAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        await FlushRepeatsAsync(CancellationToken.None);
    }

    private async Task WorkAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var delivery in _queue.Reader.ReadAllAsync(stoppingToken))
            {
                await DeliverAsync(delivery, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task DeliverAsync(Delivery delivery, CancellationToken stoppingToken)
    {
        Interlocked.Decrement(ref _queued);
        // The first attempt sends the alert as it was stored a moment ago; a retry reads it again (counts and
        // acknowledgement may have changed, or it may have been erased).
        var alert = delivery.Fresh ?? await _store.GetAsync(delivery.AlertId, stoppingToken);
        if (alert is null)
        {
            return;
        }

        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            timeout.CancelAfter(_options.DeliveryTimeout);
            await _channels[delivery.Channel].DeliverAsync(alert, timeout.Token);
            await _store.SetDeliveryAsync(alert.Id, delivery.Channel, "delivered", stoppingToken);
            Delivered(delivery.Channel, Outcome.Delivered);
        }
        catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
        {
            var final = delivery.Attempt >= _options.MaxAttempts;
            Delivered(delivery.Channel, final ? Outcome.Failed : Outcome.Retry);
            await _store.SetDeliveryAsync(alert.Id, delivery.Channel, final ? "failed" : "retrying", stoppingToken);
            LogDeliveryFailed(_logger, delivery.Channel, delivery.Attempt, final, ex.Message);
            if (!final)
            {
                _ = RetryLaterAsync(delivery with { Attempt = delivery.Attempt + 1, Fresh = null }, stoppingToken);
            }
        }
    }

    /// <summary>Waits out the backoff off the workers, then queues the next attempt.</summary>
    private async Task RetryLaterAsync(Delivery next, CancellationToken stoppingToken)
    {
        Interlocked.Increment(ref _queued);
        try
        {
            var backoff = TimeSpan.FromTicks(Math.Min(_options.MaxBackoff.Ticks, _options.InitialBackoff.Ticks * (1L << Math.Min(20, next.Attempt - 2))));
            // The wait is the backoff itself: nothing to poll, the next attempt is due after it.
            await Task.Delay(backoff, _time, stoppingToken);
            Interlocked.Decrement(ref _queued);
            await EnqueueAsync(next);
        }
        catch (OperationCanceledException)
        {
            Interlocked.Decrement(ref _queued);
        }
    }

    private async ValueTask EnqueueAsync(Delivery delivery)
    {
        if (_queue.Writer.TryWrite(delivery))
        {
            Interlocked.Increment(ref _queued);
            return;
        }

        Delivered(delivery.Channel, Outcome.QueueFull);
        await _store.SetDeliveryAsync(delivery.AlertId, delivery.Channel, "failed");
        LogQueueFull(_logger, delivery.Channel);
    }

    private enum Outcome
    {
        Delivered,
        Retry,
        Failed,
        QueueFull,
    }

    private void Delivered(string channel, Outcome outcome)
    {
        // Channel names are validated against the known set at start (SegmentOptions); one never seen is not counted.
        if (IndexOf(Channels, channel) is var index and >= 0)
        {
            _deliveries.Add(1, index, (int)outcome);
        }
    }

    private static int IndexOf(IReadOnlyList<string> values, string value)
    {
        for (var i = 0; i < values.Count; i++)
        {
            if (string.Equals(values[i], value, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>One channel's delivery of an alert; <paramref name="Fresh"/> is the alert as just stored (first attempt only).</summary>
    private readonly record struct Delivery(string AlertId, string Channel, int Attempt, Alert? Fresh = null);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alert delivery on {Channel} failed (attempt {Attempt}, final {Final}): {Reason}")]
    private static partial void LogDeliveryFailed(ILogger logger, string channel, int attempt, bool final, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Writing the repeat count of alert {AlertId} failed, kept for the next flush: {Reason}")]
    private static partial void LogRepeatFlushFailed(ILogger logger, string alertId, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Alert delivery queue is full; a delivery on {Channel} was marked failed")]
    private static partial void LogQueueFull(ILogger logger, string channel);
}
