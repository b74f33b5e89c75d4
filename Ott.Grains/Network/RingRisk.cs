namespace Ott.Grains.Network;

/// <summary>
/// The ring and user network risk formulas (see README.md beside this file). All results are rounded to 4 decimals,
/// half away from zero.
/// </summary>
public static class RingRisk
{
    /// <summary>Weight of the strongest shared identifier kind: an IP is weak evidence, a payment method strong.</summary>
    public static double Weight(IdentifierKind kind) => kind switch
    {
        IdentifierKind.Ip => 0.4,
        IdentifierKind.Device => 0.7,
        IdentifierKind.Payment => 0.8,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown identifier kind."),
    };

    /// <summary>
    /// Ring risk: <c>sizeScore = min(1, 0.4 + 0.15 log2(size / minRingSize))</c>,
    /// <c>kindScore = min(1, maxWeight + 0.15 (kinds - 1))</c>,
    /// <c>risk = min(1, (0.5 sizeScore + 0.5 kindScore)(1 + 0.5 flagged / size))</c>.
    /// </summary>
    /// <param name="size">Members of the ring (at least <paramref name="minRingSize"/>).</param>
    /// <param name="minRingSize">The configured minimum ring size.</param>
    /// <param name="kinds">The identifier kinds shared by at least two members (non-hub); at least one.</param>
    /// <param name="flaggedMembers">Members already flagged.</param>
    public static double Ring(int size, int minRingSize, IEnumerable<IdentifierKind> kinds, int flaggedMembers)
    {
        byte mask = 0;
        foreach (var kind in kinds)
        {
            mask |= KindBit(kind);
        }

        return Ring(size, minRingSize, mask, flaggedMembers);
    }

    /// <summary>Risk of a user outside any ring: <c>min(0.3, 0.03 x distinct other users sharing a non-hub identifier)</c>.</summary>
    public static double Outsider(int neighbours) => Round(Math.Min(0.3, 0.03 * neighbours));

    internal static byte KindBit(IdentifierKind kind) => (byte)(1 << (int)kind);

    internal static double Ring(int size, int minRingSize, byte kindMask, int flaggedMembers)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        ArgumentOutOfRangeException.ThrowIfZero(kindMask);
        var sizeScore = Math.Min(1.0, 0.4 + (0.15 * Math.Log2((double)size / minRingSize)));
        var maxWeight = 0.0;
        var kinds = 0;
        for (var kind = IdentifierKind.Device; kind <= IdentifierKind.Payment; kind++)
        {
            if ((kindMask & KindBit(kind)) != 0)
            {
                kinds++;
                maxWeight = Math.Max(maxWeight, Weight(kind));
            }
        }

        var kindScore = Math.Min(1.0, maxWeight + (0.15 * (kinds - 1)));
        var flaggedShare = (double)flaggedMembers / size;
        return Round(Math.Min(1.0, ((0.5 * sizeScore) + (0.5 * kindScore)) * (1 + (0.5 * flaggedShare))));
    }

    internal static string KindName(byte kindMask) => kindMask switch
    {
        1 << (int)IdentifierKind.Device => RingKinds.Device,
        1 << (int)IdentifierKind.Ip => RingKinds.Ip,
        1 << (int)IdentifierKind.Payment => RingKinds.Payment,
        _ => RingKinds.Mixed,
    };

    private static double Round(double value) => Math.Round(value, 4, MidpointRounding.AwayFromZero);
}
