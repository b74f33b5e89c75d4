using System.Text;
using System.Text.Json.Nodes;
using Ott.Grains.Compliance;

namespace Ott.Tests.Engines;

public class RegulationPackLoaderTests
{
    private static JsonObject EmbeddedJson()
    {
        using var stream = typeof(RegulationPackLoader).Assembly.GetManifestResourceStream("Ott.Grains.Compliance.Packs.regulations.v1.json")!;
        return JsonNode.Parse(stream)!.AsObject();
    }

    private static RegulationPackException Broken(Action<JsonObject> edit)
    {
        var json = EmbeddedJson();
        edit(json);
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(json.ToJsonString()));
        return Assert.Throws<RegulationPackException>(() => RegulationPackLoader.Parse(stream, "test-pack.json"))!;
    }

    private static JsonObject First(JsonObject pack) => pack["regulations"]![0]!.AsObject();

    [Test]
    public void EmbeddedPack_Loads() => Assert.That(RegulationPackLoader.Load(null).Version, Is.EqualTo("2026.11.24"));

    [Test]
    public void PackFromAFile_Loads()
    {
        var path = Path.Combine(TestContext.CurrentContext.WorkDirectory, $"pack-{Guid.NewGuid():N}.json");
        var json = EmbeddedJson();
        json["version"] = "custom-1";
        File.WriteAllText(path, json.ToJsonString());
        try
        {
            Assert.That(RegulationPackLoader.Load(path).Version, Is.EqualTo("custom-1"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void MissingFile_NamesThePath()
    {
        var error = Assert.Throws<RegulationPackException>(() => RegulationPackLoader.Load("/nowhere/pack.json"))!;
        Assert.That(error.Message, Does.Contain("/nowhere/pack.json").And.Contain("does not exist"));
    }

    [Test]
    public void NotJson_IsRejected()
    {
        using var stream = new MemoryStream("{ regulations: "u8.ToArray());
        var error = Assert.Throws<RegulationPackException>(() => RegulationPackLoader.Parse(stream, "bad.json"))!;
        Assert.That(error.Message, Does.Contain("bad.json").And.Contain("not a valid pack document"));
    }

    [TestCase("unknown field", "not a valid pack document")]
    [TestCase("duplicate code", "GDPR: code appears twice")]
    [TestCase("UK jurisdiction", "jurisdiction 'UK'")]
    [TestCase("unknown category", "unknown category 'everything'")]
    [TestCase("confirmed mismatch", "confirmed must be true exactly when unconfirmed is empty")]
    [TestCase("schema 2", "this build reads schema 1")]
    [TestCase("no sources", "sources must list at least one source")]
    [TestCase("override outside", "children.age_overrides names US")]
    public void InvalidPack_IsRejectedWithTheReason(string problem, string expected)
    {
        var error = Broken(pack =>
        {
            switch (problem)
            {
                case "unknown field": First(pack)["maximum_fine"] = "x"; break;
                case "duplicate code": pack["regulations"]![1]!["code"] = "GDPR"; break;
                case "UK jurisdiction": pack["regulations"]![2]!["jurisdictions"] = new JsonArray("UK"); break;
                case "unknown category": First(pack)["consent"]!["required_for"] = new JsonArray("everything"); break;
                case "confirmed mismatch": First(pack)["confirmed"] = true; break;
                case "schema 2": pack["schema"] = 2; break;
                case "no sources": First(pack)["sources"] = new JsonArray(); break;
                case "override outside": First(pack)["children"]!["age_overrides"]!["US"] = 13; break;
            }
        });

        Assert.That(error.Message, Does.Contain("test-pack.json").And.Contain(expected));
    }
}
