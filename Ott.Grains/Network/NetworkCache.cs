using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Ott.Grains.Common;
using Ott.Grains.Interfaces;

namespace Ott.Grains.Network;

/// <summary>
/// This silo's copy of who is in a ring (and the ring's risk), refreshed from the network grain when its version
/// changes (checked every <see cref="RingGraphOptions.CacheRefresh"/>). User grains read it per event without a call.
/// </summary>
public sealed partial class NetworkCache(IGrainFactory grains, IOptions<RingGraphOptions> options, ILogger<NetworkCache> logger) : BackgroundService
{
    private volatile NetworkSnapshot _snapshot = new(0, new Dictionary<string, NetworkStanding>());

    public NetworkSnapshot Snapshot => _snapshot;

    /// <summary>The user's ring and its risk, or null outside any ring (as of the snapshot).</summary>
    public NetworkStanding? Standing(string userId) => _snapshot.Users.GetValueOrDefault(userId);

    public async Task<long> RefreshAsync()
    {
        var network = grains.GetGrain<INetworkGrain>(0);
        var stats = await network.GetStatsAsync();
        if (stats.Version != _snapshot.Version)
        {
            _snapshot = await network.GetSnapshotAsync();
        }

        return _snapshot.Version;
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        RefreshLoop.RunAsync(options.Value.CacheRefresh, RefreshAsync, ex => LogRefreshFailed(logger, ex), stoppingToken);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refreshing the ring snapshot failed; the last one stays in use")]
    private static partial void LogRefreshFailed(ILogger logger, Exception exception);
}
