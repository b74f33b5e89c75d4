using Ott.Grains.Common;
using Ott.Grains.Interfaces;

namespace Ott.Grains.Compliance;

/// <summary>Persisted requests of the registry.</summary>
[GenerateSerializer, Alias("ott.request-registry-state")]
public sealed class RequestRegistryState
{
    [Id(0)] public List<DataSubjectRequest> Requests { get; set; } = [];
}

/// <summary>
/// Singleton index of data-subject requests (key 0). Written on every change: changes are rare (a request opens
/// or completes). Keeps at most <see cref="Capacity"/> requests, dropping the oldest completed ones first.
/// </summary>
public sealed class RequestRegistryGrain(
    [PersistentState("requests", StorageNames.Grains)] IPersistentState<RequestRegistryState> state,
    TimeProvider time) : Grain, IRequestRegistryGrain
{
    public const int Capacity = 100_000;

    public async Task OpenAsync(DataSubjectRequest request)
    {
        if (state.State.Requests.Any(r => r.RequestId == request.RequestId))
        {
            return;
        }

        state.State.Requests.Add(request);
        if (state.State.Requests.Count > Capacity)
        {
            var oldest = state.State.Requests.FindIndex(r => r.CompletedAt is not null);
            state.State.Requests.RemoveAt(oldest >= 0 ? oldest : 0);
        }

        await state.WriteStateAsync();
    }

    public Task<IReadOnlyList<DataSubjectRequestView>> ListAsync(string? status)
    {
        var now = time.GetUtcNow();
        IReadOnlyList<DataSubjectRequestView> views = state.State.Requests
            .Select(r => View(r, now))
            .Where(v => status is null || v.Status == status || (status == "open" && v.Status == "overdue"))
            .OrderBy(v => v.NextDue ?? DateTimeOffset.MaxValue)
            .ThenBy(v => v.Request.OpenedAt)
            .ToList();
        return Task.FromResult(views);
    }

    public async Task<int> CompleteForUserAsync(string userId)
    {
        var now = time.GetUtcNow();
        var completed = 0;
        for (var i = 0; i < state.State.Requests.Count; i++)
        {
            if (state.State.Requests[i] is { CompletedAt: null } r && r.UserId == userId)
            {
                state.State.Requests[i] = r with { CompletedAt = now };
                completed++;
            }
        }

        if (completed > 0)
        {
            await state.WriteStateAsync();
        }

        return completed;
    }

    public async Task<DataSubjectRequestView?> CompleteAsync(string requestId)
    {
        var index = state.State.Requests.FindIndex(r => r.RequestId == requestId);
        if (index < 0)
        {
            return null;
        }

        var request = state.State.Requests[index];
        if (request.CompletedAt is null)
        {
            request = request with { CompletedAt = time.GetUtcNow() };
            state.State.Requests[index] = request;
            await state.WriteStateAsync();
            await GrainFactory.GetGrain<IUserGrain>(request.UserId).CompleteRequestAsync(requestId);
        }

        return View(request, time.GetUtcNow());
    }

    /// <summary>Status as of <paramref name="now"/>: completed, overdue (a deadline passed) or open.</summary>
    public static DataSubjectRequestView View(DataSubjectRequest request, DateTimeOffset now)
    {
        if (request.CompletedAt is not null)
        {
            return new DataSubjectRequestView(request, "completed", null, []);
        }

        var overdue = request.Deadlines.Where(d => d.Due < now).Select(d => d.Regulation).ToList();
        var next = request.Deadlines.Where(d => d.Due is not null).Min(d => d.Due);
        return new DataSubjectRequestView(request, overdue.Count > 0 ? "overdue" : "open", next, overdue);
    }
}
