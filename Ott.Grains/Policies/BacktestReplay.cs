using Ott.Grains.Interfaces;
using Ott.Grains.Logs;
using Ott.Grains.Users;

namespace Ott.Grains.Policies;

/// <summary>
/// Replays a period's events, grouped by user and in event-time order within each, through fresh rolling state under
/// two policies (the live one and a candidate), and adds up how they differ (docs/policies.md, "Backtest"). Pure: it
/// touches no grain, log, alert or counter; a user's two states are dropped when the next user starts, so memory
/// holds one user at a time whatever the period's size. Not thread-safe: one replay, one caller.
/// </summary>
public sealed class BacktestReplay
{
    public const int ChangedUserCount = 10;

    private static readonly string[] Levels = [.. Enum.GetValues<RiskLevel>().Select(Name)];
    private static readonly string[] Actions = [.. Enum.GetValues<RiskAction>().Select(Name)];

    private readonly UserPipeline _pipeline;
    private readonly RollingWindowOptions _rolling;
    private readonly Policy _live;
    private readonly Policy _candidate;
    private readonly HashSet<string> _sources;

    private readonly long[,] _levels = new long[5, 5];
    private readonly long[,] _actions = new long[4, 4];
    private readonly Dictionary<string, (double Live, double Candidate, long LiveEvents, long CandidateEvents)> _factors = new(StringComparer.Ordinal);
    private readonly Tally _added = new();
    private readonly Tally _removed = new();
    private readonly Dictionary<string, long> _bySource = new(StringComparer.Ordinal);
    private readonly List<ChangedUser> _changed = [];
    private long _events;
    private long _users;
    private long _liveAlerts;
    private long _candidateAlerts;
    private Quality _liveQuality;
    private Quality _candidateQuality;

    private string? _user;
    private UserState _liveState = null!;
    private UserState _candidateState = null!;
    private UserTally _userTally;

    public BacktestReplay(UserPipeline pipeline, RollingWindowOptions rolling, Policy live, Policy candidate, IEnumerable<string> outcomeSources)
    {
        _pipeline = pipeline;
        _rolling = rolling;
        _live = live;
        _candidate = candidate;
        _sources = new HashSet<string>(outcomeSources, StringComparer.Ordinal);
    }

    public long Events => _events;

    /// <summary>Assesses one event under both policies (events of a user must come together, in event-time order).</summary>
    public void Add(in HistoricalEvent historical)
    {
        var e = historical.Event;
        if (e.UserId != _user)
        {
            FinishUser();
            _user = e.UserId;
            _liveState = new UserState(_rolling);
            _candidateState = new UserState(_rolling);
            _userTally = default;
            _users++;
        }

        // Processed "at" the event's own time: the same period and policies give the same report.
        var live = _pipeline.Assess(_liveState.State, e, _liveState.Window, e.Timestamp, _live);
        var candidate = _pipeline.Assess(_candidateState.State, e, _candidateState.Window, e.Timestamp, _candidate);
        var a = live.Assessment;
        var b = candidate.Assessment;
        _events++;
        _levels[(int)a.RiskLevel, (int)b.RiskLevel]++;
        _actions[(int)a.Action, (int)b.Action]++;
        AddFactors(a, live: true);
        AddFactors(b, live: false);

        var liveNew = live.Alert is { Raise: true, Repeat: false };
        var candidateNew = candidate.Alert is { Raise: true, Repeat: false };
        _liveAlerts += liveNew ? 1 : 0;
        _candidateAlerts += candidateNew ? 1 : 0;
        if (candidateNew && !liveNew)
        {
            _added.Add(candidate.Alert.Severity, b.Segment, e.Region);
        }
        else if (liveNew && !candidateNew)
        {
            _removed.Add(live.Alert.Severity, a.Segment, e.Region);
        }

        if (historical.Outcome is { } outcome && _sources.Contains(outcome.Source))
        {
            _bySource[outcome.Source] = _bySource.GetValueOrDefault(outcome.Source) + 1;
            _liveQuality.Add(live.Alert.Raise, outcome.ConfirmedViolation);
            _candidateQuality.Add(candidate.Alert.Raise, outcome.ConfirmedViolation);
        }

        var actionChanged = a.Action != b.Action;
        var delta = Math.Abs(b.RiskScore - a.RiskScore);
        _userTally.Events++;
        _userTally.ActionChanges += actionChanged ? 1 : 0;
        _userTally.LevelChanges += a.RiskLevel != b.RiskLevel ? 1 : 0;
        _userTally.ScoreDelta += delta;
        if (_userTally.Worst is null || (actionChanged, delta).CompareTo((_userTally.WorstActionChanged, _userTally.WorstDelta)) > 0)
        {
            (_userTally.Worst, _userTally.WorstCandidate, _userTally.WorstActionChanged, _userTally.WorstDelta) = (a, b, actionChanged, delta);
        }
    }

