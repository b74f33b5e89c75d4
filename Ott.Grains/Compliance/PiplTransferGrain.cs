using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Ott.Grains.Common;
using Ott.Grains.Alerts;
using Ott.Grains.Interfaces;
using Ott.Grains.Logs;

namespace Ott.Grains.Compliance;

/// <summary>Persisted state of one route and year besides its persons (which are in the <see cref="IPiplPersonLog"/>).</summary>
[GenerateSerializer, Alias("ott.pipl-transfer-state")]
public sealed class PiplTransferState
{
    /// <summary>Only in state written before the person log existed; moved to the log on activation, then empty.</summary>
    [Id(0)] public HashSet<ulong> Persons { get; set; } = [];

    /// <summary>As <see cref="Persons"/>: legacy only.</summary>
    [Id(1)] public HashSet<ulong> SensitivePersons { get; set; } = [];

    [Id(2)] public List<ThresholdCrossing> Crossings { get; set; } = [];
}

/// <summary>
/// Distinct persons whose data left China on one route in one year (key <c>2026:CN-US</c>), checked against the
/// pack's PIPL thresholds; a crossing of 80 % and of 100 % of each threshold is recorded once and logged as a
/// warning. Persons are 64-bit hashes of user ids, held in memory (8 bytes each) and appended to the
/// <see cref="IPiplPersonLog"/> with the write-behind: a write costs the new persons, not the route's whole set.
/// </summary>
public sealed partial class PiplTransferGrain(
    [PersistentState("pipl", StorageNames.Grains)] IPersistentState<PiplTransferState> state,
    IOptions<WriteBehindOptions> writeBehind,
    ComplianceEngine engine,
    Alerts.AlertDispatcher alerts,
    IOptions<Alerts.AlertOptions> alertOptions,
    IPiplPersonLog personLog,
    TimeProvider time,
    ILogger<PiplTransferGrain> logger)
    : WriteBehindGrain<PiplTransferState>(state, writeBehind), IPiplTransferGrain
{
    private readonly HashSet<ulong> _persons = [];
    private readonly HashSet<ulong> _sensitive = [];

    /// <summary>Persons new to the route and not yet in the log; appended by the next write.</summary>
    private readonly List<PiplPersonRecord> _unsaved = [];

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (State.Persons.Count > 0 || State.SensitivePersons.Count > 0)
        {
            // State from before the person log: its persons go to the log with the next write, and leave the state.
            _unsaved.AddRange(State.Persons.Select(p => new PiplPersonRecord(p, Sensitive: false)));
            _unsaved.AddRange(State.SensitivePersons.Select(p => new PiplPersonRecord(p, Sensitive: true)));
            State.Persons = [];
            State.SensitivePersons = [];
        }

        await foreach (var record in personLog.ReadAsync(this.GetPrimaryKeyString(), cancellationToken))
        {
            Know(record);
        }

        foreach (var record in _unsaved)
        {
            Know(record);
        }

        await base.OnActivateAsync(cancellationToken);
        if (_unsaved.Count > 0)
        {
            await ChangedAsync(_unsaved.Count);
        }
    }

    protected override async Task BeforeWriteAsync()
    {
        if (_unsaved.Count > 0)
        {
            await personLog.AppendAsync(this.GetPrimaryKeyString(), _unsaved);
            _unsaved.Clear();
        }
    }

    public async Task RecordAsync(IReadOnlyList<PiplPerson> persons)
    {
        var (year, route) = Parse(this.GetPrimaryKeyString());
        if (_persons.Count == 0 && _sensitive.Count == 0)
        {
            await GrainFactory.GetGrain<IPiplTransferIndexGrain>(year).AddRouteAsync(route);
        }

        var before = _unsaved.Count;
        foreach (var person in persons)
        {
            Add(new PiplPersonRecord(person.PersonHash, Sensitive: false));
            if (person.Sensitive)
            {
                Add(new PiplPersonRecord(person.PersonHash, Sensitive: true));
            }
        }

        var added = _unsaved.Count - before;

        await CheckThresholdsAsync(route);
        if (added > 0)
        {
            await ChangedAsync(added);
        }
    }

    public Task<PiplRouteView> GetAsync()
    {
        var (year, route) = Parse(this.GetPrimaryKeyString());
        return Task.FromResult(new PiplRouteView
        {
            Year = year,
            Route = route,
            Persons = _persons.Count,
            SensitivePersons = _sensitive.Count,
            Thresholds = Thresholds().ToDictionary(t => t.Name, t => t.Limit),
            Crossings = State.Crossings.ToList(),
        });
    }

    /// <summary>Splits <c>2026:CN-US</c> into its year and route.</summary>
    public static (int Year, string Route) Parse(string key)
    {
        var colon = key.IndexOf(':', StringComparison.Ordinal);
        return (int.Parse(key.AsSpan(0, colon), System.Globalization.CultureInfo.InvariantCulture), key[(colon + 1)..]);
    }

    private IEnumerable<(string Name, long Limit, long Count)> Thresholds() =>
        engine.Find("PIPL")?.Transfer.VolumeThresholds is { } t
            ? PiplThresholds.Of(t, _persons.Count, _sensitive.Count)
            : [];

    private bool Know(PiplPersonRecord record) => (record.Sensitive ? _sensitive : _persons).Add(record.PersonHash);

    private void Add(PiplPersonRecord record)
    {
        if (Know(record))
        {
            _unsaved.Add(record);
        }
    }

    private async Task CheckThresholdsAsync(string route)
    {
        foreach (var crossing in PiplThresholds.NewCrossings(Thresholds(), State.Crossings, time.GetUtcNow()).ToList())
        {
            State.Crossings.Add(crossing);
            LogCrossing(logger, route, crossing.Threshold, crossing.Percent, crossing.Count, crossing.Limit);
            await alerts.RaiseAsync(new Alert
            {
                Id = $"alert-pipl-{this.GetPrimaryKeyString()}-{crossing.Threshold}-{crossing.Percent}",
                Kind = AlertKinds.PiplThreshold,
                Severity = crossing.Percent >= 100 ? RiskLevel.Critical : RiskLevel.High,
                Title = $"PIPL transfers on {route} reached {crossing.Percent}% of the {crossing.Threshold} threshold",
                Detail = $"{crossing.Count} of {crossing.Limit} persons this year (PIPL Art. 38-40: CAC assessment or standard contract thresholds).",
                RaisedAt = crossing.At,
                Channels = alertOptions.Value.SystemChannels,
            });
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "PIPL transfers on {Route} reached {Percent}% of the {Threshold} threshold ({Count} of {Limit})")]
    private static partial void LogCrossing(ILogger logger, string route, string threshold, int percent, long count, long limit);
}

