using Ott.Grains.Common;
using Ott.Grains.Geo;
using Ott.Grains.Interfaces;

namespace Ott.Grains.Users;

/// <summary>What observing one event produced: the features as of its event time and facts the scorer needs.</summary>
public readonly record struct Observation(
    RollingFeatures Features,
    int SameTypeEventsLastHour,
    bool TooLate,
    long PriorDataAccessEventsWithRecords,
    long PriorDataAccessRecords,
    double AccountAgeDays);

/// <summary>
/// The engine over <see cref="UserRollingState"/>: places each event by event time and computes the rolling
/// features of docs/scoring.md ("Rolling features"). Windows (t = the event's time):
/// <list type="bullet">
/// <item>1 h: events with time in (t - 1 h, t], exact from the detail list.</item>
/// <item>24 h: the UTC hour of t and the 23 before it (hour buckets).</item>
/// <item>7 d / 30 d: the UTC day of t and the 6 / 29 before it (day buckets).</item>
/// <item>errors: among the last 50 events in arrival order.</item>
/// </list>
/// Not thread-safe: one instance per grain activation (it keeps scratch buffers).
/// </summary>
public sealed class RollingWindow(RollingWindowOptions options)
{
    private const int ErrorWindow = 50;
    private const int HourRetention = 26;
    private const int DayRetention = 31;

    private readonly HashSet<int> _scratchIps = [];
    private readonly HashSet<int> _scratchCountries = [];
    private readonly HashSet<int> _scratchDevices = [];
    private readonly HashSet<int> _scratchFailureIps = [];

    public RollingWindowOptions Options { get; } = options;

    /// <summary>True when the event id was assessed recently (a redelivery or replay).</summary>
    public bool WasSeen(UserRollingState state, string eventId) => state.RecentEventIds.Contains(Fnv1a.Hash64(eventId));

    /// <summary>Adds the event to every window and returns the features as of its event time.</summary>
    public Observation Observe(UserRollingState state, OttEvent e)
    {
        var t = e.Timestamp.UtcTicks;
        var tooLate = state.NewestEventTime is { } newest && e.Timestamp < newest - Options.LateTolerance;
        var priorAccessEvents = state.DataAccessEventsWithRecords;
        var priorAccessRecords = state.DataAccessRecords;

        state.TotalEvents++;
        if (state.FirstEventTime is null || e.Timestamp < state.FirstEventTime)
        {
            state.FirstEventTime = e.Timestamp;
        }

        var isNewest = state.NewestEventTime is null || e.Timestamp >= state.NewestEventTime;
        if (isNewest)
        {
            state.NewestEventTime = e.Timestamp;
            state.LastRegion = e.Region;
        }

        if (e.AccountCreatedAt is { } created && (state.AccountCreatedAt is null || created < state.AccountCreatedAt))
        {
            state.AccountCreatedAt = created;
        }

        if (e.Plan is not null && isNewest)
        {
            state.Plan = e.Plan;
        }

        UpdateConsent(state, e);

        var ip = Fnv1a.Hash32(e.IpAddress);
        var country = Fnv1a.Hash32(RegionCodes.CountryOf(e.Region));
        var device = Fnv1a.Hash32(e.DeviceId);
        var hour = HourOf(t);
        var day = DayOf(t);

        if (!tooLate)
        {
            InsertDetail(state, new DetailEntry
            {
                Ticks = t,
                Type = e.Type,
                Ip = ip,
                Country = country,
                Device = device,
                Records = e.RecordsAccessed ?? 0,
            });
        }

        AddHour(state, hour);
        AddDay(state, day, events: 1, violations: 0);
        See(state.Ips, ip, hour);
        See(state.Regions, country, hour);
        See(state.Devices, device, hour);
        AddRecent(state, e, ip);
        RememberDevice(state, e.DeviceId);

        if (e.Type.IsDataAccess() && e.RecordsAccessed is { } records)
        {
            state.DataAccessEventsWithRecords++;
            state.DataAccessRecords += records;
        }

        var features = Compute(state, t, out var sameType, e.Type);
        var created0 = state.AccountCreatedAt ?? state.FirstEventTime ?? e.Timestamp;
        var ageDays = Math.Max(0, (e.Timestamp - created0).TotalDays);
        return new Observation(features, sameType, tooLate, priorAccessEvents, priorAccessRecords, ageDays);
    }

    /// <summary>Records that the assessment of an event at <paramref name="eventTime"/> found violations.</summary>
    public void RecordViolations(UserRollingState state, DateTimeOffset eventTime, int count)
    {
        if (count > 0)
        {
            AddDay(state, DayOf(eventTime.UtcTicks), events: 0, violations: count);
        }
    }

    /// <summary>Records a critical assessment of an event at <paramref name="eventTime"/> (for the suspicious segment).</summary>
    public void RecordCritical(UserRollingState state, DateTimeOffset eventTime) =>
        AddDay(state, DayOf(eventTime.UtcTicks), events: 0, violations: 0, critical: 1);

