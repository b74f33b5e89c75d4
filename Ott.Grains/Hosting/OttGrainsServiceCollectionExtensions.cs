using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Ott.Grains.Aggregation;
using Ott.Grains.Alerts;
using Ott.Grains.Analytics;
using Ott.Grains.Common;
using Ott.Grains.Compliance;
using Ott.Grains.Detection;
using Ott.Grains.Devices;
using Ott.Grains.Geo;
using Ott.Grains.Network;
using Ott.Grains.Policies;
using Ott.Grains.Ingest;
using Ott.Grains.Logs;
using Ott.Grains.Metrics;
using Ott.Grains.Regions;
using Ott.Grains.Scoring;
using Ott.Grains.Segments;
using Ott.Grains.Users;

namespace Ott.Grains.Hosting;

/// <summary>Registers the engines, options and silo-local services the grains depend on.</summary>
public static class OttGrainsServiceCollectionExtensions
{
    /// <summary>
    /// Adds everything a silo needs besides Orleans providers: validated options, engines, the embedded log,
    /// the per-silo aggregate batchers and their flusher, and the replay service.
    /// </summary>
    public static IServiceCollection AddOttGrains(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();

        services.AddValidatedOptions<ScoringOptions>(configuration, ScoringOptions.Section);
        services.AddValidatedOptions<RollingWindowOptions>(configuration, RollingWindowOptions.Section);
        services.AddValidatedOptions<WriteBehindOptions>(configuration, WriteBehindOptions.Section);
        services.AddValidatedOptions<DeviceOptions>(configuration, DeviceOptions.Section);
        services.AddValidatedOptions<AggregationOptions>(configuration, AggregationOptions.Section);
        services.AddValidatedOptions<ReplayOptions>(configuration, ReplayOptions.Section);
        services.AddValidatedOptions<EventLogOptions>(configuration, EventLogOptions.Section);


        services.AddRegulationPack(configuration);
        services.AddSingleton(sp => new ComplianceEngine(sp.GetRequiredService<RegulationPack>(), sp.GetRequiredService<IOptions<ComplianceOptions>>().Value));
        services.AddSingleton(sp => new ComplianceStage(sp.GetRequiredService<ComplianceEngine>(), sp.GetRequiredService<IOptions<ComplianceOptions>>().Value));
        services.TryAddSingleton<ILatencyRecorder, MeterLatencyRecorder>();
        services.AddSingleton<PipelineCounters>();

        services.TryAddSingleton<IOutcomeLog, InMemoryOutcomeLog>();
        services.TryAddSingleton(sp => new InMemoryEventStore(
            sp.GetRequiredService<IOptions<EventLogOptions>>().Value, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<IOutcomeLog>()));
        services.TryAddSingleton<IEventLog>(sp => sp.GetRequiredService<InMemoryEventStore>());
        services.TryAddSingleton<IAssessmentLog>(sp => sp.GetRequiredService<InMemoryEventStore>());
        services.TryAddSingleton<IEventHistory>(sp => sp.GetRequiredService<InMemoryEventStore>());
        services.TryAddSingleton<INetworkLinkLog, InMemoryNetworkLinkLog>();
        services.TryAddSingleton<IPiplPersonLog, InMemoryPiplPersonLog>();

        services.AddValidatedOptions<SegmentOptions>(configuration, SegmentOptions.Section);
        services.AddValidatedOptions<ThresholdOptions>(configuration, ThresholdOptions.Section);
        services.AddValidatedOptions<AlertOptions>(configuration, AlertOptions.Section);
        services.AddSingleton<RegionClock>();
        services.AddValidatedOptions<PolicyOptions>(configuration, PolicyOptions.Section);
        services.AddValidatedOptions<BacktestOptions>(configuration, BacktestOptions.Section);
        services.AddSingleton<PolicyCache>();
        services.AddHostedService(sp => sp.GetRequiredService<PolicyCache>());
        services.AddSingleton<ThresholdInputsCache>();
        services.AddHostedService(sp => sp.GetRequiredService<ThresholdInputsCache>());
        services.AddSingleton<IThresholdInputs>(sp => sp.GetRequiredService<ThresholdInputsCache>());
        services.TryAddSingleton<IAlertStore>(sp => new InMemoryAlertStore(sp.GetRequiredService<IOptions<AlertOptions>>().Value));
        services.AddSingleton<IAlertChannel, LogAlertChannel>();
        services.AddSingleton<AlertDispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<AlertDispatcher>());
        services.AddValidatedOptions<DetectionOptions>(configuration, DetectionOptions.Section);
        services.AddSingleton<ModelCache>();
        services.AddHostedService(sp => sp.GetRequiredService<ModelCache>());
        services.AddValidatedOptions<GeoIpOptions>(configuration, GeoIpOptions.Section);
        services.AddSingleton<GeoStage>();
        services.AddValidatedOptions<RingGraphOptions>(configuration, RingGraphOptions.Section);
        services.AddSingleton<NetworkCache>();
        services.AddHostedService(sp => sp.GetRequiredService<NetworkCache>());
        services.AddSingleton<UserPipeline>();