/// <summary>The PIPL volume thresholds and when a count crosses 80 % and 100 % of them.</summary>
public static class PiplThresholds
{
    public static readonly IReadOnlyList<int> Percents = [80, 100];

    /// <summary>Each threshold with its limit and the count it applies to.</summary>
    public static IEnumerable<(string Name, long Limit, long Count)> Of(VolumeThresholds t, long persons, long sensitive) =>
    [
        ("persons", t.Persons, persons),
        ("persons_upper", t.PersonsUpper, persons),
        ("sensitive_persons", t.SensitivePersons, sensitive),
    ];

    /// <summary>Crossings reached now that are not among <paramref name="known"/>.</summary>
    public static IEnumerable<ThresholdCrossing> NewCrossings(
        IEnumerable<(string Name, long Limit, long Count)> thresholds, IReadOnlyCollection<ThresholdCrossing> known, DateTimeOffset now)
    {
        foreach (var (name, limit, count) in thresholds)
        {
            foreach (var percent in Percents)
            {
                if (count * 100 >= limit * percent && !known.Any(c => c.Threshold == name && c.Percent == percent))
                {
                    yield return new ThresholdCrossing(name, limit, percent, count, now);
                }
            }
        }
    }
}

/// <summary>The routes of one year (key = the year); written on the rare new route.</summary>
public sealed class PiplTransferIndexGrain(
    [PersistentState("pipl-index", StorageNames.Grains)] IPersistentState<List<string>> state) : Grain, IPiplTransferIndexGrain
{
    public async Task AddRouteAsync(string route)
    {
        if (!state.State.Contains(route))
        {
            state.State.Add(route);
            await state.WriteStateAsync();
        }
    }

    public Task<IReadOnlyList<string>> GetRoutesAsync() => Task.FromResult<IReadOnlyList<string>>(state.State.ToList());
}
