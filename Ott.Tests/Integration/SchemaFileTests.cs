using Ott.Silo.Storage;

namespace Ott.Tests.Integration;

/// <summary>deploy/sql holds the schema for operators who apply it themselves: it must be what the application applies.</summary>
public class SchemaFileTests
{
    [TestCase(SqlEngine.Postgres, "postgres")]
    [TestCase(SqlEngine.Sqlite, "sqlite")]
    public void DeployedSchema_IsTheApplicationSchema(SqlEngine engine, string folder)
    {
        var file = Path.Combine(ExternalServices.RepositoryRoot, "deploy", "sql", folder, "001_schema.sql");
        var statements = string.Join('\n', File.ReadAllLines(file).Where(l => !l.StartsWith("--", StringComparison.Ordinal)));

        Assert.That(statements.Trim(), Is.EqualTo(SqlDatabase.Schema(engine).ReplaceLineEndings("\n").Trim()));
    }
}
