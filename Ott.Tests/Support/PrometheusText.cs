using System.Globalization;

namespace Ott.Tests.Support;

/// <summary>Reads values out of a Prometheus text exposition.</summary>
public static class PrometheusText
{
    /// <summary>The sum of every sample of <paramref name="name"/> whose line contains <paramref name="labelFilter"/> (all when null).</summary>
    public static double Sum(string text, string name, string? labelFilter = null) =>
        text.Split('\n')
            .Where(l => l.StartsWith(name + "{", StringComparison.Ordinal) || l.StartsWith(name + " ", StringComparison.Ordinal))
            .Where(l => labelFilter is null || l.Contains(labelFilter, StringComparison.Ordinal))
            .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));
}
