using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace Ott.Tests.Support;

/// <summary>Serialized size of grain state with the Orleans serializer (what storage writes).</summary>
public static class StateSize
{
    /// <summary>The documented worst-case bound of one user's state (docs/state.md).</summary>
    public const int UserStateBound = 20 * 1024;

    /// <summary>The documented size of a typical viewer's state (docs/state.md).</summary>
    public const int TypicalUserStateBound = 8 * 1024;

    private static readonly Serializer Serializer = new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer>();

    public static int Of<T>(T value) => Serializer.SerializeToArray(value).Length;
}
