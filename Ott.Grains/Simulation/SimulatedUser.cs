using System.Globalization;
using Ott.Grains.Geo;
using Ott.Grains.Interfaces;

namespace Ott.Grains.Simulation;

/// <summary>
/// One simulated user: a profile drawn from its own seeded <see cref="Random"/> and a lazy, time-ordered stream of
/// its events. Sessions and attack episodes never overlap and each lasts under <see cref="EpisodeCap"/>, so the
/// stream only ever holds the current one (<see cref="_buffer"/>). Normal behaviour here; attacks in the other part.
/// </summary>
internal sealed partial class SimulatedUser
{
    /// <summary>Longest session or attack episode, first event to last.</summary>
    internal static readonly TimeSpan EpisodeCap = TimeSpan.FromMinutes(55);

    private const long Second = TimeSpan.TicksPerSecond;
    private const long Minute = TimeSpan.TicksPerMinute;
    private const long Hour = TimeSpan.TicksPerHour;
    private const long Day = TimeSpan.TicksPerDay;
    private const int MaxSessionsPerDay = 6;

    /// <summary>Latest local start of a normal session: 23:30.</summary>
    private const long LatestSessionStart = (23 * Hour) + (30 * Minute);

    private static readonly (SubscriptionPlan Plan, string Content, int Weight)[] Plans =
    [
        (SubscriptionPlan.Basic, "plan_basic", 25),
        (SubscriptionPlan.Standard, "plan_standard", 35),
        (SubscriptionPlan.Premium, "plan_premium", 25),
        (SubscriptionPlan.Vip, "plan_vip", 5),
        (SubscriptionPlan.Trial, "plan_trial", 10),
    ];

    private static readonly string[] PlaybackErrors = ["playback_stall", "drm_license_failed", "network_timeout", "decoder_error"];

    private readonly Random _random;
    private readonly string _scenario;
    private readonly string _userId;
    private readonly long _start;
    private readonly long _end;
    private readonly long _span;
    private readonly int _home;
    private readonly long _offset;
    private readonly uint _homeIp;
    private readonly Device[] _devices;
    private readonly int _plan;
    private readonly DateTimeOffset _accountCreatedAt;
    private readonly string[] _grantedPurposes;
    private readonly string _paymentMethod;
    private readonly double _sessionsPerDay;
    private readonly List<Draft> _buffer = [];
    private long _sequence;

    public SimulatedUser(SimulationRequest request, int index, string scenario, int seed)
    {
        _random = new Random(seed);
        _scenario = scenario;
        _userId = string.Create(CultureInfo.InvariantCulture, $"{request.IdPrefix}-u{index}");
        _start = request.Start.UtcTicks;
        _span = request.Span.Ticks;
        _end = _start + _span;

        _home = scenario == ScenarioSimulator.EuTrackingWithoutConsent
            ? SimulatedWorld.EuTrackingHomes[_random.Next(SimulatedWorld.EuTrackingHomes.Length)]
            : SimulatedWorld.Homes[Weighted(SimulatedWorld.Homes.Select(h => h.Weight))].Place;
        _offset = SimulatedWorld.Places[_home].UtcOffset.Ticks;
        _homeIp = SimulatedWorld.RandomIp(_random, _home);
        _devices = DrawDevices();
        _plan = Weighted(Plans.Select(p => p.Weight));
        _accountCreatedAt = new DateTimeOffset(
            _start - (_random.Next(30, 901) * Day) - (_random.Next(86_400) * Second), TimeSpan.Zero);
        _grantedPurposes = (_random.NextDouble() < 0.5, _random.NextDouble() < 0.25) switch
        {
            (true, true) => ["analytics", "personalisation", "advertising"],
            (true, false) => ["analytics", "personalisation"],
            (false, true) => ["personalisation", "advertising"],
            (false, false) => ["personalisation"],
        };
        _paymentMethod = string.Create(CultureInfo.InvariantCulture, $"pm_{_random.Next():x8}");
        _sessionsPerDay = 1.5 + (2.5 * _random.NextDouble());
    }

    /// <summary>The user's events in time order: normal sessions, then (for an attacker, from its onset) the attack.</summary>
    public IEnumerable<SimulatedEvent> Events()
    {
        var attack = _scenario == ScenarioSimulator.Normal ? [] : PlanAttack();

        // Normal sessions start an hour before the onset at the latest, so they end before the attack starts.
        var normalUntil = attack.Length == 0 ? _end : attack[0] - Hour;
        foreach (var session in NormalSessions(normalUntil))
        {
            foreach (var draft in session)
            {
                yield return Build(draft, anomalous: false);
            }
        }

        foreach (var start in attack)
        {
            FillEpisode(start);
            foreach (var draft in _buffer)
            {
                yield return Build(draft, anomalous: true);
            }
        }
    }