        services.AddValidatedOptions<MetricsOptions>(configuration, MetricsOptions.Section);
        services.AddSingleton<ClusterGauges>();
        services.AddHostedService(sp => sp.GetRequiredService<ClusterGauges>());

        // Per-event side effects batched per silo: user grains observe in this order; one flusher flushes them all.
        services.AddAggregateBatcher<DeviceBatcher>();
        services.AddAggregateBatcher<RegionBatcher>();
        services.AddAggregateBatcher<AnalyticsDayBatcher>();
        services.AddAggregateBatcher<PiplTransferBatcher>();
        services.AddAggregateBatcher<NetworkBatcher>();
        services.AddAggregateBatcher<FeatureSampleBatcher>();
        services.AddAggregateBatcher<SegmentMoveBatcher>();
        services.AddAggregateBatcher<ShadowBatcher>();
        services.AddSingleton<AggregateFlusher>();
        services.AddHostedService(sp => sp.GetRequiredService<AggregateFlusher>());

        services.AddSingleton<RetentionService>();
        services.AddHostedService(sp => sp.GetRequiredService<RetentionService>());
        services.AddSingleton<ReplayService>();
        services.AddHostedService(sp => sp.GetRequiredService<ReplayService>());
        return services;
    }

    /// <summary>
    /// Adds one per-silo batcher: a single instance that user grains call as an <see cref="IAssessmentObserver"/> for
    /// every assessed event and that <see cref="AggregateFlusher"/> flushes as an <see cref="IAggregateBatcher"/>.
    /// </summary>
    public static IServiceCollection AddAggregateBatcher<T>(this IServiceCollection services)
        where T : class, IAssessmentObserver, IAggregateBatcher
    {
        services.AddSingleton<T>();
        services.AddSingleton<IAssessmentObserver>(sp => sp.GetRequiredService<T>());
        services.AddSingleton<IAggregateBatcher>(sp => sp.GetRequiredService<T>());
        return services;
    }

    /// <summary>
    /// What an API process that is only an Orleans client reads itself (no grains run there): the clock, the
    /// regulation pack, and the options its endpoints show. The logs and alert store come from the SQL storage.
    /// </summary>
    public static IServiceCollection AddOttClientServices(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.AddValidatedOptions<EventLogOptions>(configuration, EventLogOptions.Section);
        services.AddValidatedOptions<SegmentOptions>(configuration, SegmentOptions.Section);
        services.AddValidatedOptions<AlertOptions>(configuration, AlertOptions.Section);
        services.AddRegulationPack(configuration);
        return services;
    }

    /// <summary>
    /// The compliance options and the regulation pack they name, loaded once from the validated options. Start-up
    /// resolves the pack before the host starts (<c>StartupGuard.ValidateOptions</c>), so a bad pack stops it with its
    /// path and reason.
    /// </summary>
    public static IServiceCollection AddRegulationPack(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<ComplianceOptions>(configuration, ComplianceOptions.Section);
        services.TryAddSingleton(sp => RegulationPackLoader.Load(sp.GetRequiredService<IOptions<ComplianceOptions>>().Value.PackPath));
        return services;
    }

    /// <summary>Binds <typeparamref name="T"/> to <paramref name="section"/>, validated by data annotations at start-up.</summary>
    public static OptionsBuilder<T> AddValidatedOptions<T>(this IServiceCollection services, IConfiguration configuration, string section)
        where T : class =>
        services.AddOptions<T>()
            .Bind(configuration.GetSection(section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
}
