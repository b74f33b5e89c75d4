using Ott.Tests.Integration;
using Ott.Tests.Support;

namespace Ott.Tests.Hosting;

/// <summary>Configuration lives in one place: every shipped key binds to an option, and docs/configuration.md lists every option.</summary>
public class ConfigurationKeyTests
{
    private static IEnumerable<string> ShippedSettings() =>
        new[] { "Ott.Api", "Ott.Silo" }
            .SelectMany(project => Directory.GetFiles(Path.Combine(ExternalServices.RepositoryRoot, project), "appsettings*.json"))
            .Select(f => Path.GetRelativePath(ExternalServices.RepositoryRoot, f))
            .OrderBy(f => f, StringComparer.Ordinal);

    [TestCaseSource(nameof(ShippedSettings))]
    public void ShippedSettings_EveryKeyBindsToAnOption(string file)
    {
        var keys = OptionsCatalog.FlattenJson(Path.Combine(ExternalServices.RepositoryRoot, file));

        Assert.That(keys.Where(k => !OptionsCatalog.Binds(k)), Is.Empty, $"keys in {file} that bind to nothing (dead or misspelt)");
    }

    [TestCase("Ott:Scoring:DefaultTreshold")]
    [TestCase("Ott:Storrage")]
    [TestCase("Ott:Security:Users:0:Rols:0")]
    [TestCase("Ott:Security:Production")]
    [TestCase("Otto:Profile")]
    public void MisspeltOrInternalKey_BindsToNothing(string key) =>
        Assert.That(OptionsCatalog.Binds(key), Is.False);

    [TestCase("Ott:Scoring:DefaultThreshold")]
    [TestCase("Ott:Api:Mode")]
    [TestCase("Ott:Api:MaxBodyBytes")]
    [TestCase("Ott:Security:Users:2:Roles:0")]
    [TestCase("Ott:Compliance:TransferBases:GDPR:0")]
    [TestCase("Ott:Membership:ProbeTimeout")]
    public void KnownKey_Binds(string key) =>
        Assert.That(OptionsCatalog.Binds(key), Is.True);

    [Test]
    public void ConfigurationDoc_ListsEveryKeyWithItsDefault()
    {
        var doc = File.ReadAllText(Path.Combine(ExternalServices.RepositoryRoot, "docs", "configuration.md"));
        var rows = doc.Split('\n').Where(l => l.StartsWith("| `", StringComparison.Ordinal)).ToList();
        var missing = OptionsCatalog.Keys
            .Where(k => !rows.Any(r => r.StartsWith($"| `{k.Path}` |", StringComparison.Ordinal) && r.Contains($"| {Cell(k.Default)} |", StringComparison.Ordinal)))
            .Select(k => $"| `{k.Path}` | {Cell(k.Default)} | {k.Member} |")
            .ToList();

        Assert.That(missing, Is.Empty, "rows docs/configuration.md lacks (key, default):\n" + string.Join('\n', missing));
    }

    [Test]
    public void ConfigurationDoc_ListsNoKeyThatDoesNotExist()
    {
        var doc = File.ReadAllText(Path.Combine(ExternalServices.RepositoryRoot, "docs", "configuration.md"));
        var documented = doc.Split('\n').Where(l => l.StartsWith("| `", StringComparison.Ordinal))
            .Select(l => l[3..l.IndexOf('`', 3)]).ToList();

        Assert.That(documented.Where(k => !OptionsCatalog.Binds(k.Replace("*", "0", StringComparison.Ordinal))), Is.Empty);
    }

    private static string Cell(string value) => $"`{value.Replace("|", "\\|", StringComparison.Ordinal)}`";
}
