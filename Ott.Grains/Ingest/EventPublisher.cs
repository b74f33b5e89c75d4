using Orleans.Streams;
using Ott.Grains.Interfaces;

namespace Ott.Grains.Ingest;

/// <summary>
/// Publishes events to the per-user streams: one batch per user, all users in parallel. Shared by the ingest
/// grain and the replay service so both publish the same way.
/// </summary>
public static class EventPublisher
{
    /// <summary>
    /// Publishes <paramref name="events"/>; returns the events whose publish failed (they stay in the event log as
    /// unassessed and are replayed later).
    /// </summary>
    public static async Task<IReadOnlyList<OttEvent>> PublishAsync(IStreamProvider provider, IEnumerable<OttEvent> events)
    {
        var groups = new Dictionary<string, List<OttEvent>>(StringComparer.Ordinal);
        foreach (var e in events)
        {
            if (!groups.TryGetValue(e.UserId, out var list))
            {
                groups[e.UserId] = list = new List<OttEvent>(1);
            }

            list.Add(e);
        }

        if (groups.Count == 1)
        {
            var (user, list) = groups.First();
            return await PublishOneAsync(provider, user, list) ? [] : list;
        }

        var users = groups.Keys.ToArray();
        var results = await Task.WhenAll(users.Select(user => PublishOneAsync(provider, user, groups[user])));
        var failed = new List<OttEvent>();
        for (var i = 0; i < users.Length; i++)
        {
            if (!results[i])
            {
                failed.AddRange(groups[users[i]]);
            }
        }

        return failed;
    }

    private static async Task<bool> PublishOneAsync(IStreamProvider provider, string userId, List<OttEvent> events)
    {
        try
        {
            var stream = provider.GetStream<OttEvent>(StreamId.Create(EventStreams.Namespace, userId));
            if (events.Count == 1)
            {
                await stream.OnNextAsync(events[0]);
            }
            else
            {
                await stream.OnNextBatchAsync(events);
            }

            return true;
        }
        catch (Exception)
        {
            // The queue is full or unreachable; the events are in the log and the replay service republishes them.
            return false;
        }
    }
}