    /// <summary>Critical assessments in the UTC day of <paramref name="at"/> and the 6 before it.</summary>
    public static int CriticalLast7Days(UserRollingState state, DateTimeOffset at)
    {
        var day = DayOf(at.UtcTicks);
        return state.Days.Where(b => b.Day > day - 7 && b.Day <= day).Sum(b => b.Critical);
    }

    /// <summary>Remembers an assessment (summary and event id), evicting the oldest beyond the caps.</summary>
    public void Remember(UserRollingState state, AssessmentSummary summary)
    {
        state.RecentAssessments.Add(summary);
        Trim(state.RecentAssessments, Options.RecentAssessmentCapacity);
        state.RecentEventIds.Add(Fnv1a.Hash64(summary.EventId));
        Trim(state.RecentEventIds, Options.RecentEventIdCapacity);
    }

    /// <summary>The features as of the newest event (what the risk profile shows).</summary>
    public RollingFeatures Current(UserRollingState state) =>
        state.NewestEventTime is { } newest ? Compute(state, newest.UtcTicks, out _, null) : new RollingFeatures();

    private RollingFeatures Compute(UserRollingState state, long t, out int sameType, EventType? type)
    {
        var from = t - TimeSpan.TicksPerHour;
        int events = 0, failures = 0, access = 0, same = 0;
        long records = 0;
        _scratchIps.Clear();
        _scratchCountries.Clear();
        _scratchDevices.Clear();
        _scratchFailureIps.Clear();

        foreach (var entry in state.Detail)
        {
            if (entry.Ticks <= from || entry.Ticks > t)
            {
                continue;
            }

            events++;
            _scratchIps.Add(entry.Ip);
            _scratchCountries.Add(entry.Country);
            _scratchDevices.Add(entry.Device);
            if (entry.Type == type)
            {
                same++;
            }

            if (entry.Type.IsAuthFailure())
            {
                failures++;
                _scratchFailureIps.Add(entry.Ip);
            }

            if (entry.Type.IsDataAccess())
            {
                access++;
                records += entry.Records;
            }
        }

        var hour = HourOf(t);
        var day = DayOf(t);
        int errors = 0, errorWindow = Math.Min(ErrorWindow, state.Recent.Count);
        for (var i = state.Recent.Count - errorWindow; i < state.Recent.Count; i++)
        {
            if (state.Recent[i].Type.IsErrorLike())
            {
                errors++;
            }
        }

        sameType = same;
        return new RollingFeatures
        {
            EventsLastHour = events,
            EventsLast24Hours = SumHours(state, hour - 23, hour),
            EventsLast7Days = SumDays(state, day - 6, day, violations: false),
            EventsLast30Days = SumDays(state, day - 29, day, violations: false),
            DistinctIpsLastHour = _scratchIps.Count,
            DistinctIpsLast24Hours = CountSeen(state.Ips, hour - 23, hour),
            DistinctRegionsLastHour = _scratchCountries.Count,
            DistinctRegionsLast24Hours = CountSeen(state.Regions, hour - 23, hour),
            DistinctDevicesLastHour = _scratchDevices.Count,
            DistinctDevicesLast24Hours = CountSeen(state.Devices, hour - 23, hour),
            AuthFailuresLastHour = failures,
            AuthFailureIpsLastHour = _scratchFailureIps.Count,
            ErrorsInLast50Events = errors,
            EventsInErrorWindow = errorWindow,
            DataAccessLastHour = access,
            RecordsAccessedLastHour = records,
            ViolationsLast30Days = SumDays(state, day - 29, day, violations: true),
        };
    }

    private void InsertDetail(UserRollingState state, DetailEntry entry)
    {
        var detail = state.Detail;
        var index = detail.Count;
        while (index > 0 && detail[index - 1].Ticks > entry.Ticks)
        {
            index--;
        }

        detail.Insert(index, entry);

        var horizon = state.NewestEventTime!.Value.UtcTicks - TimeSpan.TicksPerHour - Options.LateTolerance.Ticks;
        var expired = 0;
        while (expired < detail.Count && detail[expired].Ticks < horizon)
        {
            expired++;
        }

        var overflow = detail.Count - expired - Options.DetailCapacity;
        detail.RemoveRange(0, expired + Math.Max(0, overflow));
    }

    private static void AddHour(UserRollingState state, int hour)
    {
        var hours = state.Hours;
        var newest = HourOf(state.NewestEventTime!.Value.UtcTicks);
        if (hour <= newest - HourRetention)
        {
            return;
        }

        var index = hours.FindIndex(b => b.Hour == hour);
        if (index >= 0)
        {
            var bucket = hours[index];
            bucket.Events++;
            hours[index] = bucket;
        }
        else
        {
            var at = hours.FindIndex(b => b.Hour > hour);
            hours.Insert(at < 0 ? hours.Count : at, new HourBucket { Hour = hour, Events = 1 });
        }

        hours.RemoveAll(b => b.Hour <= newest - HourRetention);
    }

