using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Ott.Grains.Common;
using Ott.Grains.Interfaces;
using Ott.Grains.Logs;

namespace Ott.Grains.Metrics;

/// <summary>
/// Cluster-wide gauges on the <c>Ott.Pipeline</c> meter: events pending in the log, fraud rings and graph size,
/// model versions and their last measured quality. Their sources are grain calls and database queries, which a
/// gauge callback must not make, so this service reads them every <see cref="MetricsOptions.GaugeInterval"/> and
/// the gauges report the last reading. Every silo reports the same cluster-wide values: aggregate with max().
/// </summary>
public sealed partial class ClusterGauges : BackgroundService
{
    private readonly IEventLog _log;
    private readonly IGrainFactory _grains;
    private readonly IOptions<MetricsOptions> _options;
    private readonly ILogger<ClusterGauges> _logger;
    private volatile Reading _last = new(null, null, null);

    // PipelineCounters is taken so the pipeline's instruments exist from start-up: an instrument created on first
    // use can miss its first measurements while the exporter attaches.
    public ClusterGauges(IEventLog log, IGrainFactory grains, IMeterFactory meters, IOptions<MetricsOptions> options, ILogger<ClusterGauges> logger,
        PipelineCounters counters)
    {
        ArgumentNullException.ThrowIfNull(counters);
        (_log, _grains, _options, _logger) = (log, grains, options, logger);
        var meter = meters.Create(PipelineCounters.MeterName);
        // Every gauge is exported from start: counts read 0 until the first reading (nothing pending, no ring, no
        // model yet is what a new silo knows), model versions 0 until a model is trained, and quality figures NaN
        // (not measured: a 0 would read as a measured F1 of zero).
        meter.CreateObservableGauge("events.pending", () => new Measurement<long>(_last.Log?.Pending ?? 0),
            description: "Events logged and not yet assessed (the queue depth)");
        meter.CreateObservableGauge("network.fraud_rings", () => new Measurement<long>(_last.Network?.Rings ?? 0), description: "Fraud rings in the identifier graph");
        meter.CreateObservableGauge("network.users", () => new Measurement<long>(_last.Network?.Users ?? 0), description: "Users in the identifier graph");
        meter.CreateObservableGauge("models.version", ModelVersions, description: "Version of each model in use (0 before the first training)");
        meter.CreateObservableGauge("models.f1", () => Quality(q => q.F1), description: "F1 of each detector on the last held-out measurement (NaN before one)");
        meter.CreateObservableGauge("models.roc_auc", () => Quality(q => q.RocAuc), description: "ROC AUC of each detector on the last held-out measurement (NaN before one)");
    }

    /// <summary>Reads every source once (tests call it to avoid waiting for the interval).</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken = default)
    {
        var log = await Try(() => _log.GetEventStatsAsync(cancellationToken).AsTask());
        var network = await Try(() => _grains.GetGrain<INetworkGrain>(0).GetStatsAsync());
        var models = await Try(() => _grains.GetGrain<IModelGrain>(0).GetInfoAsync());
        _last = new Reading(log, network, models);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.Value.GaugeInterval);
        try
        {
            // First reading after one interval: at start-up the silo is not yet accepting grain calls.
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await RefreshAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private IEnumerable<Measurement<long>> ModelVersions()
    {
        var info = _last.Models;
        yield return new Measurement<long>(info?.AnomalyVersion ?? 0, new KeyValuePair<string, object?>("model", "anomaly_ensemble"));
        yield return new Measurement<long>(info?.ViolationVersion ?? 0, new KeyValuePair<string, object?>("model", "violation"));
    }

    private IEnumerable<Measurement<double>> Quality(Func<QualityFigures, double?> figure)
    {
        var measured = (_last.Models?.LastQuality?.Detectors ?? []).ToDictionary(d => d.Detector, d => figure(d) ?? double.NaN, StringComparer.Ordinal);
        foreach (var detector in Detection.QualityEvaluator.Detectors.Union(measured.Keys, StringComparer.Ordinal))
        {
            yield return new Measurement<double>(measured.GetValueOrDefault(detector, double.NaN), new KeyValuePair<string, object?>("detector", detector));
        }
    }

    private async Task<T?> Try<T>(Func<Task<T>> read)
        where T : class
    {
        try
        {
            return await read();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogReadFailed(_logger, ex);
            return null;
        }
    }

    private sealed record Reading(EventLogStats? Log, NetworkStats? Network, ModelsInfo? Models);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A cluster gauge could not be read; it keeps its last value")]
    private static partial void LogReadFailed(ILogger logger, Exception exception);
}