    /// <summary>
    /// A few sessions per local day, 70 % in the evening (18:00-23:30), the rest in the day (07:00-18:00), each at
    /// least 5 min after the previous one ends (one pushed past 23:30 is dropped). An attacker whose draws gave no
    /// session before its onset gets one at a random daytime moment, so every attacker has normal activity first.
    /// </summary>
    private IEnumerable<List<Draft>> NormalSessions(long until)
    {
        var starts = new List<long>(MaxSessionsPerDay);
        var previousEnd = long.MinValue / 2;
        var any = false;
        for (var day = LocalMidnight(_start); day - _offset < until; day += Day)
        {
            starts.Clear();
            var count = Math.Min(Poisson(_sessionsPerDay), MaxSessionsPerDay);
            for (var i = 0; i < count; i++)
            {
                var minute = _random.NextDouble() < 0.7 ? _random.Next(18 * 60, (23 * 60) + 30) : _random.Next(7 * 60, 18 * 60);
                starts.Add(day - _offset + (minute * Minute) + (_random.Next(60_000) * TimeSpan.TicksPerMillisecond));
            }

            starts.Sort();
            var latest = day - _offset + LatestSessionStart;
            foreach (var planned in starts)
            {
                var start = CeilMs(Math.Max(planned, previousEnd + (5 * Minute)));
                if (start < _start || start >= until || start > latest)
                {
                    continue;
                }

                FillSession(start);
                previousEnd = _buffer[^1].Ticks;
                any = true;
                yield return _buffer;
            }
        }

        if (!any && _scenario != ScenarioSimulator.Normal && until > _start)
        {
            var start = CeilMs(Uniform(_start, until));
            for (var attempt = 0; attempt < 32 && !IsDaytime(start); attempt++)
            {
                start = CeilMs(Uniform(_start, until));
            }

            if (start < until)
            {
                FillSession(start);
                yield return _buffer;
            }
        }
    }

    private bool IsDaytime(long utcTicks)
    {
        var local = (utcTicks + _offset) % Day;
        return local >= 7 * Hour && local <= LatestSessionStart;
    }

    /// <summary>
    /// Optional login (a typo first now and then), purchase or offline download, then play with pauses, seeks, the
    /// odd playback error and title changes, then stop; on a mobile device half the sessions use a carrier IP.
    /// </summary>
    private void FillSession(long start)
    {
        _buffer.Clear();
        var limit = start + EpisodeCap.Ticks;
        var device = _devices[_devices.Length == 1 || _random.NextDouble() < 0.65 ? 0 : 1];
        var ip = device.Mobile && _random.NextDouble() < 0.5 ? SimulatedWorld.RandomIp(_random, _home) : _homeIp;
        var at = new Draft { Place = _home, Ip = ip, Device = device.Id, Content = "account", HasConsent = true };
        var t = start;
        if (_random.NextDouble() < 0.2)
        {
            if (_random.NextDouble() < 0.05)
            {
                Add(at with { Ticks = t, Type = EventType.LoginFailed, ErrorCode = "invalid_credentials" });
                t += Millis(5, 40);
            }

            Add(at with { Ticks = t, Type = EventType.Login, Plan = Plans[_plan].Plan });
            t += Millis(3, 20);
        }

        if (_random.NextDouble() < 0.04)
        {
            Add(at with
            {
                Ticks = t,
                Type = EventType.Purchase,
                Content = Plans[_plan].Content,
                Plan = Plans[_plan].Plan,
                Purpose = ProcessingPurpose.Service,
                Payment = true,
            });
            t += Millis(10, 60);
        }

        if (_random.NextDouble() < 0.03)
        {
            Add(at with { Ticks = t, Type = EventType.Download, Content = Title() });
            t += Millis(20, 120);
        }

        var personalised = _random.NextDouble() < 0.4;
        var watch = at with
        {
            Content = Title(),
            Purpose = personalised ? ProcessingPurpose.Personalisation : 0,
            GrantedPurposes = personalised,
        };
        Add(watch with { Ticks = t, Type = EventType.Play });
        var actions = _random.Next(1, 7);
        for (var a = 0; a < actions; a++)
        {
            var next = t + Millis(120, 1200);
            if (next > limit - (2 * Minute))
            {
                break;
            }

            t = next;
            var roll = _random.NextDouble();
            if (roll < 0.45)
            {
                Add(watch with { Ticks = t, Type = EventType.Pause });
                var resume = t + Millis(10, 300);
                if (resume > limit - (2 * Minute))
                {
                    break;
                }

                t = resume;
                Add(watch with { Ticks = t, Type = EventType.Play });
            }
            else if (roll < 0.75)
            {
                Add(watch with { Ticks = t, Type = EventType.Seek });
            }
            else if (roll < 0.8)
            {
                Add(watch with { Ticks = t, Type = EventType.Error, ErrorCode = PlaybackErrors[_random.Next(PlaybackErrors.Length)] });
                t += Millis(5, 30);
                Add(watch with { Ticks = t, Type = EventType.Play });
            }
            else
            {
                Add(watch with { Ticks = t, Type = EventType.Stop });
                t += Millis(5, 40);
                watch = watch with { Content = Title() };
                Add(watch with { Ticks = t, Type = EventType.Play });
            }
        }

        Add(watch with { Ticks = t + Millis(20, 75), Type = EventType.Stop });
    }

