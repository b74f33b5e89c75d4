using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Ott.Grains.Analytics;
using Ott.Grains.Compliance;
using Ott.Grains.Interfaces;

namespace Ott.Grains.Aggregation;

/// <summary>How often per-silo aggregates are flushed to the shared grains (configuration section <c>Ott:Aggregation</c>).</summary>
public sealed class AggregationOptions
{
    public const string Section = "Ott:Aggregation";

    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Grain calls in flight at once during a flush.</summary>
    [Range(1, 1024)]
    public int MaxConcurrentCalls { get; set; } = 64;

    /// <summary>Feature vectors per flush sent to the model grain (a uniform sample of the events seen).</summary>
    [Range(1, 100_000)]
    public int FeatureSamplesPerFlush { get; set; } = 500;
}

/// <summary>
/// Pre-aggregates, per silo, what user grains observe for devices and regions, and flushes it to the device and
/// region grains about once a second: one call per active device or region per interval instead of one per event
/// (docs/architecture.md, "Invariants": no hot grain). A failed flush keeps its data for the next one.
/// </summary>
public sealed partial class SiloAggregator(
    IGrainFactory grains,
    IOptions<AggregationOptions> options,
    ILogger<SiloAggregator> logger) : BackgroundService
{
    private readonly Lock _lock = new();
    private readonly SemaphoreSlim _flushing = new(1, 1);
    private Dictionary<string, Dictionary<(string User, string Ip), DeviceUsage>> _devices = new(StringComparer.Ordinal);
    private Dictionary<string, RegionAccumulator> _regions = new(StringComparer.Ordinal);
    private Dictionary<string, List<PiplPerson>> _pipl = new(StringComparer.Ordinal);
    private Dictionary<string, long> _segments = new(StringComparer.Ordinal);
    private Dictionary<DateOnly, AnalyticsCounts> _analytics = [];
    private readonly Random _sampling = new(7);
    private List<NetworkLink> _links = [];
    private List<string> _flags = [];

    /// <summary>Records a link new to its user (rare: once per user and identifier).</summary>
    public void ObserveLink(NetworkLink link)
    {
        lock (_lock)
        {
            _links.Add(link);
        }
    }

    /// <summary>Records a user to flag in the network graph (once per user, after a critical assessment).</summary>
    public void ObserveFlag(string userId)
    {
        lock (_lock)
        {
            _flags.Add(userId);
        }
    }
    private List<double[]> _features = [];
    private long _featuresSeen;

    /// <summary>
    /// Offers one event's feature vector for model training: a uniform sample of at most
    /// <see cref="AggregationOptions.FeatureSamplesPerFlush"/> per flush is kept (reservoir), with the count seen.
    /// </summary>
    public void ObserveFeatures(double[] features)
    {
        lock (_lock)
        {
            _featuresSeen++;
            var cap = options.Value.FeatureSamplesPerFlush;
            if (_features.Count < cap)
            {
                _features.Add(features);
            }
            else if (_sampling.NextInt64(_featuresSeen) is var slot && slot < cap)
            {
                _features[(int)slot] = features;
            }
        }
    }

    /// <summary>Records a user moving between segments (<paramref name="from"/> null for a new user).</summary>
    public void ObserveSegmentMove(string? from, string to)
    {
        lock (_lock)
        {
            if (from is not null)
            {
                _segments[from] = _segments.GetValueOrDefault(from) - 1;
            }

            _segments[to] = _segments.GetValueOrDefault(to) + 1;
        }
    }

    /// <summary>Records a person new to a PIPL transfer route this year (rare: once per person, route and year).</summary>
    public void ObservePiplTransfer(PiplTransfer transfer)
    {
        lock (_lock)
        {
            var key = $"{transfer.Year}:{transfer.Route}";
            if (!_pipl.TryGetValue(key, out var persons))
            {
                _pipl[key] = persons = [];
            }

            persons.Add(transfer.Person);
        }
    }

    /// <summary>Records one assessed event. Called from user grains; never blocks on I/O.</summary>
    public void Observe(OttEvent e, Assessment assessment)
    {
        lock (_lock)
        {
            if (!_devices.TryGetValue(e.DeviceId, out var usage))
            {
                _devices[e.DeviceId] = usage = [];
            }

            var key = (e.UserId, e.IpAddress);
            usage[key] = usage.TryGetValue(key, out var known)
                ? known with
                {
                    Events = known.Events + 1,
                    FirstSeen = e.Timestamp < known.FirstSeen ? e.Timestamp : known.FirstSeen,
                    LastSeen = e.Timestamp > known.LastSeen ? e.Timestamp : known.LastSeen,
                }
                : new DeviceUsage(e.UserId, e.IpAddress, 1, e.Timestamp, e.Timestamp);

            if (!_regions.TryGetValue(e.Region, out var region))
            {
                _regions[e.Region] = region = new RegionAccumulator();
            }

            region.Add(e, assessment);

            var day = AnalyticsTally.DayOf(assessment);
            if (!_analytics.TryGetValue(day, out var counts))
            {
                _analytics[day] = counts = new AnalyticsCounts();
            }

            AnalyticsTally.Add(counts, assessment);
        }
    }

    /// <summary>Sends everything accumulated so far to the grains now.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        await _flushing.WaitAsync(cancellationToken);
        try
        {
            Dictionary<string, Dictionary<(string, string), DeviceUsage>> devices;
            Dictionary<string, RegionAccumulator> regions;
            Dictionary<string, List<PiplPerson>> pipl;
            Dictionary<string, long> segments;
            Dictionary<DateOnly, AnalyticsCounts> analytics;
            List<double[]> features;
            long featuresSeen;
            List<NetworkLink> links;
            List<string> flags;
            lock (_lock)
            {
                (links, _links, flags, _flags) = (_links, [], _flags, []);
                (features, _features, featuresSeen, _featuresSeen) = (_features, [], _featuresSeen, 0);
                (segments, _segments) = (_segments, new(StringComparer.Ordinal));
                (analytics, _analytics) = (_analytics, []);
                (devices, _devices) = (_devices, new(StringComparer.Ordinal));
                (regions, _regions) = (_regions, new(StringComparer.Ordinal));
                (pipl, _pipl) = (_pipl, new(StringComparer.Ordinal));
            }

            using var throttle = new SemaphoreSlim(options.Value.MaxConcurrentCalls);
            var calls = new List<Task>(devices.Count + regions.Count);
            foreach (var (deviceId, usage) in devices)
            {
                var list = usage.Values.ToList();
                calls.Add(CallAsync(throttle, () => grains.GetGrain<IDeviceGrain>(deviceId).RecordAsync(list),
                    () => Restore(deviceId, list)));
            }

            foreach (var (code, accumulator) in regions)
            {
                var delta = accumulator.ToDelta();
                calls.Add(CallAsync(throttle, () => grains.GetGrain<IRegionGrain>(code).RecordAsync(delta),
                    () => Restore(code, accumulator)));
            }

            foreach (var (day, counts) in analytics)
            {
                calls.Add(CallAsync(throttle, () => grains.GetGrain<IAnalyticsDayGrain>(AnalyticsTally.Key(day)).RecordAsync(counts),
                    () => { lock (_lock) { AnalyticsTally.Merge(_analytics.TryGetValue(day, out var c) ? c : _analytics[day] = new(), counts); } }));
            }

            foreach (var (key, persons) in pipl)
            {
                calls.Add(CallAsync(throttle, () => grains.GetGrain<IPiplTransferGrain>(key).RecordAsync(persons),
                    () => { lock (_lock) { (_pipl.TryGetValue(key, out var l) ? l : _pipl[key] = []).AddRange(persons); } }));
            }

            if (links.Count > 0 || flags.Count > 0)
            {
                calls.Add(CallAsync(throttle, () => grains.GetGrain<INetworkGrain>(0).AddAsync(links, flags),
                    () => { lock (_lock) { _links.AddRange(links); _flags.AddRange(flags); } }));
            }

            if (features.Count > 0)
            {
                var width = features[0].Length;
                var batch = new FeatureSamples(width, features.SelectMany(f => f).ToArray(), featuresSeen);
                // A failed sample flush is dropped, not restored: it is a statistical sample, the next one replaces it.
                calls.Add(CallAsync(throttle, () => grains.GetGrain<IModelGrain>(0).AddSamplesAsync(batch), () => { }));
            }

            if (segments.Count > 0)
            {
                calls.Add(CallAsync(throttle, () => grains.GetGrain<ISegmentStatsGrain>(0).RecordAsync(segments),
                    () => { lock (_lock) { foreach (var (k, v) in segments) { _segments[k] = _segments.GetValueOrDefault(k) + v; } } }));
            }

            await Task.WhenAll(calls);
        }
        finally
        {
            _flushing.Release();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.FlushInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await FlushAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            // Last flush so a graceful shutdown loses nothing that was observed.
            await FlushAsync(cancellationToken);
        }
        catch (Exception ex)
        {
            LogFinalFlushFailed(logger, ex);
        }
    }

    private async Task CallAsync(SemaphoreSlim throttle, Func<Task> call, Action restore)
    {
        await throttle.WaitAsync();
        try
        {
            await call();
        }
        catch (Exception ex)
        {
            LogFlushFailed(logger, ex);
            restore();
        }
        finally
        {
            throttle.Release();
        }
    }

    private void Restore(string deviceId, List<DeviceUsage> usage)
    {
        lock (_lock)
        {
            if (!_devices.TryGetValue(deviceId, out var current))
            {
                _devices[deviceId] = current = [];
            }

            foreach (var u in usage)
            {
                var key = (u.UserId, u.IpAddress);
                current[key] = current.TryGetValue(key, out var known)
                    ? known with
                    {
                        Events = known.Events + u.Events,
                        FirstSeen = u.FirstSeen < known.FirstSeen ? u.FirstSeen : known.FirstSeen,
                        LastSeen = u.LastSeen > known.LastSeen ? u.LastSeen : known.LastSeen,
                    }
                    : u;
            }
        }
    }

    private void Restore(string code, RegionAccumulator accumulator)
    {
        lock (_lock)
        {
            if (_regions.TryGetValue(code, out var current))
            {
                current.Merge(accumulator);
            }
            else
            {
                _regions[code] = accumulator;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Flushing aggregates to a grain failed; they are kept for the next flush")]
    private static partial void LogFlushFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "The final flush of aggregates at shutdown failed")]
    private static partial void LogFinalFlushFailed(ILogger logger, Exception exception);

    /// <summary>Counts for one region between two flushes.</summary>
    private sealed class RegionAccumulator
    {
        private readonly Dictionary<EventType, long> _byType = [];
        private readonly Dictionary<RiskLevel, long> _byLevel = [];
        private readonly Dictionary<DateOnly, (long Events, long High, long Violations)> _days = [];
        private DateTimeOffset _last = DateTimeOffset.MinValue;

        public void Add(OttEvent e, Assessment assessment)
        {
            _byType[e.Type] = _byType.GetValueOrDefault(e.Type) + 1;
            _byLevel[assessment.RiskLevel] = _byLevel.GetValueOrDefault(assessment.RiskLevel) + 1;
            var date = DateOnly.FromDateTime(e.Timestamp.UtcDateTime);
            var day = _days.GetValueOrDefault(date);
            var high = assessment.RiskLevel >= RiskLevel.High ? 1 : 0;
            var violations = assessment.Compliance?.Violations.Count ?? 0;
            _days[date] = (day.Events + 1, day.High + high, day.Violations + violations);
            if (e.Timestamp > _last)
            {
                _last = e.Timestamp;
            }
        }

        public void Merge(RegionAccumulator other)
        {
            foreach (var (type, count) in other._byType)
            {
                _byType[type] = _byType.GetValueOrDefault(type) + count;
            }

            foreach (var (level, count) in other._byLevel)
            {
                _byLevel[level] = _byLevel.GetValueOrDefault(level) + count;
            }

            foreach (var (date, counts) in other._days)
            {
                var day = _days.GetValueOrDefault(date);
                _days[date] = (day.Events + counts.Events, day.High + counts.High, day.Violations + counts.Violations);
            }

            if (other._last > _last)
            {
                _last = other._last;
            }
        }

        public RegionDelta ToDelta() => new(
            new Dictionary<EventType, long>(_byType),
            new Dictionary<RiskLevel, long>(_byLevel),
            _days.OrderBy(d => d.Key).Select(d => new RegionDayCounts(d.Key, d.Value.Events, d.Value.High, d.Value.Violations)).ToList(),
            _last);
    }
}
