using System.Text;
using System.Text.Json;
using Ott.Api.Json;

namespace Ott.Tests.Engines;

public class JsonTextTests
{
    [TestCase("""{"a":"\ud800"}""", "a", "\\ud800 is a lone surrogate")]
    [TestCase("""{"a":"\udc00\ud800"}""", "a", "\\udc00 is a lone surrogate")]
    [TestCase("""{"a":"x\uD800y"}""", "a", "\\ud800 is a lone surrogate")]
    [TestCase("""{"a":"\ud800\n"}""", "a", "\\ud800 is a lone surrogate")]
    [TestCase("""{"a":"\ud800\ud800\udc00"}""", "a", "\\ud800 is a lone surrogate")]
    [TestCase("""[{"x":1},{"m":{"k":"\ud800"}}]""", "[1].m.k", "lone surrogate")]
    [TestCase("""{"c":["ok","\udfff"]}""", "c[1]", "\\udfff is a lone surrogate")]
    [TestCase("""{"m":{"\ud800":1}}""", "m", "has a property name that is not valid Unicode")]
    [TestCase("""{"\ud800":1}""", "", "has a property name that")]
    [TestCase("""{"caf\u00e9":{"x":"\udc00"}}""", "café.x", "lone surrogate")]
    [TestCase("""{"a":1,"b":[{},[1,"\ud800"]]}""", "b[1][1]", "lone surrogate")]
    [TestCase("""["\ud800"]""", "[0]", "lone surrogate")]
    [TestCase("\"\\ud800\"", "", "lone surrogate")]
    public void UnreadableText_IsFound_AndNamedByItsPath(string json, string path, string message)
    {
        var problem = JsonText.FindUnreadable(Encoding.UTF8.GetBytes(json));

        Assert.That(problem, Is.Not.Null);
        Assert.Multiple(() =>
        {
            Assert.That(problem!.Path, Is.EqualTo(path));
            Assert.That(problem.Message, Does.Contain(message));
        });
    }

    [TestCase("""{"a":"\ud83d\ude00","b":"\uDBFF\uDFFF"}""")]
    [TestCase("""{"a":"\\ud800"}""")]
    [TestCase("""{"a":"\u0000\ufffe\uffff"}""")]
    [TestCase("""{"\u00e9":"é"}""")]
    [TestCase("""[1,true,null,{"a":[]}]""")]
    public void ReadableText_IsPassed(string json) =>
        Assert.That(JsonText.FindUnreadable(Encoding.UTF8.GetBytes(json)), Is.Null);

    [Test]
    public void BytesThatAreNotUtf8_InAValueOrAName_AreNamed()
    {
        var inValue = Encoding.UTF8.GetBytes("""{"ok":"x","bad":"@("}""");
        inValue[Array.IndexOf(inValue, (byte)'@')] = 0xC3;
        var inName = Encoding.UTF8.GetBytes("""{"m":{"k@":1}}""");
        inName[Array.IndexOf(inName, (byte)'@')] = 0xFF;

        Assert.Multiple(() =>
        {
            Assert.That(JsonText.FindUnreadable(inValue), Is.EqualTo(new JsonTextProblem("bad", "is not valid UTF-8")));
            Assert.That(JsonText.FindUnreadable(inName), Is.EqualTo(new JsonTextProblem("m", "has a property name that is not valid UTF-8")));
        });
    }

    [Test]
    public void Element_IsCheckedOnItsOwn_WithPathsRelativeToIt()
    {
        using var document = JsonDocument.Parse("""[{"ok":1},{"ip_address":"\ud800"}]""");

        Assert.Multiple(() =>
        {
            Assert.That(JsonText.FindUnreadable(document.RootElement[0]), Is.Null);
            Assert.That(JsonText.FindUnreadable(document.RootElement[1])!.Path, Is.EqualTo("ip_address"));
        });
    }

    [TestCase("""{"ip_address":"\u12"}""", "ip_address")]
    [TestCase("""{"region":"\x41"}""", "region")]
    [TestCase("""{"a":1,"b\x41":2}""", "")]
    [TestCase("""[{"a":1},{"b":"\u12"}]""", "[1].b")]
    [TestCase("""{"a":{"b":[1,}}""", "a.b[1]")]
    [TestCase("""{"event_id": """, "event_id")]
    [TestCase("not json", "")]
    [TestCase("{} {}", "")]
    public void SyntaxError_IsNamedByThePathOfTheValueBeingRead(string json, string path) =>
        Assert.That(JsonText.PathOfSyntaxError(Encoding.UTF8.GetBytes(json), default), Is.EqualTo(path));
}
