using System.Globalization;
using Ott.Grains.Geo;
using Ott.Grains.Interfaces;

namespace Ott.Grains.Simulation;

/// <summary>The attack behaviours: when the episodes happen and what each one sends.</summary>
internal sealed partial class SimulatedUser
{
    private Partner[] _partners = [];
    private Partner _exfiltrationChannel;

    /// <summary>
    /// Start times of the attack episodes, ascending; the first is the onset. Onsets fall 30-60 % into the period
    /// (bulk exfiltration: the first local night from 30 % on), so the account has normal activity before.
    /// </summary>
    private long[] PlanAttack()
    {
        var onsetFrom = _start + (long)(_span * 0.3);
        var onsetTo = _start + (long)(_span * 0.6);
        switch (_scenario)
        {
            case ScenarioSimulator.CredentialStuffing:
                return Repeated(onsetFrom, onsetTo, _random.Next(1, 4), 2 * Hour, 10 * Hour);

            case ScenarioSimulator.AccountSharing:
                _partners = DrawPartners(_random.Next(2, 4));
                return Repeated(onsetFrom, onsetTo, _random.Next(2, 5), 3 * Hour, 9 * Hour);

            case ScenarioSimulator.BulkExfiltration:
                _exfiltrationChannel = _random.NextDouble() < 0.5
                    ? new Partner(_home, _homeIp, _devices[0].Id)
                    : new Partner(_home, SimulatedWorld.RandomIp(_random, _home), Id("-x-cli"));
                return Nights(onsetFrom, _random.Next(1, 3));

            case ScenarioSimulator.EuTrackingWithoutConsent:
                return Repeated(onsetFrom, onsetTo, _random.Next(2, 5), 1 * Hour, 6 * Hour);

            default:
                throw new InvalidOperationException($"No attack for scenario '{_scenario}'.");
        }
    }

    private void FillEpisode(long start)
    {
        _buffer.Clear();
        switch (_scenario)
        {
            case ScenarioSimulator.CredentialStuffing:
                FillStuffingBurst(start);
                break;
            case ScenarioSimulator.AccountSharing:
                FillSharing(start);
                break;
            case ScenarioSimulator.BulkExfiltration:
                FillExfiltration(start);
                break;
            default:
                FillTracking(start);
                break;
        }

        _buffer.Sort(static (a, b) => a.Ticks != b.Ticks ? a.Ticks.CompareTo(b.Ticks) : a.Order.CompareTo(b.Order));
    }

    /// <summary>8-30 login_failed 2-20 s apart, each from a new IP and bot device in a random origin country, then a login.</summary>
    private void FillStuffingBurst(long start)
    {
        var attempts = _random.Next(8, 31);
        var t = start;
        var attempt = default(Draft);
        for (var i = 0; i < attempts; i++)
        {
            var place = SimulatedWorld.StuffingOrigins[_random.Next(SimulatedWorld.StuffingOrigins.Length)];
            attempt = new Draft
            {
                Ticks = t,
                Type = EventType.LoginFailed,
                Place = place,
                Ip = SimulatedWorld.RandomIp(_random, place),
                Device = Id(string.Create(CultureInfo.InvariantCulture, $"-x{_random.Next(1 << 20):x5}")),
                Content = "account",
                HasConsent = true,
                ErrorCode = "invalid_credentials",
            };
            Add(attempt);
            t += Millis(2, 20);
        }

        Add(attempt with { Ticks = t, Type = EventType.Login, ErrorCode = null });
    }

    /// <summary>The owner at home and every partner each watch a little within the hour: 3-4 countries and devices.</summary>
    private void FillSharing(long start)
    {
        WatchBriefly(start, new Partner(_home, _homeIp, _devices[0].Id));
        foreach (var partner in _partners)
        {
            WatchBriefly(start, partner);
        }
    }

    /// <summary>Starts within 25 min of the episode, then 2-5 more events 1-6 min apart, the last a stop (55 min at most).</summary>
    private void WatchBriefly(long episodeStart, Partner where)
    {
        var watch = new Draft { Place = where.Place, Ip = where.Ip, Device = where.Device, Content = Title(), HasConsent = true };
        var t = episodeStart + Millis(0, 25 * 60);
        Add(watch with { Ticks = t, Type = EventType.Play });
        var more = _random.Next(2, 6);
        for (var i = 0; i < more; i++)
        {
            t += Millis(60, 6 * 60);
            var type = i == more - 1 ? EventType.Stop : _random.Next(3) switch
            {
                0 => EventType.Pause,
                1 => EventType.Seek,
                _ => EventType.Play,
            };
            Add(watch with { Ticks = t, Type = type });
        }
    }

