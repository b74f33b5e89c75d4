using System.Threading.Channels;

namespace Ott.Hosting.Storage;

/// <summary>
/// Group commit: callers submit items and await their own result; one loop writes whatever has queued up (up to
/// <c>maxBatch</c>) in one statement and transaction. Under load batches form by themselves, at no added latency
/// when idle. A failed write fails every caller of that batch (nothing is acknowledged that was not written).
/// </summary>
public sealed class BatchWriter<TItem, TResult> : IAsyncDisposable
{
    private readonly Channel<(TItem Item, TaskCompletionSource<TResult> Done)> _queue =
        Channel.CreateUnbounded<(TItem, TaskCompletionSource<TResult>)>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Func<IReadOnlyList<TItem>, CancellationToken, Task<TResult[]>> _write;
    private readonly int _maxBatch;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public BatchWriter(Func<IReadOnlyList<TItem>, CancellationToken, Task<TResult[]>> write, int maxBatch)
    {
        _write = write;
        _maxBatch = maxBatch;
        _loop = Task.Run(LoopAsync);
    }

    public Task<TResult> SubmitAsync(TItem item)
    {
        var done = new TaskCompletionSource<TResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_queue.Writer.TryWrite((item, done)))
        {
            done.SetException(new ObjectDisposedException(nameof(BatchWriter<TItem, TResult>)));
        }

        return done.Task;
    }

    public Task<TResult[]> SubmitManyAsync(IReadOnlyList<TItem> items) => Task.WhenAll(items.Select(SubmitAsync));

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        try
        {
            await _loop.WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (TimeoutException)
        {
            await _stop.CancelAsync();
        }

        _stop.Dispose();
    }

    private async Task LoopAsync()
    {
        var batch = new List<(TItem Item, TaskCompletionSource<TResult> Done)>(_maxBatch);
        while (await _queue.Reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < _maxBatch && _queue.Reader.TryRead(out var next))
            {
                batch.Add(next);
            }

            try
            {
                var results = await _write(batch.Select(b => b.Item).ToList(), _stop.Token);
                for (var i = 0; i < batch.Count; i++)
                {
                    batch[i].Done.TrySetResult(results[i]);
                }
            }
            catch (Exception ex)
            {
                foreach (var (_, done) in batch)
                {
                    done.TrySetException(ex);
                }
            }
        }
    }
}
