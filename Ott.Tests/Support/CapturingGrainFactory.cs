using System.Collections.Concurrent;
using System.Globalization;
using System.Reflection;

namespace Ott.Tests.Support;

/// <summary>One call a grain reference received: the grain interface, its key, the method and the arguments.</summary>
public sealed record GrainCall(Type Grain, string Key, string Method, IReadOnlyList<object?> Arguments)
{
    public T Argument<T>(int index) => (T)Arguments[index]!;
}

/// <summary>
/// A grain factory for engines that call grains (the per-silo batchers) without a cluster: its string- and
/// integer-keyed grain references record every call and answer it with <see cref="Answer"/> (success unless a test
/// says otherwise). Only methods that return <see cref="Task"/> are supported.
/// </summary>
public sealed class CapturingGrainFactory : IGrainFactory
{
    private readonly ConcurrentQueue<GrainCall> _calls = new();

    /// <summary>How each call is answered: completed, failed, or held until a test releases it.</summary>
    public Func<GrainCall, Task> Answer { get; set; } = _ => Task.CompletedTask;

    /// <summary>Every call received, in order, whatever its answer.</summary>
    public IReadOnlyList<GrainCall> Calls => [.. _calls];

    public void Clear() => _calls.Clear();

    /// <summary>Answers every call with a failure, as an unreachable grain would.</summary>
    public void FailEveryCall() => Answer = _ => Task.FromException(new TimeoutException("the grain is unreachable"));

    public void AnswerEveryCall() => Answer = _ => Task.CompletedTask;

    internal Task Receive(GrainCall call)
    {
        _calls.Enqueue(call);
        return Answer(call);
    }

    public TGrainInterface GetGrain<TGrainInterface>(string primaryKey, string? grainClassNamePrefix = null)
        where TGrainInterface : IGrainWithStringKey => RecordingGrain.Create<TGrainInterface>(this, primaryKey);

    public TGrainInterface GetGrain<TGrainInterface>(long primaryKey, string? grainClassNamePrefix = null)
        where TGrainInterface : IGrainWithIntegerKey =>
        RecordingGrain.Create<TGrainInterface>(this, primaryKey.ToString(CultureInfo.InvariantCulture));

    public TGrainInterface GetGrain<TGrainInterface>(Guid primaryKey, string? grainClassNamePrefix = null)
        where TGrainInterface : IGrainWithGuidKey => throw new NotSupportedException();

    public TGrainInterface GetGrain<TGrainInterface>(Guid primaryKey, string keyExtension, string? grainClassNamePrefix = null)
        where TGrainInterface : IGrainWithGuidCompoundKey => throw new NotSupportedException();

    public TGrainInterface GetGrain<TGrainInterface>(long primaryKey, string keyExtension, string? grainClassNamePrefix = null)
        where TGrainInterface : IGrainWithIntegerCompoundKey => throw new NotSupportedException();

    public TGrainObserverInterface CreateObjectReference<TGrainObserverInterface>(IGrainObserver obj)
        where TGrainObserverInterface : IGrainObserver => throw new NotSupportedException();

    public void DeleteObjectReference<TGrainObserverInterface>(IGrainObserver obj)
        where TGrainObserverInterface : IGrainObserver => throw new NotSupportedException();

    public IGrain GetGrain(Type grainInterfaceType, Guid grainPrimaryKey) => throw new NotSupportedException();

    public IGrain GetGrain(Type grainInterfaceType, long grainPrimaryKey) => throw new NotSupportedException();

    public IGrain GetGrain(Type grainInterfaceType, string grainPrimaryKey) => throw new NotSupportedException();

    public IGrain GetGrain(Type grainInterfaceType, Guid grainPrimaryKey, string keyExtension) => throw new NotSupportedException();

    public IGrain GetGrain(Type grainInterfaceType, long grainPrimaryKey, string keyExtension) => throw new NotSupportedException();

    public TGrainInterface GetGrain<TGrainInterface>(GrainId grainId)
        where TGrainInterface : IAddressable => throw new NotSupportedException();

    public IAddressable GetGrain(GrainId grainId) => throw new NotSupportedException();

    public IAddressable GetGrain(GrainId grainId, GrainInterfaceType interfaceType) => throw new NotSupportedException();

    public IAddressable GetGrain(Type interfaceType, IdSpan grainKey, string grainClassNamePrefix) => throw new NotSupportedException();

    public IAddressable GetGrain(Type interfaceType, IdSpan grainKey) => throw new NotSupportedException();
}

/// <summary>The grain reference <see cref="CapturingGrainFactory"/> hands out: every call goes to the factory.</summary>
public class RecordingGrain : DispatchProxy
{
    private CapturingGrainFactory _factory = null!;
    private Type _grain = null!;
    private string _key = null!;

    internal static T Create<T>(CapturingGrainFactory factory, string key)
    {
        var proxy = DispatchProxy.Create<T, RecordingGrain>();
        var recording = (RecordingGrain)(object)proxy!;
        (recording._factory, recording._grain, recording._key) = (factory, typeof(T), key);
        return proxy;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        if (targetMethod.ReturnType != typeof(Task))
        {
            throw new NotSupportedException($"{_grain.Name}.{targetMethod.Name} does not return Task");
        }

        return _factory.Receive(new GrainCall(_grain, _key, targetMethod.Name, args ?? []));
    }
}