    /// <summary>8-25 export / bulk_download / download of 1,000-50,000 records each, 30-120 s apart.</summary>
    private void FillExfiltration(long start)
    {
        var channel = new Draft
        {
            Place = _exfiltrationChannel.Place,
            Ip = _exfiltrationChannel.Ip,
            Device = _exfiltrationChannel.Device,
            Content = "account",
            HasConsent = true,
        };
        var requests = _random.Next(8, 26);
        var t = start;
        for (var i = 0; i < requests; i++)
        {
            var roll = _random.NextDouble();
            var (type, content) = roll < 0.35 ? (EventType.Export, "catalog_export")
                : roll < 0.7 ? (EventType.BulkDownload, "library_bulk")
                : (EventType.Download, Title());
            Add(channel with { Ticks = t, Type = type, Content = content, Records = _random.Next(1_000, 50_001) });
            t += Millis(30, 120);
        }
    }

    /// <summary>20-60 events 5-55 s apart at home, purpose advertising (60 %) or personalisation, without consent.</summary>
    private void FillTracking(long start)
    {
        var device = _devices[_random.Next(_devices.Length)];
        var tracked = new Draft { Place = _home, Ip = _homeIp, Device = device.Id, Content = Title(), HasConsent = false };
        var events = _random.Next(20, 61);
        var t = start;
        for (var i = 0; i < events; i++)
        {
            var roll = _random.NextDouble();
            var type = roll switch
            {
                < 0.3 => EventType.Play,
                < 0.5 => EventType.Seek,
                < 0.7 => EventType.Pause,
                < 0.8 => EventType.Share,
                < 0.9 => EventType.ProfileUpdate,
                _ => EventType.Stop,
            };
            var purpose = _random.NextDouble() < 0.6 ? ProcessingPurpose.Advertising : ProcessingPurpose.Personalisation;
            Add(tracked with { Ticks = t, Type = type, Purpose = purpose });
            t += Millis(5, 55);
        }
    }

    /// <summary>A first start in [from, to), then up to count - 1 more, each min..max gap after the previous, before the end.</summary>
    private long[] Repeated(long from, long to, int count, long minGap, long maxGap)
    {
        var starts = new List<long>(count) { CeilMs(Uniform(from, to)) };
        while (starts.Count < count)
        {
            var next = CeilMs(starts[^1] + Uniform(minGap, maxGap));
            if (next >= _end)
            {
                break;
            }

            starts.Add(next);
        }

        return [.. starts];
    }

    /// <summary>
    /// Starts in 01:00-02:50 local time of up to <paramref name="count"/> consecutive nights, from the first night
    /// starting at or after <paramref name="preferredFrom"/> (else the last night in the period, else any).
    /// </summary>
    private long[] Nights(long preferredFrom, int count)
    {
        var windows = new List<(long From, long To)>();
        for (var day = LocalMidnight(_start) - Day; day - _offset < _end; day += Day)
        {
            var from = Math.Max(day - _offset + Hour, _start);
            var to = Math.Min(day - _offset + (2 * Hour) + (50 * Minute), _end);
            if (from < to)
            {
                windows.Add((from, to));
            }
        }

        var first = windows.FindIndex(w => w.From >= preferredFrom);
        var starts = Pick(first < 0 ? windows.Count - 1 : first);
        return starts.Count > 0 ? [.. starts] : [.. Pick(0)];

        List<long> Pick(int from)
        {
            var picked = new List<long>(count);
            for (var i = Math.Max(from, 0); i < windows.Count && picked.Count < count; i++)
            {
                var start = CeilMs(Uniform(windows[i].From, windows[i].To));
                if (start < windows[i].To)
                {
                    picked.Add(start);
                }
            }

            return picked;
        }
    }

    /// <summary>Partners in distinct countries, none the owner's, each with a stable IP and device.</summary>
    private Partner[] DrawPartners(int count)
    {
        var countries = new HashSet<string>(StringComparer.Ordinal) { RegionCodes.CountryOf(SimulatedWorld.Places[_home].Region) };
        var partners = new Partner[count];
        for (var i = 0; i < count;)
        {
            var place = SimulatedWorld.SharingPartners[_random.Next(SimulatedWorld.SharingPartners.Length)];
            if (countries.Add(RegionCodes.CountryOf(SimulatedWorld.Places[place].Region)))
            {
                partners[i] = new Partner(place, SimulatedWorld.RandomIp(_random, place),
                    Id(string.Create(CultureInfo.InvariantCulture, $"-p{i}")));
                i++;
            }
        }

        return partners;
    }

    private string Id(string suffix) => string.Concat(_userId, suffix);

    /// <summary>Where someone other than the owner's usual self acts from.</summary>
    private readonly record struct Partner(int Place, uint Ip, string Device);
}