    private Device[] DrawDevices()
    {
        var roll = _random.NextDouble();
        var first = roll < 0.4 ? "tv" : roll < 0.65 ? "web" : "mobile";
        if (_random.NextDouble() < 0.55)
        {
            return [NewDevice(0, first)];
        }

        var second = first != "mobile" ? "mobile" : _random.NextDouble() < 0.5 ? "tablet" : "tv";
        return [NewDevice(0, first), NewDevice(1, second)];
    }

    private Device NewDevice(int number, string kind) =>
        new(string.Create(CultureInfo.InvariantCulture, $"{_userId}-d{number}-{kind}"), kind == "mobile");

    private SimulatedEvent Build(Draft draft, bool anomalous)
    {
        var place = SimulatedWorld.Places[draft.Place];
        var time = new DateTimeOffset(draft.Ticks, TimeSpan.Zero);
        var e = new OttEvent
        {
            EventId = string.Create(CultureInfo.InvariantCulture, $"{_userId}-e{_sequence++}"),
            UserId = _userId,
            DeviceId = draft.Device,
            ContentId = draft.Content,
            Type = draft.Type,
            Timestamp = time,
            Region = place.Region,
            IsEuClaim = RegionCodes.IsEuMember(place.Region),
            HasConsent = draft.HasConsent,
            IpAddress = SimulatedWorld.FormatIp(draft.Ip),
            Plan = draft.Plan == 0 ? null : draft.Plan,
            ErrorCode = draft.ErrorCode,
            PaymentMethodId = draft.Payment ? _paymentMethod : null,
            AccountCreatedAt = _accountCreatedAt,
            Purpose = draft.Purpose == 0 ? null : draft.Purpose,
            ConsentPurposes = draft.GrantedPurposes ? _grantedPurposes : null,
            RecordsAccessed = draft.Records == 0 ? null : draft.Records,
            ReceivedAt = time,
        };
        return new SimulatedEvent(e, _scenario, anomalous);
    }

    private void Add(Draft draft) => _buffer.Add(draft with { Order = _buffer.Count });

    /// <summary>A title, skewed to the popular end of a 5,000-title catalogue.</summary>
    private string Title() =>
        string.Create(CultureInfo.InvariantCulture, $"title_{(int)(5000 * Math.Pow(_random.NextDouble(), 3)):D5}");

    /// <summary>A random duration of <paramref name="fromSeconds"/> to <paramref name="toSeconds"/> seconds, in whole milliseconds.</summary>
    private long Millis(int fromSeconds, int toSeconds) =>
        _random.NextInt64(fromSeconds * 1000L, (toSeconds * 1000L) + 1) * TimeSpan.TicksPerMillisecond;

    private long Uniform(long from, long to) => from + (long)(_random.NextDouble() * (to - from));

    private int Weighted(IEnumerable<int> weights)
    {
        var list = weights.ToArray();
        var roll = _random.Next(list.Sum());
        for (var i = 0; i < list.Length; i++)
        {
            roll -= list[i];
            if (roll < 0)
            {
                return i;
            }
        }

        return list.Length - 1;
    }

    /// <summary>Poisson by Knuth's product of uniforms (small means only).</summary>
    private int Poisson(double mean)
    {
        var limit = Math.Exp(-mean);
        var product = 1.0;
        var count = -1;
        do
        {
            count++;
            product *= _random.NextDouble();
        }
        while (product > limit);

        return count;
    }

    /// <summary>Local midnight (in local-clock ticks) of the local day that contains UTC <paramref name="utcTicks"/>.</summary>
    private long LocalMidnight(long utcTicks) => (utcTicks + _offset) / Day * Day;

    private static long CeilMs(long ticks) =>
        (ticks + TimeSpan.TicksPerMillisecond - 1) / TimeSpan.TicksPerMillisecond * TimeSpan.TicksPerMillisecond;

    private readonly record struct Device(string Id, bool Mobile);

    /// <summary>
    /// An event before it gets its id, kept compact (about 56 bytes) because every user holds its current episode:
    /// a zero <see cref="Purpose"/>, <see cref="Plan"/> or <see cref="Records"/> means "not sent".
    /// </summary>
    private readonly record struct Draft
    {
        public long Ticks { get; init; }
        public required string Device { get; init; }
        public required string Content { get; init; }
        public string? ErrorCode { get; init; }
        public int Order { get; init; }
        public uint Ip { get; init; }
        public int Records { get; init; }
        public int Place { get; init; }
        public EventType Type { get; init; }
        public ProcessingPurpose Purpose { get; init; }
        public SubscriptionPlan Plan { get; init; }
        public bool HasConsent { get; init; }
        public bool GrantedPurposes { get; init; }
        public bool Payment { get; init; }
    }
}
