using Microsoft.Extensions.Options;
using Ott.Grains.Alerts;
using Ott.Grains.Common;
using Ott.Grains.Interfaces;
using Ott.Grains.Logs;

namespace Ott.Grains.Network;

/// <summary>One stored link of the graph.</summary>
[GenerateSerializer, Alias("ott.network-edge")]
public struct StoredLink
{
    [Id(0)] public string UserId { get; set; }
    [Id(1)] public LinkKind Kind { get; set; }
    [Id(2)] public string Value { get; set; }
    [Id(3)] public long AtTicks { get; set; }
}

/// <summary>
/// Persisted graph besides its links (which are in the <see cref="INetworkLinkLog"/>): the flagged users and the
/// version. The graph is rebuilt from the log and this state on activation.
/// </summary>
[GenerateSerializer, Alias("ott.network-state")]
public sealed class NetworkState
{
    /// <summary>
    /// Only in state written before the link log existed, which kept every link here and rewrote them all on each
    /// write; the grain moves them to the log when it activates, after which this list stays empty.
    /// </summary>
    [Id(0)] public List<StoredLink> Links { get; set; } = [];
    [Id(1)] public HashSet<string> Flagged { get; set; } = new(StringComparer.Ordinal);
    [Id(2)] public long Version { get; set; }
}

