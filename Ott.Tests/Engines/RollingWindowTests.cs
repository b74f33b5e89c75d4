using Ott.Grains.Interfaces;
using Ott.Grains.Users;
using Ott.Tests.Support;
using static Ott.Tests.Support.TestEvents;

namespace Ott.Tests.Engines;

public class RollingWindowTests
{
    private readonly RollingWindow _window = new(new RollingWindowOptions());
    private UserRollingState _state = null!;
    private const string User = "user_rw";

    [SetUp]
    public void NewState() => _state = new UserRollingState();

    private Observation Observe(TimeSpan offset, EventType type = EventType.Play, string ip = "198.51.100.1",
        string region = "US", string device = "tv_1", long? records = null) =>
        _window.Observe(_state, Event(User, type, T0 + offset, region: region, ip: ip, device: device, records: records));

    [Test]
    public void OneHourWindow_ExcludesEventExactlyOneHourEarlier_IncludesOneTickLater()
    {
        Observe(TimeSpan.Zero);
        Observe(TimeSpan.FromTicks(1));
        Observe(TimeSpan.FromMinutes(30));

        var observation = Observe(TimeSpan.FromHours(1));

        Assert.That(observation.Features.EventsLastHour, Is.EqualTo(3), "(T0, T0+1h] holds T0+1tick, T0+30m, T0+1h");
    }

    [Test]
    public void LateEvent_WithinTolerance_IsPlacedByEventTime()
    {
        Observe(TimeSpan.FromMinutes(0));
        Observe(TimeSpan.FromMinutes(100));

        var late = Observe(TimeSpan.FromMinutes(50));

        Assert.Multiple(() =>
        {
            Assert.That(late.TooLate, Is.False);
            Assert.That(late.Features.EventsLastHour, Is.EqualTo(2), "(T0-10m, T0+50m] holds T0 and the late event, not T0+100m");
        });

        var next = Observe(TimeSpan.FromMinutes(101));
        Assert.That(next.Features.EventsLastHour, Is.EqualTo(3), "(T0+41m, T0+101m] holds the late event, T0+100m and T0+101m");
    }

    [Test]
    public void LateEvent_BeyondTolerance_IsFlaggedAndKeptOutOfTheExactWindow()
    {
        Observe(TimeSpan.FromHours(3));

        var late = Observe(TimeSpan.FromHours(1) + TimeSpan.FromMinutes(59));

        Assert.Multiple(() =>
        {
            Assert.That(late.TooLate, Is.True);
            Assert.That(late.Features.EventsLastHour, Is.EqualTo(0));
            Assert.That(_state.TotalEvents, Is.EqualTo(2));
            Assert.That(late.Features.EventsLast24Hours, Is.EqualTo(1), "as of its own time, the later event is not in its window");
            Assert.That(_window.Current(_state).EventsLast24Hours, Is.EqualTo(2), "hour buckets still count it");
        });
    }

    [Test]
    public void DayWindow_IsTheEventHourAndThe23Before()
    {
        Observe(TimeSpan.Zero);                          // 12:00 day 1
        var at23 = Observe(TimeSpan.FromHours(23));      // 11:00 day 2: hours 12:00 day 1 .. 11:00 day 2
        var at24 = Observe(TimeSpan.FromHours(24));      // 12:00 day 2: hours 13:00 day 1 .. 12:00 day 2

        Assert.Multiple(() =>
        {
            Assert.That(at23.Features.EventsLast24Hours, Is.EqualTo(2));
            Assert.That(at24.Features.EventsLast24Hours, Is.EqualTo(2), "T0's hour has left the window");
        });
    }

    [Test]
    public void WeekAndMonthWindows_CountUtcDays()
    {
        Observe(TimeSpan.Zero);                // day 0
        Observe(TimeSpan.FromDays(6));         // day 6
        var day7 = Observe(TimeSpan.FromDays(7));
        var day29 = Observe(TimeSpan.FromDays(29));
        var day30 = Observe(TimeSpan.FromDays(30));

        Assert.Multiple(() =>
        {
            Assert.That(day7.Features.EventsLast7Days, Is.EqualTo(2), "days 1-7 hold day 6 and day 7");
            Assert.That(day7.Features.EventsLast30Days, Is.EqualTo(3));
            Assert.That(day29.Features.EventsLast30Days, Is.EqualTo(4), "days 0-29");
            Assert.That(day30.Features.EventsLast30Days, Is.EqualTo(4), "days 1-30: day 0 left");
        });
    }

