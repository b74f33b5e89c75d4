using Ott.Grains.Common;
using Ott.Grains.Geo;
using Ott.Grains.Interfaces;
using Ott.Grains.Users;

namespace Ott.Grains.Compliance;

/// <summary>A person to count on a PIPL transfer route for a calendar year.</summary>
public sealed record PiplTransfer(int Year, string Route, PiplPerson Person);

/// <summary>What stage 1 produced for one event, besides the verdict: things to tell other grains.</summary>
public sealed record ComplianceOutcome(
    ComplianceVerdict Verdict,
    DataSubjectRequest? OpenedRequest,
    IncidentDraft? Incident,
    IReadOnlyList<PiplTransfer> PiplTransfers);

/// <summary>
/// Stage 1 of the user grain: judges the event with the user's open requests, and updates the user's compliance
/// state (recent violations, open requests, incident cooldown, PIPL routes counted). Pure over the state.
/// </summary>
public sealed class ComplianceStage(ComplianceEngine engine, ComplianceOptions options)
{
    public const int MaxViolationsKept = 20;
    public const int MaxOpenRequests = 10;
    public const int MaxPiplRoutes = 32;
    private const string China = "CN";

    public ComplianceEngine Engine { get; } = engine;

    public ComplianceOutcome Run(UserRollingState state, OttEvent e, RollingFeatures features)
    {
        var overdue = state.OpenRequests
            .SelectMany(r => r.Deadlines
                .Where(d => d.Due < e.Timestamp)
                .Select(d => new OverdueRequest(r.RequestId, d.Regulation, d.Article, d.Due!.Value)))
            .ToList();
        var verdict = Engine.Judge(e, overdue);

        foreach (var violation in verdict.Violations)
        {
            state.Violations.Add(new UserViolation(e.EventId, e.Timestamp, violation));
        }

        if (state.Violations.Count > MaxViolationsKept)
        {
            state.Violations.RemoveRange(0, state.Violations.Count - MaxViolationsKept);
        }

        return new ComplianceOutcome(verdict, OpenRequest(state, e), Incident(state, e, features), Pipl(state, e));
    }

    /// <summary>Removes a completed request from the user's open requests.</summary>
    public static bool Complete(UserRollingState state, string requestId) =>
        state.OpenRequests.RemoveAll(r => r.RequestId == requestId) > 0;

    private DataSubjectRequest? OpenRequest(UserRollingState state, OttEvent e)
    {
        if (e.Type != EventType.DataDeletionRequest || state.OpenRequests.Any(r => r.RequestId == e.EventId))
        {
            return null;
        }

        var deadlines = Engine.RequestDeadlines(e.Region, e.Timestamp)
            .Select(d => new Deadline(d.Regulation, d.Article, d.Due, d.Wording))
            .ToList();
        if (deadlines.Count == 0)
        {
            return null;
        }

        var request = new DataSubjectRequest
        {
            RequestId = e.EventId,
            UserId = e.UserId,
            Region = e.Region,
            OpenedAt = e.Timestamp,
            Deadlines = deadlines,
        };
        state.OpenRequests.Add(request);
        if (state.OpenRequests.Count > MaxOpenRequests)
        {
            state.OpenRequests.RemoveAt(0);
        }

        return request;
    }

    private IncidentDraft? Incident(UserRollingState state, OttEvent e, RollingFeatures features)
    {
        if (!e.Type.IsDataAccess())
        {
            return null;
        }

        var records = features.RecordsAccessedLastHour >= options.BreachRecordsPerHour;
        var events = features.DataAccessLastHour >= options.BreachAccessEventsPerHour;
        if (!(records || events) || (state.LastIncidentAt is { } last && e.Timestamp - last < options.IncidentCooldown))
        {
            return null;
        }

        state.LastIncidentAt = e.Timestamp;
        var reason = records
            ? $"user {e.UserId} accessed {features.RecordsAccessedLastHour} records in an hour (threshold {options.BreachRecordsPerHour})"
            : $"user {e.UserId} made {features.DataAccessLastHour} data-access requests in an hour (threshold {options.BreachAccessEventsPerHour})";
        return new IncidentDraft("automatic", reason, [e.UserId], [e.Region]);
    }

    private static List<PiplTransfer> Pipl(UserRollingState state, OttEvent e)
    {
        var transfers = new List<PiplTransfer>();
        if (RegionCodes.CountryOf(e.Region) != China || e.ProcessingRegion is not { } processing
            || RegionCodes.CountryOf(processing) == China)
        {
            return transfers;
        }

        var route = $"{China}-{RegionCodes.CountryOf(processing)}";
        var year = e.Timestamp.Year;
        var key = $"{year}:{route}";
        var sensitive = e.UserAge is < 14 || (e.ConsentPurposes?.Contains("sensitive_data") ?? false);
        var hash = Fnv1a.Hash64(e.UserId);
        if (!state.PiplCounted.Contains(key))
        {
            state.PiplCounted.Add(key);
            transfers.Add(new PiplTransfer(year, route, new PiplPerson(hash, sensitive)));
            if (sensitive)
            {
                state.PiplCounted.Add(key + ":sensitive");
            }
        }
        else if (sensitive && !state.PiplCounted.Contains(key + ":sensitive"))
        {
            state.PiplCounted.Add(key + ":sensitive");
            transfers.Add(new PiplTransfer(year, route, new PiplPerson(hash, true)));
        }

        if (state.PiplCounted.Count > MaxPiplRoutes)
        {
            state.PiplCounted.RemoveRange(0, state.PiplCounted.Count - MaxPiplRoutes);
        }

        return transfers;
    }
}
