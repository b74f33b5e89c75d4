using Ott.Grains.Logs;

namespace Ott.Hosting.Storage;

/// <summary>
/// The PIPL routes' persons in <c>ott_pipl_persons</c> (one row per route, person and sensitivity; a repeat is ignored).
/// One transaction per append.
/// </summary>
public sealed class SqlPiplPersonLog(SqlDatabase db) : IPiplPersonLog
{
    private static readonly BulkInsert Insert = new("ott_pipl_persons", ["route_key", "person", "sensitive"], OnConflict: "ON CONFLICT DO NOTHING");

    public async Task AppendAsync(string routeKey, IReadOnlyList<PiplPersonRecord> records, CancellationToken cancellationToken = default)
    {
        if (records.Count == 0)
        {
            return;
        }

        await db.InTransactionAsync((connection, transaction) => db.InsertManyAsync<PiplPersonRecord, int>(connection, transaction, Insert, records,
            (record, row) => (row[0], row[1], row[2]) = (routeKey, unchecked((long)record.PersonHash), (short)(record.Sensitive ? 1 : 0)),
            read: null, cancellationToken), cancellationToken);
    }

    public IAsyncEnumerable<PiplPersonRecord> ReadAsync(string routeKey, CancellationToken cancellationToken = default) =>
        db.StreamAsync("SELECT person, sensitive FROM ott_pipl_persons WHERE route_key = @r",
            reader => new PiplPersonRecord(unchecked((ulong)reader.GetInt64(0)), reader.GetInt16(1) != 0), cancellationToken, ("@r", routeKey));
}
