using System.Text.Json;
using System.Text.Json.Serialization;
using Ott.Grains.Geo;

namespace Ott.Grains.Compliance;

/// <summary>A regulation pack that cannot be used; the message names the pack and the problem.</summary>
public sealed class RegulationPackException(string source, IReadOnlyList<string> problems)
    : Exception($"Regulation pack '{source}' is invalid:{Environment.NewLine}{string.Join(Environment.NewLine, problems.Select(p => "  - " + p))}")
{
    public string PackSource { get; } = source;

    public IReadOnlyList<string> Problems { get; } = problems;
}

/// <summary>Loads and validates regulation packs: the embedded one, or a file named in configuration.</summary>
public static class RegulationPackLoader
{
    public const string EmbeddedName = "embedded:regulations.v1.json";

    /// <summary>Event categories a law can require consent for.</summary>
    public static readonly IReadOnlySet<string> Categories = new HashSet<string>(StringComparer.Ordinal)
        { "tracking", "data_access", "transaction", "sharing" };

    /// <summary>Purposes a law can require consent for.</summary>
    public static readonly IReadOnlySet<string> Purposes = new HashSet<string>(StringComparer.Ordinal)
        { "analytics", "personalisation", "advertising", "marketing", "sale" };

    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    /// <summary>Loads <paramref name="path"/>, or the embedded pack when it is null or empty.</summary>
    public static RegulationPack Load(string? path)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            using var stream = typeof(RegulationPackLoader).Assembly.GetManifestResourceStream("Ott.Grains.Compliance.Packs.regulations.v1.json")
                ?? throw new RegulationPackException(EmbeddedName, ["the embedded pack is missing from the assembly"]);
            return Parse(stream, EmbeddedName);
        }

        if (!File.Exists(path))
        {
            throw new RegulationPackException(path, ["the file does not exist"]);
        }

        using var file = File.OpenRead(path);
        return Parse(file, path);
    }

    /// <summary>Parses and validates a pack from a stream; <paramref name="source"/> names it in errors.</summary>
    public static RegulationPack Parse(Stream stream, string source)
    {
        RegulationPack? pack;
        try
        {
            pack = JsonSerializer.Deserialize<RegulationPack>(stream, Options);
        }
        catch (JsonException ex)
        {
            throw new RegulationPackException(source, [$"not a valid pack document: {ex.Message}"]);
        }

        if (pack is null)
        {
            throw new RegulationPackException(source, ["the document is empty"]);
        }

        var problems = Validate(pack);
        return problems.Count == 0 ? pack : throw new RegulationPackException(source, problems);
    }

    private static List<string> Validate(RegulationPack pack)
    {
        var problems = new List<string>();
        if (pack.Schema != 1)
        {
            problems.Add($"schema is {pack.Schema}; this build reads schema 1");
        }

        if (string.IsNullOrWhiteSpace(pack.Version))
        {
            problems.Add("version is missing");
        }

        if (pack.Regulations.Count == 0)
        {
            problems.Add("regulations is empty");
        }

        var codes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var r in pack.Regulations)
        {
            var at = string.IsNullOrWhiteSpace(r.Code) ? $"regulations[{pack.Regulations.ToList().IndexOf(r)}]" : r.Code;
            if (string.IsNullOrWhiteSpace(r.Code))
            {
                problems.Add($"{at}: code is missing");
            }
            else if (!codes.Add(r.Code))
            {
                problems.Add($"{at}: code appears twice");
            }

            if (string.IsNullOrWhiteSpace(r.Name))
            {
                problems.Add($"{at}: name is missing");
            }

            if (r.Jurisdictions.Count == 0)
            {
                problems.Add($"{at}: jurisdictions is empty");
            }

            foreach (var j in r.Jurisdictions)
            {
                if (RegionCodes.Normalize(j, out _) != j)
                {
                    problems.Add($"{at}: jurisdiction '{j}' is not a normalised region code (ISO alpha-2, CC-SUB or EU; GB, not UK)");
                }
            }

            if (r.Confirmed != (r.Unconfirmed.Count == 0))
            {
                problems.Add($"{at}: confirmed must be true exactly when unconfirmed is empty");
            }

            if (r.Consent.Model is not ("opt_in" or "opt_out" or "legal_bases" or "notice"))
            {
                problems.Add($"{at}: consent.model '{r.Consent.Model}' is not opt_in, opt_out, legal_bases or notice");
            }

            problems.AddRange(r.Consent.RequiredFor.Where(c => !Categories.Contains(c))
                .Select(c => $"{at}: consent.required_for has unknown category '{c}'"));
            problems.AddRange(r.Purposes.RequireConsent.Where(p => !Purposes.Contains(p))
                .Select(p => $"{at}: purposes.require_consent has unknown purpose '{p}'"));
            problems.AddRange((r.OptOut?.Purposes ?? []).Where(p => !Purposes.Contains(p))
                .Select(p => $"{at}: opt_out.purposes has unknown purpose '{p}'"));

            if (r.Children is { } children)
            {
                if (children.Age is < 1 or > 25)
                {
                    problems.Add($"{at}: children.age {children.Age} is outside 1-25");
                }

                foreach (var (country, age) in children.AgeOverrides)
                {
                    if (!r.Jurisdictions.Contains(country))
                    {
                        problems.Add($"{at}: children.age_overrides names {country}, which is not one of its jurisdictions");
                    }

                    if (age is < 1 or > 25)
                    {
                        problems.Add($"{at}: children.age_overrides.{country} {age} is outside 1-25");
                    }
                }
            }

            if (r.Breach.NoticeHours is < 0)
            {
                problems.Add($"{at}: breach.notice_hours must not be negative");
            }

            if (r.Rights.RequestDeadlineDays is < 1)
            {
                problems.Add($"{at}: rights.request_deadline_days must be at least 1");
            }

            if (r.RetentionDays < 1)
            {
                problems.Add($"{at}: retention_days must be at least 1");
            }

            foreach (var d in r.Transfer.AdequateDestinations)
            {
                if (RegionCodes.Normalize(d, out _) != d)
                {
                    problems.Add($"{at}: transfer.adequate_destinations has '{d}', not a normalised region code");
                }
            }

            if (r.Sources.Count == 0 || r.Sources.Any(s => !Uri.TryCreate(s.Url, UriKind.Absolute, out _)))
            {
                problems.Add($"{at}: sources must list at least one source, each with an absolute url");
            }
        }

        return problems;
    }
}
