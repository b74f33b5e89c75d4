using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Ott.Api.Events.Validation;

/// <summary>The <c>ip_address</c> rule: strict parsing and the canonical text that is stored.</summary>
public static class IpAddresses
{
    /// <summary>
    /// The canonical text of an IPv4 address of four decimal octets 0-255 without leading zeros (kept as sent), or of
    /// an IPv6 address without a zone (compressed, lower case); null for anything else.
    /// </summary>
    public static string? Canonical(string value)
    {
        if (value.Contains(':', StringComparison.Ordinal))
        {
            return !value.Contains('%', StringComparison.Ordinal)
                && IPAddress.TryParse(value, out var v6)
                && v6.AddressFamily == AddressFamily.InterNetworkV6
                ? v6.ToString()
                : null;
        }

        var parts = value.Split('.');
        if (parts.Length != 4)
        {
            return null;
        }

        foreach (var part in parts)
        {
            if (part.Length is 0 or > 3 || !part.All(char.IsAsciiDigit) || (part.Length > 1 && part[0] == '0')
                || int.Parse(part, CultureInfo.InvariantCulture) > 255)
            {
                return null;
            }
        }

        return value;
    }
}
