namespace Ott.Tests.Support;

/// <summary>Waits on a condition with a deadline (no fixed sleeps); the failure says what was expected and what was seen.</summary>
public static class Eventually
{
    public static async Task<T> WaitAsync<T>(Func<Task<T>> probe, Func<T, bool> done, string expectation, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        using var poll = new PeriodicTimer(TimeSpan.FromMilliseconds(25));
        T last;
        Exception? lastError = null;
        while (true)
        {
            try
            {
                last = await probe();
                if (done(last))
                {
                    return last;
                }
            }
            catch (Exception ex)
            {
                last = default!;
                lastError = ex;
            }

            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out waiting for: {expectation}. Last seen: {Describe(last)}{(lastError is null ? "" : $"; last error: {lastError.Message}")}");
            }

            await poll.WaitForNextTickAsync();
        }
    }

    private static string Describe<T>(T value) => value switch
    {
        null => "null",
        System.Collections.IEnumerable items and not string => $"[{string.Join(", ", items.Cast<object>())}]",
        _ => value.ToString() ?? "null",
    };
}
