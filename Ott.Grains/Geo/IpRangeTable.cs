using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Numerics;

namespace Ott.Grains.Geo;

/// <summary>A line of a list that is not a CIDR or an IP address.</summary>
/// <param name="LineNumber">1-based line number.</param>
/// <param name="Text">The line as read (trimmed).</param>
public sealed record MalformedLine(int LineNumber, string Text);

/// <summary>What loading one list did. Malformed lines are skipped and reported, never thrown.</summary>
/// <param name="Label">The list's label.</param>
/// <param name="Entries">Well-formed entries read from this list.</param>
/// <param name="Ranges">Ranges held for the label after sorting and merging (all loads of the label).</param>
/// <param name="MalformedCount">Lines skipped as malformed.</param>
/// <param name="FirstMalformed">The first few of them (at most <see cref="IpRangeTable.MalformedSampleSize"/>).</param>
public sealed record IpRangeLoadReport(string Label, int Entries, int Ranges, int MalformedCount, IReadOnlyList<MalformedLine> FirstMalformed);

/// <summary>
/// Labelled IP range lists (VPN, hosting, Tor exits, ...) for O(log n) membership. Each list is a text with one CIDR or
/// plain IP per line (<c>#</c> starts a comment, blank lines are ignored; IPv4 and IPv6). Ranges are sorted and merged
/// per label: IPv4 as <see cref="uint"/>, IPv6 as <see cref="UInt128"/>; a lookup is a binary search per label.
/// IPv4-mapped IPv6 addresses (<c>::ffff:a.b.c.d</c>) are looked up as IPv4. Host bits set in a CIDR are ignored
/// (<c>10.1.2.3/8</c> is <c>10.0.0.0/8</c>). Loading is serialised; lookups are lock-free and thread-safe, also while a
/// list is being (re)loaded.
/// </summary>
public sealed class IpRangeTable
{
    /// <summary>Label of VPN provider networks.</summary>
    public const string VpnLabel = "vpn";

    /// <summary>Label of datacenter / hosting networks.</summary>
    public const string HostingLabel = "hosting";

    /// <summary>Label of the operator-supplied Tor exit list.</summary>
    public const string TorLabel = "tor";

    /// <summary>How many malformed lines a report quotes.</summary>
    public const int MalformedSampleSize = 5;

    /// <summary>Manifest resource names of the built-in lists (X4BNet/lists_vpn, MIT; see Data/vpn-datacenter/README.md).</summary>
    public static IReadOnlyList<(string Label, string ResourceName)> BuiltInResources { get; } =
    [
        (VpnLabel, "Ott.Grains.Geo.Data.vpn-datacenter.vpn-ipv4.txt"),
        (VpnLabel, "Ott.Grains.Geo.Data.vpn-datacenter.vpn-ipv6.txt"),
        (HostingLabel, "Ott.Grains.Geo.Data.vpn-datacenter.datacenter-ipv4.txt"),
        (HostingLabel, "Ott.Grains.Geo.Data.vpn-datacenter.datacenter-ipv6.txt"),
    ];

    private readonly Lock _gate = new();
    private LabelRanges[] _lists = [];

    /// <summary>Labels in load order (the order <see cref="TryFind"/> checks them).</summary>
    public IReadOnlyList<string> Labels => Array.ConvertAll(Volatile.Read(ref _lists), l => l.Label);

    /// <summary>A table with the built-in VPN (<c>vpn</c>) and datacenter (<c>hosting</c>) lists embedded in Ott.Grains.</summary>
    public static IpRangeTable LoadBuiltIn() => LoadBuiltIn(out _);

    /// <summary>As <see cref="LoadBuiltIn()"/>, with the load report of each embedded list.</summary>
    public static IpRangeTable LoadBuiltIn(out IReadOnlyList<IpRangeLoadReport> reports)
    {
        var table = new IpRangeTable();
        var list = new List<IpRangeLoadReport>();
        var assembly = typeof(IpRangeTable).Assembly;
        foreach (var (label, name) in BuiltInResources)
        {
            using var stream = assembly.GetManifestResourceStream(name)
                ?? throw new InvalidOperationException($"Embedded IP list '{name}' is missing from {assembly.GetName().Name}.");
            using var reader = new StreamReader(stream);
            list.Add(table.Load(label, reader));
        }

        reports = list;
        return table;
    }

