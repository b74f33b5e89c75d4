namespace Ott.Hosting.Storage;

/// <summary>
/// The schema, written once in <c>deploy/sql/001_schema.sql</c> (PostgreSQL's dialect) and embedded in this assembly.
/// Operators may apply that file themselves; every process applies it at start-up (idempotent). SQLite gets the same
/// text with its identity-key spelling (the only construct the two engines write differently).
/// </summary>
public static class SqlSchema
{
    private const string Resource = "Ott.Hosting.Storage.001_schema.sql";
    private const string PostgresIdentity = "bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY";
    private const string SqliteIdentity = "INTEGER PRIMARY KEY AUTOINCREMENT";

    private static readonly Lazy<string> File = new(() =>
    {
        using var stream = typeof(SqlSchema).Assembly.GetManifestResourceStream(Resource)
            ?? throw new InvalidOperationException($"The schema resource {Resource} is missing from {typeof(SqlSchema).Assembly.GetName().Name}.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().ReplaceLineEndings("\n");
    });

    /// <summary>The shipped file as it is (comments included).</summary>
    public static string Text => File.Value;

    /// <summary>The statements for an engine.</summary>
    public static string For(SqlEngine engine) =>
        engine == SqlEngine.Postgres ? Text : Text.Replace(PostgresIdentity, SqliteIdentity, StringComparison.Ordinal);

    /// <summary>
    /// Creates every table and index that is missing; running it twice changes nothing. On PostgreSQL the DDL runs in
    /// one transaction under an advisory lock, because <c>CREATE TABLE IF NOT EXISTS</c> from two silos starting
    /// together races in the catalog (a unique violation on pg_type).
    /// </summary>
    internal static Task ApplyAsync(SqlDatabase db, long lockKey, CancellationToken cancellationToken) =>
        db.InTransactionAsync(async (connection, transaction) =>
        {
            var sql = (db.Engine == SqlEngine.Postgres ? $"SELECT pg_advisory_xact_lock({lockKey});\n" : "") + For(db.Engine);
            await using var command = SqlDatabase.Command(connection, transaction, sql);
            return await command.ExecuteNonQueryAsync(cancellationToken);
        }, cancellationToken);
}