    private static void AddDay(UserRollingState state, int day, int events, int violations, int critical = 0)
    {
        var days = state.Days;
        var newest = DayOf(state.NewestEventTime!.Value.UtcTicks);
        if (day <= newest - DayRetention)
        {
            return;
        }

        var index = days.FindIndex(b => b.Day == day);
        if (index >= 0)
        {
            var bucket = days[index];
            bucket.Events += events;
            bucket.Violations += violations;
            bucket.Critical += critical;
            days[index] = bucket;
        }
        else
        {
            var at = days.FindIndex(b => b.Day > day);
            days.Insert(at < 0 ? days.Count : at, new DayBucket { Day = day, Events = events, Violations = violations, Critical = critical });
        }

        days.RemoveAll(b => b.Day <= newest - DayRetention);
    }

    private void See(List<SeenValue> values, int hash, int hour)
    {
        var index = values.FindIndex(v => v.Hash == hash);
        if (index < 0)
        {
            if (values.Count >= Options.DistinctValueCapacity)
            {
                var oldest = 0;
                for (var i = 1; i < values.Count; i++)
                {
                    if (values[i].LastHour < values[oldest].LastHour)
                    {
                        oldest = i;
                    }
                }

                values.RemoveAt(oldest);
            }

            values.Add(new SeenValue { Hash = hash, LastHour = hour, Mask = 1 });
            return;
        }

        var value = values[index];
        if (hour > value.LastHour)
        {
            var shift = hour - value.LastHour;
            value.Mask = shift >= 64 ? 0 : value.Mask << shift;
            value.Mask |= 1;
            value.LastHour = hour;
        }
        else if (value.LastHour - hour < 64)
        {
            value.Mask |= 1ul << (value.LastHour - hour);
        }

        values[index] = value;
    }

    private static int CountSeen(List<SeenValue> values, int fromHour, int toHour)
    {
        var count = 0;
        foreach (var value in values)
        {
            // Bits for hours [fromHour, toHour] sit at offsets [LastHour - toHour, LastHour - fromHour].
            var low = value.LastHour - toHour;
            var high = value.LastHour - fromHour;
            if (high < 0 || low > 63)
            {
                continue;
            }

            low = Math.Max(low, 0);
            high = Math.Min(high, 63);
            var width = high - low + 1;
            var window = (width >= 64 ? ulong.MaxValue : (1ul << width) - 1) << low;
            if ((value.Mask & window) != 0)
            {
                count++;
            }
        }

        return count;
    }

    private void AddRecent(UserRollingState state, OttEvent e, int ip)
    {
        var flags = RecentEventFlags.None;
        if (RegionCodes.IsGdprArea(e.Region))
        {
            flags |= RecentEventFlags.GdprArea;
        }

        if (e.HasConsent)
        {
            flags |= RecentEventFlags.HasConsent;
        }

        state.Recent.Add(new RecentEvent { Type = e.Type, Flags = flags, Ip = ip });
        Trim(state.Recent, Options.RecentEventCapacity);
    }

    private void RememberDevice(UserRollingState state, string deviceId)
    {
        var index = state.DeviceIds.IndexOf(deviceId);
        if (index == state.DeviceIds.Count - 1 && index >= 0)
        {
            return;
        }

        if (index >= 0)
        {
            state.DeviceIds.RemoveAt(index);
        }

        state.DeviceIds.Add(deviceId);
        Trim(state.DeviceIds, Options.DistinctValueCapacity);
    }

    private static void UpdateConsent(UserRollingState state, OttEvent e)
    {
        if (state.Consent is { } current && e.Timestamp < current.AsOf)
        {
            return;
        }

        var hasConsent = e.Type switch
        {
            EventType.ConsentGranted => true,
            EventType.ConsentWithdrawn => false,
            _ => e.HasConsent,
        };
        state.Consent = new ConsentState(hasConsent, e.ConsentPurposes ?? state.Consent?.Purposes, e.Timestamp);
    }

    private static int SumHours(UserRollingState state, int from, int to)
    {
        var sum = 0;
        foreach (var bucket in state.Hours)
        {
            if (bucket.Hour >= from && bucket.Hour <= to)
            {
                sum += bucket.Events;
            }
        }

        return sum;
    }

    private static int SumDays(UserRollingState state, int from, int to, bool violations)
    {
        var sum = 0;
        foreach (var bucket in state.Days)
        {
            if (bucket.Day >= from && bucket.Day <= to)
            {
                sum += violations ? bucket.Violations : bucket.Events;
            }
        }

        return sum;
    }

    private static void Trim<T>(List<T> list, int capacity)
    {
        if (list.Count > capacity)
        {
            list.RemoveRange(0, list.Count - capacity);
        }
    }

    internal static int HourOf(long ticks) => (int)((ticks - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerHour);

    internal static int DayOf(long ticks) => (int)((ticks - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerDay);
}