    /// <summary>
    /// Reads a list into <paramref name="label"/>, adding to what the label already holds (load IPv4 and IPv6 files
    /// under one label). Malformed lines are counted and sampled in the report.
    /// </summary>
    public IpRangeLoadReport Load(string label, TextReader reader)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(label);
        var v4 = new List<(uint Start, uint End)>();
        var v6 = new List<(UInt128 Start, UInt128 End)>();
        var malformed = new List<MalformedLine>();
        int malformedCount = 0, entries = 0, lineNumber = 0;
        while (reader.ReadLine() is { } raw)
        {
            lineNumber++;
            var line = raw.AsSpan();
            var hash = line.IndexOf('#');
            if (hash >= 0)
            {
                line = line[..hash];
            }

            line = line.Trim();
            if (line.IsEmpty)
            {
                continue;
            }

            if (!TryParseRange(line, out var isV6, out var start, out var end))
            {
                malformedCount++;
                if (malformed.Count < MalformedSampleSize)
                {
                    malformed.Add(new MalformedLine(lineNumber, raw.Trim()));
                }

                continue;
            }

            entries++;
            if (isV6)
            {
                v6.Add((start, end));
            }
            else
            {
                v4.Add(((uint)start, (uint)end));
            }
        }

        lock (_gate)
        {
            var lists = _lists;
            var index = Array.FindIndex(lists, l => l.Label == label);
            if (index >= 0)
            {
                v4.AddRange(lists[index].V4Pairs());
                v6.AddRange(lists[index].V6Pairs());
            }

            var merged = LabelRanges.Build(label, v4, v6);
            var next = (LabelRanges[])lists.Clone();
            if (index >= 0)
            {
                next[index] = merged;
            }
            else
            {
                next = [.. lists, merged];
            }

            Volatile.Write(ref _lists, next);
            return new IpRangeLoadReport(label, entries, merged.Count, malformedCount, malformed);
        }
    }

    /// <summary>Loads an operator-supplied Tor exit list (plain IPs or CIDRs) under <see cref="TorLabel"/>.</summary>
    public IpRangeLoadReport LoadTorExitList(TextReader reader) => Load(TorLabel, reader);

    /// <summary>Ranges held for a label after merging (0 for an unknown label).</summary>
    public int RangeCount(string label) => Array.Find(Volatile.Read(ref _lists), l => l.Label == label)?.Count ?? 0;

    /// <summary>True when any list contains the address.</summary>
    public bool Contains(IPAddress address) => TryFind(address, out _);

    /// <summary>True when the list <paramref name="label"/> contains the address.</summary>
    public bool Contains(IPAddress address, string label)
    {
        if (!TryKey(address, out var isV6, out var key))
        {
            return false;
        }

        foreach (var list in Volatile.Read(ref _lists))
        {
            if (list.Label == label)
            {
                return list.Contains(isV6, key);
            }
        }

        return false;
    }

    /// <summary>The first list (in load order) containing the address.</summary>
    public bool TryFind(IPAddress address, [NotNullWhen(true)] out string? label)
    {
        label = null;
        if (!TryKey(address, out var isV6, out var key))
        {
            return false;
        }

        foreach (var list in Volatile.Read(ref _lists))
        {
            if (list.Contains(isV6, key))
            {
                label = list.Label;
                return true;
            }
        }

        return false;
    }

    /// <summary>Every list containing the address, in load order.</summary>
    public IReadOnlyList<string> FindAll(IPAddress address)
    {
        var found = new List<string>();
        if (TryKey(address, out var isV6, out var key))
        {
            foreach (var list in Volatile.Read(ref _lists))
            {
                if (list.Contains(isV6, key))
                {
                    found.Add(list.Label);
                }
            }
        }

        return found;
    }

    /// <summary>Parses <c>a.b.c.d[/n]</c> or <c>v6[/n]</c> into an inclusive range; IPv4 values use the low 32 bits.</summary>
    internal static bool TryParseRange(ReadOnlySpan<char> text, out bool isV6, out UInt128 start, out UInt128 end)
    {
        isV6 = false;
        start = end = UInt128.Zero;
        var slash = text.IndexOf('/');
        var addressText = slash >= 0 ? text[..slash] : text;
        isV6 = addressText.Contains(':');
        if (!(isV6 ? IsIPv6Text(addressText) : IsIPv4Text(addressText)) || !IPAddress.TryParse(addressText, out var address))
        {
            return false;
        }

        var bits = isV6 ? 128 : 32;
        var prefix = bits;
        if (slash >= 0 && !int.TryParse(text[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out prefix))
        {
            return false;
        }

        if (prefix > bits)
        {
            return false;
        }

        TryKey(address, out var keyIsV6, out var value);
        if (isV6 && !keyIsV6)
        {
            // ::ffff:a.b.c.d/n is the IPv4 network a.b.c.d/(n - 96); a shorter prefix is not an IPv4 network.
            if (prefix < 96)
            {
                return false;
            }

            isV6 = false;
            bits = 32;
            prefix -= 96;
        }

        var hostBits = bits - prefix;
        var hostMask = hostBits == 128 ? UInt128.MaxValue : (UInt128.One << hostBits) - UInt128.One;
        start = value & ~hostMask;
        end = start | hostMask;
        return true;
    }

    /// <summary>The lookup key of an address: IPv4 (also IPv4-mapped IPv6) in the low 32 bits, or the IPv6 value.</summary>
    private static bool TryKey(IPAddress address, out bool isV6, out UInt128 key)
    {
        Span<byte> bytes = stackalloc byte[16];
        if (!address.TryWriteBytes(bytes, out var written))
        {
            isV6 = false;
            key = UInt128.Zero;
            return false;
        }

        if (written == 4)
        {
            isV6 = false;
            key = BinaryPrimitives.ReadUInt32BigEndian(bytes);
            return true;
        }

        key = BinaryPrimitives.ReadUInt128BigEndian(bytes);
        isV6 = key >> 32 != 0xFFFF;
        if (!isV6)
        {
            key &= uint.MaxValue;
        }

        return true;
    }

    private static bool IsIPv4Text(ReadOnlySpan<char> text)
    {
        // Dotted quad only: IPAddress.TryParse also takes "10", "10.1" and octal/hex parts, which lists never mean.
        var parts = 0;
        var digits = 0;
        for (var i = 0; i <= text.Length; i++)
        {
            if (i == text.Length || text[i] == '.')
            {
                if (digits == 0 || digits > 3 || (digits > 1 && text[i - digits] == '0'))
                {
                    return false;
                }

                parts++;
                digits = 0;
            }
            else if (char.IsAsciiDigit(text[i]))
            {
                digits++;
            }
            else
            {
                return false;
            }
        }

        return parts == 4;
    }

    private static bool IsIPv6Text(ReadOnlySpan<char> text) => !text.Contains('%') && text.IndexOfAny(' ', '\t') < 0;

    private sealed class LabelRanges
    {
        private readonly uint[] _v4Start;
        private readonly uint[] _v4End;
        private readonly UInt128[] _v6Start;
        private readonly UInt128[] _v6End;

        private LabelRanges(string label, uint[] v4Start, uint[] v4End, UInt128[] v6Start, UInt128[] v6End)
        {
            Label = label;
            _v4Start = v4Start;
            _v4End = v4End;
            _v6Start = v6Start;
            _v6End = v6End;
        }

        public string Label { get; }

        public int Count => _v4Start.Length + _v6Start.Length;

        public static LabelRanges Build(string label, List<(uint Start, uint End)> v4, List<(UInt128 Start, UInt128 End)> v6)
        {
            var (v4Start, v4End) = Merge(v4, static x => x + 1);
            var (v6Start, v6End) = Merge(v6, static x => x + UInt128.One);
            return new LabelRanges(label, v4Start, v4End, v6Start, v6End);
        }

        public IEnumerable<(uint Start, uint End)> V4Pairs() => _v4Start.Zip(_v4End);

        public IEnumerable<(UInt128 Start, UInt128 End)> V6Pairs() => _v6Start.Zip(_v6End);

        public bool Contains(bool isV6, UInt128 key) =>
            isV6 ? Contains(_v6Start, _v6End, key) : Contains(_v4Start, _v4End, (uint)key);

        private static bool Contains<T>(T[] starts, T[] ends, T key)
            where T : IComparable<T>
        {
            var index = Array.BinarySearch(starts, key);
            if (index >= 0)
            {
                return true;
            }

            index = ~index - 1;
            return index >= 0 && ends[index].CompareTo(key) >= 0;
        }

        private static (T[] Starts, T[] Ends) Merge<T>(List<(T Start, T End)> ranges, Func<T, T> next)
            where T : struct, IComparable<T>, IMinMaxValue<T>
        {
            ranges.Sort(static (x, y) => x.Start.CompareTo(y.Start));
            var starts = new List<T>(ranges.Count);
            var ends = new List<T>(ranges.Count);
            foreach (var (start, end) in ranges)
            {
                var last = ends.Count - 1;

                // Overlapping or adjacent to the previous range: extend it (careful at the top of the address space).
                if (last >= 0 && (ends[last].CompareTo(T.MaxValue) == 0 || start.CompareTo(next(ends[last])) <= 0))
                {
                    if (end.CompareTo(ends[last]) > 0)
                    {
                        ends[last] = end;
                    }

                    continue;
                }

                starts.Add(start);
                ends.Add(end);
            }

            return ([.. starts], [.. ends]);
        }
    }
}