    [Test]
    public void DistinctCounts_OneHourExact_DayByHour()
    {
        Observe(TimeSpan.Zero, ip: "10.0.0.1", region: "US", device: "a");
        Observe(TimeSpan.FromMinutes(10), ip: "10.0.0.2", region: "US-CA", device: "b");
        Observe(TimeSpan.FromMinutes(20), ip: "10.0.0.1", region: "DE", device: "a");
        var observation = Observe(TimeSpan.FromMinutes(70), ip: "10.0.0.3", region: "FR", device: "c");

        Assert.Multiple(() =>
        {
            var f = observation.Features;
            Assert.That(f.DistinctIpsLastHour, Is.EqualTo(2), "(T0+10m, T0+70m] holds 10.0.0.1 (T0+20m) and 10.0.0.3 (T0+70m)");
            Assert.That(f.DistinctRegionsLastHour, Is.EqualTo(2), "DE and FR");
            Assert.That(f.DistinctIpsLast24Hours, Is.EqualTo(3));
            Assert.That(f.DistinctRegionsLast24Hours, Is.EqualTo(3), "US and US-CA are one country");
            Assert.That(f.DistinctDevicesLast24Hours, Is.EqualTo(3));
        });
    }

    [Test]
    public void DistinctValues_SaturateAtTheConfiguredCapacity()
    {
        for (var i = 0; i < 40; i++)
        {
            Observe(TimeSpan.FromSeconds(i), ip: $"10.0.1.{i}");
        }

        var f = Observe(TimeSpan.FromSeconds(41), ip: "10.0.2.1").Features;
        Assert.Multiple(() =>
        {
            Assert.That(f.DistinctIpsLast24Hours, Is.EqualTo(32));
            Assert.That(f.DistinctIpsLastHour, Is.EqualTo(41), "the 1 h window is exact from the detail list");
            Assert.That(_state.Ips, Has.Count.EqualTo(32));
        });
    }

    [Test]
    public void AuthFailures_CountedWithTheirDistinctIps()
    {
        Observe(TimeSpan.Zero, EventType.LoginFailed, ip: "10.0.0.1");
        Observe(TimeSpan.FromMinutes(1), EventType.TokenRefreshFailed, ip: "10.0.0.2");
        Observe(TimeSpan.FromMinutes(2), EventType.Login, ip: "10.0.0.3");
        var f = Observe(TimeSpan.FromMinutes(3), EventType.LoginFailed, ip: "10.0.0.2").Features;

        Assert.Multiple(() =>
        {
            Assert.That(f.AuthFailuresLastHour, Is.EqualTo(3));
            Assert.That(f.AuthFailureIpsLastHour, Is.EqualTo(2));
        });
    }

    [Test]
    public void Errors_CountOnlyTheLast50EventsInArrivalOrder()
    {
        for (var i = 0; i < 10; i++)
        {
            Observe(TimeSpan.FromSeconds(i), EventType.Error);
        }

        for (var i = 10; i < 59; i++)
        {
            Observe(TimeSpan.FromSeconds(i));
        }

        var f = Observe(TimeSpan.FromSeconds(59), EventType.PaymentFailed).Features;
        Assert.Multiple(() =>
        {
            Assert.That(f.ErrorsInLast50Events, Is.EqualTo(1), "the 10 errors are events 1-10 of 60; only the last payment_failed is in the last 50");
            Assert.That(f.EventsInErrorWindow, Is.EqualTo(50));
        });
    }

    [Test]
    public void DataAccess_CountsEventsAndRecordsInTheHour_AndKeepsTheNorm()
    {
        Observe(TimeSpan.Zero, EventType.Export, records: 10);
        Observe(TimeSpan.FromMinutes(5), EventType.Play, records: 1000);
        var last = Observe(TimeSpan.FromMinutes(10), EventType.Download, records: 30);

        Assert.Multiple(() =>
        {
            Assert.That(last.Features.DataAccessLastHour, Is.EqualTo(2));
            Assert.That(last.Features.RecordsAccessedLastHour, Is.EqualTo(40), "play is not a data-access event");
            Assert.That(last.PriorDataAccessEventsWithRecords, Is.EqualTo(1));
            Assert.That(last.PriorDataAccessRecords, Is.EqualTo(10));
            Assert.That(_state.DataAccessRecords, Is.EqualTo(40));
        });
    }