    /// <summary>The report of everything added so far.</summary>
    public BacktestReport Finish(double seconds, IReadOnlyDictionary<string, string> inputs)
    {
        FinishUser();
        _user = null;
        return new BacktestReport
        {
            Events = _events,
            Users = _users,
            Seconds = Math.Round(seconds, 3),
            EventsPerSecond = seconds > 0 ? Math.Round(_events / seconds, 1) : 0,
            Levels = Matrix(_levels, Levels, 1),
            Actions = Matrix(_actions, Actions, 1),
            Alerts = new AlertComparison(_liveAlerts, _candidateAlerts, _added.Delta(), _removed.Delta()),
            // Lists and arrays, never collection-expression types: the report crosses grain calls and storage.
            Factors = _factors.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => new FactorPoints(f.Key, Math.Round(f.Value.Live, 2),
                Math.Round(f.Value.Candidate, 2), Math.Round(f.Value.Candidate - f.Value.Live, 2), f.Value.LiveEvents, f.Value.CandidateEvents)).ToList(),
            ChangedUsers = _changed.ToList(),
            Outcomes = new OutcomeComparison(_sources.Order(StringComparer.Ordinal).ToArray(), _liveQuality.Total,
                new SortedDictionary<string, long>(_bySource, StringComparer.Ordinal), _liveQuality.Result(), _candidateQuality.Result()),
            Inputs = inputs,
        };
    }

    private void AddFactors(Assessment assessment, bool live)
    {
        foreach (var factor in assessment.Factors)
        {
            var t = _factors.GetValueOrDefault(factor.Code);
            _factors[factor.Code] = live
                ? t with { Live = t.Live + factor.Points, LiveEvents = t.LiveEvents + 1 }
                : t with { Candidate = t.Candidate + factor.Points, CandidateEvents = t.CandidateEvents + 1 };
        }
    }

    /// <summary>Keeps the users whose outcome changed most: action changes, then level changes, then score moved.</summary>
    private void FinishUser()
    {
        if (_user is null || _userTally is not { Worst: { } live, WorstCandidate: { } candidate } t || (t.ActionChanges == 0 && t.LevelChanges == 0 && t.ScoreDelta == 0))
        {
            return;
        }

        var user = new ChangedUser(_user, t.Events, t.ActionChanges, t.LevelChanges, Math.Round(t.ScoreDelta, 2), live, candidate);
        var at = _changed.FindIndex(c => Rank(user).CompareTo(Rank(c)) > 0);
        _changed.Insert(at < 0 ? _changed.Count : at, user);
        if (_changed.Count > ChangedUserCount)
        {
            _changed.RemoveAt(_changed.Count - 1);
        }
    }

    private static (long, long, double, string) Rank(ChangedUser u) => (u.ActionChanges, u.LevelChanges, u.ScoreDelta, InvertOrder(u.UserId));

    // Ties go to the smaller user id: compare on the inverted id so "greater" means "earlier".
    private static string InvertOrder(string id) => new([.. id.Select(c => (char)(char.MaxValue - c))]);

    private static Dictionary<string, IReadOnlyDictionary<string, long>> Matrix(long[,] cells, string[] names, int first)
    {
        var matrix = new Dictionary<string, IReadOnlyDictionary<string, long>>(StringComparer.Ordinal);
        for (var i = 0; i < names.Length; i++)
        {
            var row = new Dictionary<string, long>(StringComparer.Ordinal);
            for (var j = 0; j < names.Length; j++)
            {
                row[names[j]] = cells[i + first, j + first];
            }

            matrix[names[i]] = row;
        }

        return matrix;
    }

    private static double? Round(double? value) => value is { } v ? Math.Round(v, 4) : null;

    private static string Name<T>(T value) where T : struct, Enum => value.ToString()!.ToLowerInvariant();

    private sealed class UserState(RollingWindowOptions rolling)
    {
        public UserRollingState State { get; } = new();

        public RollingWindow Window { get; } = new(rolling);
    }

    private struct UserTally
    {
        public long Events;
        public long ActionChanges;
        public long LevelChanges;
        public double ScoreDelta;
        public Assessment? Worst;
        public Assessment? WorstCandidate;
        public bool WorstActionChanged;
        public double WorstDelta;
    }

    private sealed class Tally
    {
        private readonly Dictionary<string, long> _severity = new(StringComparer.Ordinal);
        private readonly Dictionary<string, long> _segment = new(StringComparer.Ordinal);
        private readonly Dictionary<string, long> _region = new(StringComparer.Ordinal);
        private long _total;

        public void Add(RiskLevel severity, string? segment, string region)
        {
            _total++;
            Count(_severity, Name(severity));
            Count(_segment, segment ?? "none");
            Count(_region, region);
        }

        public AlertDelta Delta() => new(_total, Sorted(_severity), Sorted(_segment), Sorted(_region));

        private static void Count(Dictionary<string, long> counts, string key) => counts[key] = counts.GetValueOrDefault(key) + 1;

        private static SortedDictionary<string, long> Sorted(Dictionary<string, long> counts) => new(counts, StringComparer.Ordinal);
    }

    private struct Quality
    {
        private long _tp;
        private long _fp;
        private long _fn;
        private long _tn;

        public readonly long Total => _tp + _fp + _fn + _tn;

        public void Add(bool alerted, bool confirmed)
        {
            if (alerted)
            {
                _ = confirmed ? _tp++ : _fp++;
            }
            else
            {
                _ = confirmed ? _fn++ : _tn++;
            }
        }

        public readonly AlertQuality Result() => Of(_tp, _fp, _fn, _tn);
    }

    /// <summary>Precision, recall and F1 from the four counts (null where a ratio has no denominator).</summary>
    public static AlertQuality Of(long tp, long fp, long fn, long tn)
    {
        double? precision = tp + fp == 0 ? null : (double)tp / (tp + fp);
        double? recall = tp + fn == 0 ? null : (double)tp / (tp + fn);
        double? f1 = precision is { } p && recall is { } r && p + r > 0 ? 2 * p * r / (p + r) : null;
        return new AlertQuality(tp, fp, fn, tn, Round(precision), Round(recall), Round(f1));
    }
}
