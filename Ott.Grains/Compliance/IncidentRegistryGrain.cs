using Microsoft.Extensions.Logging;
using Ott.Grains.Common;
using Ott.Grains.Alerts;
using Ott.Grains.Interfaces;

namespace Ott.Grains.Compliance;

/// <summary>Persisted incidents of the registry.</summary>
[GenerateSerializer, Alias("ott.incident-registry-state")]
public sealed class IncidentRegistryState
{
    [Id(0)] public List<Incident> Incidents { get; set; } = [];
    [Id(1)] public long Sequence { get; set; }
}

/// <summary>
/// Singleton registry of breach incidents (key 0), each with one notice clock per law of the affected regions.
/// Written on every change (incidents are rare). Keeps the last <see cref="Capacity"/> incidents.
/// </summary>
public sealed partial class IncidentRegistryGrain(
    [PersistentState("incidents", StorageNames.Grains)] IPersistentState<IncidentRegistryState> state,
    ComplianceEngine engine,
    Alerts.AlertDispatcher alerts,
    Microsoft.Extensions.Options.IOptions<Alerts.AlertOptions> alertOptions,
    TimeProvider time,
    ILogger<IncidentRegistryGrain> logger) : Grain, IIncidentRegistryGrain
{
    public const int Capacity = 10_000;

    public async Task<Incident> OpenAsync(IncidentDraft draft)
    {
        var now = time.GetUtcNow();
        var clocks = engine.BreachDeadlines(draft.Regions, now)
            .Select(d => new BreachClock(new Deadline(d.Regulation, d.Article, d.Due, d.Wording), null))
            .ToList();
        state.State.Sequence++;
        var incident = WithNextDue(new Incident
        {
            Id = $"inc-{now:yyyyMMdd}-{state.State.Sequence}",
            OpenedAt = now,
            Source = draft.Source,
            Reason = draft.Reason,
            Users = draft.Users,
            Regions = draft.Regions,
            Clocks = clocks,
        });
        state.State.Incidents.Add(incident);
        if (state.State.Incidents.Count > Capacity)
        {
            state.State.Incidents.RemoveAt(0);
        }

        await state.WriteStateAsync();
        LogOpened(logger, incident.Id, incident.Source, clocks.Count);
        await alerts.RaiseAsync(new Alert
        {
            Id = "alert-" + incident.Id,
            Kind = AlertKinds.Incident,
            Severity = incident.NextDue is { } due && due - now <= TimeSpan.FromHours(24) ? RiskLevel.Critical : RiskLevel.High,
            Title = $"Breach incident {incident.Id} opened ({incident.Source})",
            Detail = $"{incident.Reason}. Notice clocks: " + string.Join(", ", clocks.Select(c =>
                $"{c.Deadline.Regulation} {(c.Deadline.Due is { } d ? d.UtcDateTime.ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture) + " UTC" : c.Deadline.Wording)}")) + ".",
            UserId = incident.Users.Count == 1 ? incident.Users[0] : null,
            RaisedAt = now,
            Channels = alertOptions.Value.SystemChannels,
        });
        return incident;
    }

    public Task<IReadOnlyList<Incident>> ListAsync() =>
        Task.FromResult<IReadOnlyList<Incident>>(state.State.Incidents
            .OrderBy(i => i.NextDue ?? DateTimeOffset.MaxValue)
            .ThenByDescending(i => i.OpenedAt)
            .ToList());

    public async Task<Incident?> MarkNotifiedAsync(string incidentId, string regulation)
    {
        var index = state.State.Incidents.FindIndex(i => i.Id == incidentId);
        if (index < 0)
        {
            return null;
        }

        var incident = state.State.Incidents[index];
        var clock = incident.Clocks.FirstOrDefault(c => string.Equals(c.Deadline.Regulation, regulation, StringComparison.OrdinalIgnoreCase));
        if (clock is null)
        {
            return null;
        }

        if (clock.NotifiedAt is null)
        {
            var now = time.GetUtcNow();
            incident = WithNextDue(incident with
            {
                Clocks = incident.Clocks.Select(c => c == clock ? c with { NotifiedAt = now } : c).ToList(),
            });
            state.State.Incidents[index] = incident;
            await state.WriteStateAsync();
        }

        return incident;
    }

    private static Incident WithNextDue(Incident incident) => incident with
    {
        NextDue = incident.Clocks.Where(c => c.NotifiedAt is null && c.Deadline.Due is not null).Min(c => c.Deadline.Due),
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Breach incident {IncidentId} opened ({Source}) with {Clocks} notice clocks")]
    private static partial void LogOpened(ILogger logger, string incidentId, string source, int clocks);
}
