using System.Collections.Frozen;

namespace Ott.Grains.Geo;

/// <summary>
/// Region codes accepted on the wire: ISO 3166-1 alpha-2 countries, <c>CC-SUB</c> subdivisions, and <c>EU</c> for an
/// EU member not named. <c>UK</c> is accepted as <c>GB</c>. Pure data, no I/O.
/// </summary>
public static class RegionCodes
{
    /// <summary>The code for "somewhere in the EU, member unknown".</summary>
    public const string EuUnknownMember = "EU";

    // ISO 3166-1 alpha-2, officially assigned codes (249).
    private static readonly FrozenSet<string> Countries = FrozenSet.Create(StringComparer.Ordinal,
    [
        "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT", "AU", "AW", "AX", "AZ",
        "BA", "BB", "BD", "BE", "BF", "BG", "BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ", "BR", "BS", "BT", "BV", "BW", "BY", "BZ",
        "CA", "CC", "CD", "CF", "CG", "CH", "CI", "CK", "CL", "CM", "CN", "CO", "CR", "CU", "CV", "CW", "CX", "CY", "CZ",
        "DE", "DJ", "DK", "DM", "DO", "DZ",
        "EC", "EE", "EG", "EH", "ER", "ES", "ET",
        "FI", "FJ", "FK", "FM", "FO", "FR",
        "GA", "GB", "GD", "GE", "GF", "GG", "GH", "GI", "GL", "GM", "GN", "GP", "GQ", "GR", "GS", "GT", "GU", "GW", "GY",
        "HK", "HM", "HN", "HR", "HT", "HU",
        "ID", "IE", "IL", "IM", "IN", "IO", "IQ", "IR", "IS", "IT",
        "JE", "JM", "JO", "JP",
        "KE", "KG", "KH", "KI", "KM", "KN", "KP", "KR", "KW", "KY", "KZ",
        "LA", "LB", "LC", "LI", "LK", "LR", "LS", "LT", "LU", "LV", "LY",
        "MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK", "ML", "MM", "MN", "MO", "MP", "MQ", "MR", "MS", "MT", "MU", "MV", "MW", "MX", "MY", "MZ",
        "NA", "NC", "NE", "NF", "NG", "NI", "NL", "NO", "NP", "NR", "NU", "NZ",
        "OM",
        "PA", "PE", "PF", "PG", "PH", "PK", "PL", "PM", "PN", "PR", "PS", "PT", "PW", "PY",
        "QA",
        "RE", "RO", "RS", "RU", "RW",
        "SA", "SB", "SC", "SD", "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM", "SN", "SO", "SR", "SS", "ST", "SV", "SX", "SY", "SZ",
        "TC", "TD", "TF", "TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TO", "TR", "TT", "TV", "TW", "TZ",
        "UA", "UG", "UM", "US", "UY", "UZ",
        "VA", "VC", "VE", "VG", "VI", "VN", "VU",
        "WF", "WS",
        "YE", "YT",
        "ZA", "ZM", "ZW",
    ]);

    /// <summary>The 27 member states of the European Union.</summary>
    public static FrozenSet<string> EuMembers { get; } = FrozenSet.Create(StringComparer.Ordinal,
    [
        "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE",
        "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
    ]);

    /// <summary>EEA members outside the EU, where GDPR also applies.</summary>
    public static FrozenSet<string> EeaNonEuMembers { get; } = FrozenSet.Create(StringComparer.Ordinal, ["IS", "LI", "NO"]);

    // ISO 3166-2:US: 50 states, DC, and the outlying areas that also have their own country codes.
    private static readonly FrozenSet<string> UsSubdivisions = FrozenSet.Create(StringComparer.Ordinal,
    [
        "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "FL", "GA", "HI", "ID", "IL", "IN", "IA", "KS", "KY", "LA",
        "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM", "NY", "NC", "ND", "OH", "OK",
        "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA", "WV", "WI", "WY", "DC",
        "AS", "GU", "MP", "PR", "UM", "VI",
    ]);

    /// <summary>
    /// Normalises a region as sent by a client: upper case, <c>UK</c> to <c>GB</c>. Returns null with a reason when the
    /// code is not a known country, a well-formed subdivision of one, or <c>EU</c>.
    /// </summary>
    public static string? Normalize(string raw, out string? error)
    {
        error = null;
        var code = raw.Trim().ToUpperInvariant();
        var dash = code.IndexOf('-', StringComparison.Ordinal);
        var country = dash < 0 ? code : code[..dash];
        var subdivision = dash < 0 ? null : code[(dash + 1)..];

        if (country == "UK")
        {
            country = "GB";
        }

        if (country == EuUnknownMember && subdivision is null)
        {
            return EuUnknownMember;
        }

        if (country.Length != 2 || !Countries.Contains(country))
        {
            error = $"'{raw}' is not an ISO 3166-1 alpha-2 country code (or EU, or UK for GB)";
            return null;
        }

        if (subdivision is null)
        {
            return country;
        }

        if (subdivision.Length is < 1 or > 3 || !subdivision.All(char.IsAsciiLetterOrDigit))
        {
            error = $"'{raw}' has a malformed subdivision: use CC-SUB with 1-3 letters or digits (e.g. US-CA)";
            return null;
        }

        if (country == "US" && !UsSubdivisions.Contains(subdivision))
        {
            error = $"'{raw}' is not a US state, DC or outlying area (ISO 3166-2:US)";
            return null;
        }

        return string.Concat(country, "-", subdivision);
    }

    /// <summary>The country part of a normalised region (<c>US-CA</c> -> <c>US</c>).</summary>
    public static string CountryOf(string region)
    {
        var dash = region.IndexOf('-', StringComparison.Ordinal);
        return dash < 0 ? region : region[..dash];
    }

    /// <summary>True for EU members and for <c>EU</c> itself.</summary>
    public static bool IsEuMember(string region)
    {
        var country = CountryOf(region);
        return country == EuUnknownMember || EuMembers.Contains(country);
    }

    /// <summary>True where GDPR applies: the EU and the EEA (IS, LI, NO).</summary>
    public static bool IsGdprArea(string region) =>
        IsEuMember(region) || EeaNonEuMembers.Contains(CountryOf(region));

    /// <summary>
    /// Whether the client's <c>is_eu</c> claim contradicts the region. EEA members outside the EU (IS, LI, NO) accept
    /// either claim: GDPR applies there although they are not EU members.
    /// </summary>
    public static bool ContradictsEuClaim(string region, bool isEuClaim) =>
        !EeaNonEuMembers.Contains(CountryOf(region)) && IsEuMember(region) != isEuClaim;
}