/// <summary>
/// The singleton (key 0) network grain: a thin shell over <see cref="RingGraph"/>. Links arrive in batches from each
/// silo's <see cref="NetworkBatcher"/> (only identifiers new to a user), so its load is the rate of new links, not of
/// events (docs/scaling.md gives the measured capacity and how to partition past one grain). A newly formed ring raises a
/// <c>fraud_ring</c> alert. New links are appended to the <see cref="INetworkLinkLog"/> and the small rest of the state
/// (flags, version) written with them, behind (every <see cref="WriteBehindOptions.MaxUnsavedChanges"/> changes or
/// <see cref="WriteBehindOptions.MaxUnsavedAge"/>): a write costs the new links, not the whole graph. The graph is
/// rebuilt from the log and the state on activation.
/// </summary>
public sealed class NetworkGrain(
    [PersistentState("network", StorageNames.Grains)] IPersistentState<NetworkState> state,
    IOptions<WriteBehindOptions> writeBehind,
    IOptions<RingGraphOptions> graphOptions,
    AlertDispatcher alerts,
    IOptions<AlertOptions> alertOptions,
    INetworkLinkLog linkLog,
    TimeProvider time) : WriteBehindGrain<NetworkState>(state, writeBehind), INetworkGrain
{
    private RingGraph _graph = null!;

    /// <summary>Links new to the graph and not yet in the log; appended by the next write.</summary>
    private readonly List<NetworkLink> _unsavedLinks = [];

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _graph = new RingGraph(graphOptions.Value);
        if (State.Links.Count > 0)
        {
            // State from before the link log: its links go to the log with the next write, and leave the state.
            _unsavedLinks.AddRange(State.Links.Select(l => new NetworkLink(l.UserId, l.Kind, l.Value, new DateTimeOffset(l.AtTicks, TimeSpan.Zero))));
            State.Links = [];
        }

        await foreach (var link in linkLog.ReadAllAsync(cancellationToken))
        {
            _graph.AddLink(link.UserId, IdentifierKinds.Of(link.Kind), link.Value, link.At);
        }

        foreach (var link in _unsavedLinks)
        {
            _graph.AddLink(link.UserId, IdentifierKinds.Of(link.Kind), link.Value, link.At);
        }

        foreach (var user in State.Flagged)
        {
            _graph.Flag(user);
        }

        await base.OnActivateAsync(cancellationToken);
        if (_unsavedLinks.Count > 0)
        {
            await ChangedAsync(_unsavedLinks.Count);
        }
    }

    protected override async Task BeforeWriteAsync()
    {
        if (_unsavedLinks.Count > 0)
        {
            await linkLog.AppendAsync(_unsavedLinks);
            _unsavedLinks.Clear();
        }
    }

    public async Task AddAsync(IReadOnlyList<NetworkLink> links, IReadOnlyList<string> flaggedUsers)
    {
        var changed = 0;
        var formed = new List<RingChange>();
        foreach (var link in links)
        {
            var update = _graph.AddLink(link.UserId, IdentifierKinds.Of(link.Kind), link.Value, link.At);
            if (update.Changed)
            {
                changed++;
                _unsavedLinks.Add(link);
            }

            formed.AddRange(update.RingChanges.Where(c => c.Kind == RingChangeKind.Formed));
            if (update.RingChanges.Count > 0)
            {
                State.Version++;
            }
        }

        foreach (var user in flaggedUsers)
        {
            if (State.Flagged.Add(user) && _graph.Flag(user))
            {
                changed++;
                State.Version++;
            }
        }

        foreach (var change in formed)
        {
            await RaiseRingAlertAsync(change);
        }

        if (changed > 0)
        {
            await ChangedAsync(changed);
        }
    }

    public async Task RemoveUserAsync(string userId)
    {
        var unsaved = _unsavedLinks.RemoveAll(l => string.Equals(l.UserId, userId, StringComparison.Ordinal));
        var stored = await linkLog.RemoveUserAsync(userId);
        if (unsaved + stored == 0 && !State.Flagged.Remove(userId))
        {
            return;
        }

        State.Flagged.Remove(userId);
        _graph.RemoveUser(userId, time.GetUtcNow());
        State.Version++;
        await ChangedAsync();
        await FlushIfDirtyAsync(CancellationToken.None);
    }

    public Task<IReadOnlyList<RingView>> GetRingsAsync(int minSize, string? kind) =>
        Task.FromResult<IReadOnlyList<RingView>>(_graph.Rings(minSize, kind).Select(View).ToList());

    public Task<UserNetworkInfo?> GetUserAsync(string userId) =>
        Task.FromResult(_graph.UserView(userId) is { } v
            ? new UserNetworkInfo(v.UserId, v.RingId, v.Risk, v.Neighbours, v.Evidence.Select(Shared).ToList())
            : null);

    public Task<IReadOnlyList<PathStep>> GetPathAsync(string fromUser, string toUser) =>
        Task.FromResult<IReadOnlyList<PathStep>>(_graph.ShortestPath(fromUser, toUser)
            .Select(n => new PathStep(n.Value, n.Kind?.ToLinkKind())).ToList());

    public Task<NetworkStats> GetStatsAsync()
    {
        var s = _graph.Stats;
        return Task.FromResult(new NetworkStats(s.Users, s.Identifiers, s.Edges, s.Hubs, s.Rings, State.Version));
    }

    public Task<NetworkSnapshot> GetSnapshotAsync()
    {
        var users = new Dictionary<string, NetworkStanding>(StringComparer.Ordinal);
        foreach (var (user, ringId, risk) in _graph.Memberships())
        {
            users[user] = new NetworkStanding(ringId, risk);
        }

        return Task.FromResult(new NetworkSnapshot(State.Version, users));
    }

    private async Task RaiseRingAlertAsync(RingChange change)
    {
        if (_graph.Ring(change.RingId) is not { } ring)
        {
            return;
        }

        await alerts.RaiseAsync(new Alert
        {
            Id = $"alert-{ring.Id}-formed",
            Kind = AlertKinds.FraudRing,
            Severity = ring.Risk >= 0.6 ? RiskLevel.Critical : RiskLevel.High,
            Title = $"Fraud ring {ring.Id} formed: {ring.Size} users sharing {ring.Kind} identifiers",
            Detail = $"Risk {ring.Risk:0.###}. Shared: " + string.Join(", ", ring.SharedIdentifiers.Take(5).Select(i => $"{RingKinds.Of(i.Kind)} {i.Value} ({i.UserCount} users)")) + ".",
            RaisedAt = time.GetUtcNow(),
            Channels = alertOptions.Value.SystemChannels,
        });
    }

    private static RingView View(NetworkRing r) =>
        new(r.Id, r.Kind, r.Size, r.Risk, r.FlaggedMembers, r.FirstSeen, r.Members, r.SharedIdentifiers.Select(Shared).ToList());

    private static SharedIdentifierView Shared(SharedIdentifier s) => new(s.Kind.ToLinkKind(), s.Value, s.UserCount);
}