    [Test]
    public void AccountAge_UsesAccountCreatedAtWhenSent_ElseFirstEvent()
    {
        Observe(TimeSpan.Zero);
        var withoutCreated = Observe(TimeSpan.FromDays(3));
        var withCreated = _window.Observe(_state, Event(User, at: T0 + TimeSpan.FromDays(4), accountCreatedAt: T0 - TimeSpan.FromDays(96)));

        Assert.Multiple(() =>
        {
            Assert.That(withoutCreated.AccountAgeDays, Is.EqualTo(3.0));
            Assert.That(withCreated.AccountAgeDays, Is.EqualTo(100.0));
        });
    }

    [Test]
    public void Consent_FollowsTheNewestEventByEventTime()
    {
        _window.Observe(_state, Event(User, at: T0 + TimeSpan.FromMinutes(10), hasConsent: true));
        _window.Observe(_state, Event(User, at: T0, hasConsent: false));
        Assert.That(_state.Consent!.HasConsent, Is.True, "an older event does not overwrite newer consent");

        _window.Observe(_state, Event(User, EventType.ConsentWithdrawn, at: T0 + TimeSpan.FromMinutes(20), hasConsent: true));
        Assert.That(_state.Consent!.HasConsent, Is.False, "consent_withdrawn withdraws whatever has_consent says");
    }

    [Test]
    public void Redelivery_IsRecognisedByEventId()
    {
        var e = Event(User);
        _window.Observe(_state, e);
        _window.Remember(_state, new AssessmentSummary(e.EventId, e.Type, e.Timestamp, 0, RiskLevel.Low, []));

        Assert.Multiple(() =>
        {
            Assert.That(_window.WasSeen(_state, e.EventId), Is.True);
            Assert.That(_window.WasSeen(_state, "other"), Is.False);
        });
    }

    [Test]
    public void StateSize_StaysBoundedUnderAFlood()
    {
        var random = new Random(7);
        for (var i = 0; i < 20_000; i++)
        {
            var e = Event(User, (EventType)random.Next(1, 24), T0 + TimeSpan.FromSeconds(i * 7),
                region: random.Next(3) switch { 0 => "US", 1 => "DE", _ => "JP" },
                ip: $"10.{random.Next(256)}.{random.Next(256)}.{random.Next(256)}", device: $"dev_{random.Next(500)}",
                records: random.Next(100));
            _window.Observe(_state, e);
            _window.Remember(_state, new AssessmentSummary(e.EventId, e.Type, e.Timestamp, 12.5, RiskLevel.Critical,
                ["auth_or_playback_error", "eu_no_consent", "multi_region_access", "high_frequency_activity"]));
        }

        var bytes = StateSize.Of(_state);
        Assert.Multiple(() =>
        {
            Assert.That(_state.Detail, Has.Count.LessThanOrEqualTo(256));
            Assert.That(_state.Hours, Has.Count.LessThanOrEqualTo(26));
            Assert.That(_state.Days, Has.Count.LessThanOrEqualTo(31));
            Assert.That(_state.RecentAssessments, Has.Count.EqualTo(50));
            Assert.That(bytes, Is.LessThan(StateSize.UserStateBound), $"serialized user state was {bytes} bytes");
        });
        TestContext.Out.WriteLine($"user state after 20,000 events: {bytes} bytes");
    }

    [Test]
    public void StateSize_OfATypicalViewer_IsSmall()
    {
        for (var i = 0; i < 200; i++)
        {
            var e = Event(User, i % 10 == 0 ? EventType.Pause : EventType.Play, T0 + TimeSpan.FromMinutes(i * 37), ip: i % 3 == 0 ? "10.0.0.1" : "10.0.0.2");
            _window.Observe(_state, e);
            _window.Remember(_state, new AssessmentSummary(e.EventId, e.Type, e.Timestamp, 0, RiskLevel.Low, []));
        }

        var bytes = StateSize.Of(_state);
        Assert.That(bytes, Is.LessThan(StateSize.TypicalUserStateBound), $"serialized user state was {bytes} bytes");
        TestContext.Out.WriteLine($"typical user state after 200 events over 5 days: {bytes} bytes");
    }
}
