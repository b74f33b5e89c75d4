using Ott.Hosting.Storage;

namespace Ott.Tests.Integration;

/// <summary>The schema lives once: deploy/sql/001_schema.sql is what the application embeds and applies.</summary>
public class SchemaFileTests
{
    [Test]
    public void DeployedSchema_IsTheEmbeddedSchema()
    {
        var file = File.ReadAllText(Path.Combine(ExternalServices.RepositoryRoot, "deploy", "sql", "001_schema.sql")).ReplaceLineEndings("\n");

        Assert.Multiple(() =>
        {
            Assert.That(SqlSchema.Text, Is.EqualTo(file));
            Assert.That(SqlSchema.For(SqlEngine.Postgres), Is.EqualTo(file));
        });
    }

    [Test]
    public void SqliteSchema_SpellsIdentityKeysTheSqliteWay()
    {
        var sqlite = SqlSchema.For(SqlEngine.Sqlite);

        Assert.Multiple(() =>
        {
            Assert.That(sqlite, Does.Not.Contain("GENERATED ALWAYS AS IDENTITY"));
            Assert.That(sqlite.Split("INTEGER PRIMARY KEY AUTOINCREMENT").Length - 1, Is.EqualTo(4), "ott_assessments, ott_audit, ott_alerts, ott_network_links");
        });
    }
}
