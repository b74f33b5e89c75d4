using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Ott.Grains.Common;

/// <summary>When grain state is written (configuration section <c>Ott:WriteBehind</c>; docs/architecture.md, "Invariants": no write per event).</summary>
public sealed class WriteBehindOptions
{
    public const string Section = "Ott:WriteBehind";

    /// <summary>Write after this many unsaved changes.</summary>
    [Range(1, 100_000)]
    public int MaxUnsavedChanges { get; set; } = 50;

    /// <summary>Write unsaved changes at least this often.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan MaxUnsavedAge { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>Names of the storage providers every profile configures.</summary>
public static class StorageNames
{
    /// <summary>Grain state of users, devices, regions and the other analysis grains.</summary>
    public const string Grains = "ott-state";
}

/// <summary>
/// Base for grains whose state changes on the per-event path: changes are counted and written behind, after
/// <see cref="WriteBehindOptions.MaxUnsavedChanges"/> changes, every <see cref="WriteBehindOptions.MaxUnsavedAge"/>,
/// and on deactivation. Never one write per event.
/// </summary>
public abstract class WriteBehindGrain<TState>(IPersistentState<TState> state, IOptions<WriteBehindOptions> options) : Grain
    where TState : class
{
    private int _unsaved;
    private IGrainTimer? _timer;

    protected TState State => state.State;

    /// <summary>True when the state was ever written (or read back from storage).</summary>
    protected bool RecordExists => state.RecordExists;

    /// <summary>Unsaved changes right now (for tests and diagnostics).</summary>
    protected int UnsavedChanges => _unsaved;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var age = options.Value.MaxUnsavedAge;
        _timer = this.RegisterGrainTimer(FlushIfDirtyAsync, new GrainTimerCreationOptions(age, age) { KeepAlive = false });
        return base.OnActivateAsync(cancellationToken);
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _timer?.Dispose();
        await FlushIfDirtyAsync(cancellationToken);
        await base.OnDeactivateAsync(reason, cancellationToken);
    }

    /// <summary>Counts one change and writes when the change budget is spent.</summary>
    protected ValueTask ChangedAsync(int changes = 1)
    {
        _unsaved += changes;
        return _unsaved >= options.Value.MaxUnsavedChanges ? new ValueTask(WriteAsync()) : ValueTask.CompletedTask;
    }

    /// <summary>Writes now if anything is unsaved.</summary>
    protected Task FlushIfDirtyAsync(CancellationToken cancellationToken) => _unsaved > 0 ? WriteAsync() : Task.CompletedTask;

    /// <summary>Removes the stored state and starts over from <paramref name="fresh"/> (erasure).</summary>
    protected async Task ClearAsync(TState fresh)
    {
        await state.ClearStateAsync();
        state.State = fresh;
        _unsaved = 0;
    }

    /// <summary>
    /// Runs before every state write, which happens only if it succeeds: a grain that keeps part of its state in an
    /// append-only store (the network grain's links) appends the unsaved part here, so its state write stays small.
    /// </summary>
    protected virtual Task BeforeWriteAsync() => Task.CompletedTask;

    private async Task WriteAsync()
    {
        await BeforeWriteAsync();
        await state.WriteStateAsync();
        _unsaved = 0;
    }
}
