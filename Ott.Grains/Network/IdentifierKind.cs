using Ott.Grains.Interfaces;

namespace Ott.Grains.Network;

/// <summary>The kind of identifier that links users in the fraud-ring graph. An identifier is kind + value.</summary>
public enum IdentifierKind
{
    /// <summary>A device id.</summary>
    Device = 0,

    /// <summary>An IP address (as the caller writes it; the graph does not normalise it).</summary>
    Ip = 1,

    /// <summary>A payment method (token or fingerprint, never a raw card number).</summary>
    Payment = 2,
}

/// <summary>Between the graph's identifier kinds and the wire's link kinds.</summary>
public static class IdentifierKinds
{
    public static IdentifierKind Of(LinkKind kind) => kind switch
    {
        LinkKind.Device => IdentifierKind.Device,
        LinkKind.Ip => IdentifierKind.Ip,
        _ => IdentifierKind.Payment,
    };

    public static LinkKind ToLinkKind(this IdentifierKind kind) => kind switch
    {
        IdentifierKind.Device => LinkKind.Device,
        IdentifierKind.Ip => LinkKind.Ip,
        _ => LinkKind.Payment,
    };
}

/// <summary>The ring kinds reported on the wire: the identifier kinds that actually connect a ring's members.</summary>
public static class RingKinds
{
    /// <summary>Members are connected only through shared devices.</summary>
    public const string Device = "device";

    /// <summary>Members are connected only through shared IP addresses.</summary>
    public const string Ip = "ip";

    /// <summary>Members are connected only through shared payment methods.</summary>
    public const string Payment = "payment";

    /// <summary>Members are connected through more than one identifier kind.</summary>
    public const string Mixed = "mixed";

    /// <summary>The wire name of one identifier kind (<c>device</c>, <c>ip</c>, <c>payment</c>).</summary>
    public static string Of(IdentifierKind kind) => kind switch
    {
        IdentifierKind.Device => Device,
        IdentifierKind.Ip => Ip,
        IdentifierKind.Payment => Payment,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown identifier kind."),
    };
}
