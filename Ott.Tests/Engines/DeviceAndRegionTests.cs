using Ott.Grains.Devices;
using Ott.Grains.Interfaces;
using Ott.Grains.Regions;
using static Ott.Tests.Support.TestEvents;

namespace Ott.Tests.Engines;

public class DeviceAndRegionTests
{
    [Test]
    public void Device_MergesUsage_AndDerivesSharingFromTheWindow()
    {
        var book = new DeviceBook(new DeviceOptions { SharingWindowDays = 30, SharedMinUsers = 2 });
        var state = new DeviceState();

        book.Record(state, [new DeviceUsage("u1", "10.0.0.1", 3, T0, T0.AddMinutes(5))]);
        book.Record(state, [new DeviceUsage("u2", "10.0.0.2", 1, T0.AddDays(-40), T0.AddDays(-40)), new DeviceUsage("u1", "10.0.0.1", 2, T0.AddHours(1), T0.AddHours(2))]);
        var view = book.View("tv", state);

        Assert.Multiple(() =>
        {
            Assert.That(view.TotalEvents, Is.EqualTo(6));
            Assert.That(view.FirstSeen, Is.EqualTo(T0.AddDays(-40)));
            Assert.That(view.LastSeen, Is.EqualTo(T0.AddHours(2)));
            Assert.That(view.Users.Select(u => (u.Id, u.Events)), Is.EqualTo(new[] { ("u1", 5L), ("u2", 1L) }));
            Assert.That(view.UsersInSharingWindow, Is.EqualTo(1), "u2 was last seen 40 days before the device's latest event");
            Assert.That(view.IsShared, Is.False);
        });

        book.Record(state, [new DeviceUsage("u3", "10.0.0.3", 1, T0.AddHours(3), T0.AddHours(3))]);
        Assert.That(book.View("tv", state).IsShared, Is.True);
    }

    [Test]
    public void Device_EvictsTheLeastRecentlySeenUserBeyondTheCap()
    {
        var book = new DeviceBook(new DeviceOptions { MaxUsers = 2 });
        var state = new DeviceState();
        book.Record(state, [
            new DeviceUsage("old", "ip", 1, T0, T0),
            new DeviceUsage("mid", "ip", 1, T0.AddMinutes(1), T0.AddMinutes(1)),
            new DeviceUsage("new", "ip", 1, T0.AddMinutes(2), T0.AddMinutes(2)),
        ]);

        Assert.That(book.View("d", state).Users.Select(u => u.Id), Is.EqualTo(new[] { "new", "mid" }));
    }

    [Test]
    public void Region_AddsDeltas_AndKeeps35Days()
    {
        var state = new RegionState();
        var day0 = DateOnly.FromDateTime(T0.UtcDateTime);
        RegionTally.Add(state, new RegionDelta(
            new Dictionary<EventType, long> { [EventType.Play] = 3, [EventType.Error] = 1 },
            new Dictionary<RiskLevel, long> { [RiskLevel.Low] = 3, [RiskLevel.High] = 1 },
            [new RegionDayCounts(day0, 4, 1, 0)], T0));
        RegionTally.Add(state, new RegionDelta(
            new Dictionary<EventType, long> { [EventType.Play] = 2 },
            new Dictionary<RiskLevel, long> { [RiskLevel.Low] = 2 },
            [new RegionDayCounts(day0, 2, 0, 0), new RegionDayCounts(day0.AddDays(35), 1, 0, 0)], T0.AddDays(35)));

        var view = RegionTally.View("DE", state);
        Assert.Multiple(() =>
        {
            Assert.That(view.TotalEvents, Is.EqualTo(6));
            Assert.That(view.EventsByType[EventType.Play], Is.EqualTo(5));
            Assert.That(view.AssessmentsByLevel[RiskLevel.Low], Is.EqualTo(5));
            Assert.That(view.Days.Select(d => d.Date), Is.EqualTo(new[] { day0.AddDays(35) }), "day 0 is 35 days before the newest");
            Assert.That(view.LastEventTime, Is.EqualTo(T0.AddDays(35)));
        });
    }
}
