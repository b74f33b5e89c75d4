using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace Ott.Api.Security;

/// <summary>A named attack pattern of one family (<c>sqli</c>, <c>xss</c>, <c>path_traversal</c>).</summary>
public sealed record AttackPattern(string Name, string Family, Regex Regex)
{
    public string FamilyTitle => Family switch
    {
        "sqli" => "SQL injection",
        "xss" => "cross-site scripting",
        _ => "path traversal",
    };
}

/// <summary>
/// Stage 2 of input handling (docs/security.md): known attack patterns in free-text values. A value is checked as sent
/// and after decoding (URL-decoding twice, HTML entities, SQL comments removed, whitespace collapsed, lower case), so
/// encoded variants are caught. Identifiers never reach this stage: their allow-list already excludes every
/// character these patterns need, which is why ids like <c>walter</c> or <c>update_1</c> are safe.
/// </summary>
public static partial class AttackPatterns
{
    private const RegexOptions Options = RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Compiled;

    /// <summary>The 19 patterns: 8 SQL injection, 7 cross-site scripting, 4 path traversal.</summary>
    public static IReadOnlyList<AttackPattern> All { get; } =
    [
        new("sqli.union_select", "sqli", new Regex(@"\bunion\b[\s(]+(all\s+|distinct\s+)?select\b", Options)),
        new("sqli.tautology", "sqli", new Regex(@"['""`]\s*\)?\s*(or|and|\|\||&&)\s*\(?\s*['""`]?[\w-]*['""`]?\s*(=|<>|!=|like)\s*\(?['""`]?[\w-]*", Options)),
        new("sqli.quote_comment", "sqli", new Regex(@"['""`]\s*\)?\s*(--|#|/\*|;\s*--)", Options)),
        new("sqli.stacked_query", "sqli", new Regex(@";\s*(drop\s+(table|database)|delete\s+from|insert\s+into|update\s+\w+\s+set|alter\s+table|create\s+(table|user|database)|truncate\s+table|exec(ute)?\s+\w|shutdown\b|grant\s+\w+\s+on)\b", Options)),
        new("sqli.ddl", "sqli", new Regex(@"\b(drop|truncate|alter)\s+(table|database|schema|user)\b", Options)),
        new("sqli.time_delay", "sqli", new Regex(@"\b(sleep|pg_sleep|benchmark)\s*\(|\bwaitfor\s+delay\b|\bdbms_lock\.sleep\b", Options)),
        new("sqli.catalog_probe", "sqli", new Regex(@"\binformation_schema\b|\bsys\.(objects|tables|columns|databases)\b|\bsysobjects\b|\bpg_catalog\b|\bsqlite_master\b|@@version\b", Options)),
        new("sqli.command_exec", "sqli", new Regex(@"\bxp_cmdshell\b|\bexec(ute)?\s+(master\.)?\.?(xp|sp)_\w+|\binto\s+(out|dump)file\b|\bload_file\s*\(", Options)),

        new("xss.script_tag", "xss", new Regex(@"<\s*/?\s*script\b", Options)),
        new("xss.event_handler", "xss", new Regex(@"<[^>]*[\s/""']on[a-z]{3,}\s*=", Options)),
        new("xss.script_uri", "xss", new Regex(@"\b(javascript|vbscript|livescript)\s*:", Options)),
        new("xss.embedding_tag", "xss", new Regex(@"<\s*(iframe|frame|frameset|object|embed|applet|base|meta|link|form)\b", Options)),
        new("xss.svg_or_math", "xss", new Regex(@"<\s*(svg|math|xml|isindex)\b", Options)),
        new("xss.data_html_uri", "xss", new Regex(@"\bdata\s*:\s*(text/html|image/svg\+xml|application/(x-)?javascript)", Options)),
        new("xss.dom_sink", "xss", new Regex(@"\bdocument\s*\.\s*(cookie|domain|write|location)\b|\bwindow\s*\.\s*location\b|\b(alert|prompt|confirm|eval)\s*\(\s*([''""`\d]|document|window|this|string\.)|\bexpression\s*\(", Options)),

        new("path.dot_dot_slash", "path_traversal", new Regex(@"(^|[/\\])\.\.([/\\]|$)", Options)),
        new("path.encoded_dots", "path_traversal", new Regex(@"(%2e|%252e|%c0%ae|%e0%80%ae){2}|\.\.(%2f|%5c|%252f|%255c|%c0%af|%c1%9c)", Options)),
        new("path.sensitive_file", "path_traversal", new Regex(@"/etc/(passwd|shadow|hosts|group)\b|\b(boot|win|system)\.ini\b|[a-z]:\\windows\\|\\windows\\system32|/proc/self/", Options)),
        new("path.null_byte", "path_traversal", new Regex(@"%00|\\0\b|\\x00|\\u0000", Options)),
    ];

    /// <summary>
    /// The first pattern the value matches, as sent or decoded; null when none. A raw NUL character is not an attack
    /// by itself here: sanitisation removes it from what is stored; its encoded forms are (path.null_byte).
    /// </summary>
    public static AttackPattern? Match(string value)
    {
        if (value.Length == 0)
        {
            return null;
        }

        // Fast path for plain tokens (letters, digits, . _ -): only the word-only patterns can match those.
        if (value.AsSpan().IndexOfAnyExcept(PlainCharacters) < 0)
        {
            return WordOnly.FirstOrDefault(p => p.Regex.IsMatch(value));
        }

        var decoded = Decode(value);
        foreach (var pattern in All)
        {
            if (pattern.Regex.IsMatch(value) || (decoded != value && pattern.Regex.IsMatch(decoded)))
            {
                return pattern;
            }
        }

        return null;
    }

    private static readonly System.Buffers.SearchValues<char> PlainCharacters =
        System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-");

    /// <summary>The patterns that can match a value without spaces or punctuation (catalog and procedure names, document.cookie, "..").</summary>
    private static readonly AttackPattern[] WordOnly =
        [.. All.Where(p => p.Name is "sqli.catalog_probe" or "sqli.command_exec" or "xss.dom_sink" or "path.dot_dot_slash")];

    /// <summary>URL-decodes twice, decodes HTML entities, drops SQL comments and collapses whitespace.</summary>
    public static string Decode(string value)
    {
        var text = value;
        for (var i = 0; i < 2 && text.Contains('%', StringComparison.Ordinal); i++)
        {
            text = Uri.UnescapeDataString(text.Replace("+", " ", StringComparison.Ordinal));
        }

        if (text.Contains('&', StringComparison.Ordinal))
        {
            text = WebUtility.HtmlDecode(text);
        }

        text = SqlComment().Replace(text, " ");
        var builder = new StringBuilder(text.Length);
        var space = false;
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c))
            {
                if (!space)
                {
                    builder.Append(' ');
                }

                space = true;
            }
            else
            {
                builder.Append(c);
                space = false;
            }
        }

        return builder.ToString();
    }

    [GeneratedRegex(@"/\*.*?\*/", RegexOptions.Singleline)]
    private static partial Regex SqlComment();
}
