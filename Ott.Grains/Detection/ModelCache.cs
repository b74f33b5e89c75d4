using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Ott.Grains.Common;
using Ott.Grains.Interfaces;

namespace Ott.Grains.Detection;

/// <summary>
/// The models of this silo: loaded from the model grain when its versions change (checked every
/// <see cref="DetectionOptions.CacheRefresh"/>), then used by every user grain here without a grain call.
/// </summary>
public sealed partial class ModelCache(IGrainFactory grains, IOptions<DetectionOptions> options, ILogger<ModelCache> logger) : BackgroundService
{
    private volatile AnomalyEnsemble? _anomaly;
    private volatile ViolationModel? _violation;

    public AnomalyEnsemble? Anomaly => _anomaly;

    public ViolationModel? Violation => _violation;

    /// <summary>Loads the current models if their versions differ from this silo's; returns the versions held.</summary>
    public async Task<(int? Anomaly, int? Violation)> RefreshAsync()
    {
        var model = grains.GetGrain<IModelGrain>(0);
        var (anomaly, violation) = await model.GetVersionsAsync();
        if (anomaly != _anomaly?.Version || violation != _violation?.Version)
        {
            var blobs = await model.GetModelsAsync();
            if (blobs.Anomaly is { } a && blobs.AnomalyVersion != _anomaly?.Version)
            {
                _anomaly = AnomalyEnsemble.Import(ModelCodec.ReadEnsemble(a));
                LogLoaded(logger, "anomaly ensemble", blobs.AnomalyVersion);
            }

            if (blobs.Violation is { } v && blobs.ViolationVersion != _violation?.Version)
            {
                _violation = ViolationModel.Import(ModelCodec.ReadLinear(v));
                LogLoaded(logger, "violation model", blobs.ViolationVersion);
            }
        }

        return (_anomaly?.Version, _violation?.Version);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        RefreshLoop.RunAsync(options.Value.CacheRefresh, RefreshAsync, ex => LogRefreshFailed(logger, ex), stoppingToken);

    [LoggerMessage(Level = LogLevel.Information, Message = "Loaded {Model} v{Version} into this silo")]
    private static partial void LogLoaded(ILogger logger, string model, int? version);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Checking the model versions failed; the loaded models stay in use")]
    private static partial void LogRefreshFailed(ILogger logger, Exception exception);
}
