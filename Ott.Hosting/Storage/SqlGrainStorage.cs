using System.Data.Common;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Serialization;
using Orleans.Storage;

namespace Ott.Hosting.Storage;

/// <summary>
/// Grain state in the product's database (PostgreSQL or SQLite): one row per (service, state name, grain id), the
/// state serialized with the Orleans serializer, and a version for optimistic concurrency: a write that does not
/// hold the stored version fails with <see cref="InconsistentStateException"/>, as Orleans expects. (Why not the
/// ADO.NET provider: docs/decisions.md.) Writes are group-committed across grains (<see cref="BatchWriter{TItem,TResult}"/>):
/// the write-behind of many user grains lands in one transaction instead of one connection and commit each; every
/// row keeps its own version check, and a grain whose check fails gets its own <see cref="InconsistentStateException"/>.
/// </summary>
public sealed class SqlGrainStorage : IGrainStorage, IAsyncDisposable
{
    private const int MaxWritesPerCommit = 500;
    private const string Insert =
        "INSERT INTO ott_grain_state (service_id, state_name, grain_id, payload, version, modified_at) VALUES (@s, @n, @g, @p, 1, @t) ON CONFLICT DO NOTHING";
    private const string Update =
        "UPDATE ott_grain_state SET payload = @p, version = version + 1, modified_at = @t WHERE service_id = @s AND state_name = @n AND grain_id = @g AND version = @v";

    private readonly SqlDatabase db;
    private readonly Serializer serializer;
    private readonly TimeProvider time;
    private readonly string _service;
    private readonly BatchWriter<Change, bool> _changes;

    public SqlGrainStorage(SqlDatabase db, Serializer serializer, IOptions<ClusterOptions> cluster, TimeProvider time)
    {
        this.db = db;
        this.serializer = serializer;
        this.time = time;
        _service = cluster.Value.ServiceId;
        _changes = new BatchWriter<Change, bool>(ApplyAsync, MaxWritesPerCommit);
    }

    public ValueTask DisposeAsync() => _changes.DisposeAsync();

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var (service, name, grain) = Key(stateName, grainId);
        var rows = await db.QueryAsync(
            "SELECT payload, version FROM ott_grain_state WHERE service_id = @s AND state_name = @n AND grain_id = @g",
            reader => (Payload: reader.IsDBNull(0) ? null : (byte[])reader.GetValue(0), Version: reader.GetInt32(1)),
            CancellationToken.None, service, name, grain);
        if (rows.Count == 0)
        {
            (grainState.State, grainState.ETag, grainState.RecordExists) = (Activator.CreateInstance<T>(), null, false);
            return;
        }

        var (payload, version) = rows[0];
        grainState.ETag = version.ToString(System.Globalization.CultureInfo.InvariantCulture);
        (grainState.State, grainState.RecordExists) = payload is null
            ? (Activator.CreateInstance<T>(), false)
            : (serializer.Deserialize<T>(payload), true);
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var payload = serializer.SerializeToArray(grainState.State);
        var next = await ChangeAsync(stateName, grainId, grainState.ETag, payload);
        (grainState.ETag, grainState.RecordExists) = (next.ToString(System.Globalization.CultureInfo.InvariantCulture), true);
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (grainState.ETag is not null)
        {
            var next = await ChangeAsync(stateName, grainId, grainState.ETag, null);
            grainState.ETag = next.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        (grainState.State, grainState.RecordExists) = (Activator.CreateInstance<T>(), false);
    }

    /// <summary>Inserts (no ETag) or updates (the ETag's version) the row; returns the new version.</summary>
    private async Task<int> ChangeAsync(string stateName, GrainId grainId, string? etag, byte[]? payload)
    {
        var expected = etag is null ? 0 : int.Parse(etag, System.Globalization.CultureInfo.InvariantCulture);
        if (!await _changes.SubmitAsync(new Change(stateName, grainId.ToString(), etag is null ? null : expected, payload, time.GetUtcNow().UtcTicks)))
        {
            throw new InconsistentStateException(
                $"State '{stateName}' of {grainId} was changed by someone else (expected version {etag ?? "none"}).", etag ?? "none", etag ?? "none");
        }

        return expected + 1;
    }

    /// <summary>One transaction for the queued changes, each with its version check; true where the row was changed.</summary>
    private Task<bool[]> ApplyAsync(IReadOnlyList<Change> changes, CancellationToken cancellationToken) =>
        db.InTransactionAsync(async (connection, transaction) =>
        {
            var applied = new bool[changes.Count];
            await using var insert = new Statement(connection, transaction, Insert, _service, versioned: false);
            await using var update = new Statement(connection, transaction, Update, _service, versioned: true);
            for (var i = 0; i < changes.Count; i++)
            {
                var change = changes[i];
                applied[i] = await (change.Expected is null ? insert : update).RunAsync(change, cancellationToken) == 1;
            }

            return applied;
        }, cancellationToken);

    /// <summary>The insert or the update, prepared once per commit and run per change.</summary>
    private sealed class Statement : IAsyncDisposable
    {
        private readonly DbCommand _command;
        private readonly DbParameter _name;
        private readonly DbParameter _grain;
        private readonly DbParameter _payload;
        private readonly DbParameter _ticks;
        private readonly DbParameter? _version;

        public Statement(DbConnection connection, DbTransaction transaction, string sql, string service, bool versioned)
        {
            _command = SqlDatabase.Command(connection, transaction, sql, ("@s", service));
            _name = SqlDatabase.Parameter(_command, "@n", null);
            _grain = SqlDatabase.Parameter(_command, "@g", null);
            _payload = SqlDatabase.Parameter(_command, "@p", null);
            _payload.DbType = System.Data.DbType.Binary;
            _ticks = SqlDatabase.Parameter(_command, "@t", 0L);
            _version = versioned ? SqlDatabase.Parameter(_command, "@v", 0) : null;
        }

        public Task<int> RunAsync(Change change, CancellationToken cancellationToken)
        {
            _name.Value = change.StateName;
            _grain.Value = change.GrainId;
            _payload.Value = (object?)change.Payload ?? DBNull.Value;
            _ticks.Value = change.Ticks;
            if (_version is not null)
            {
                _version.Value = change.Expected!.Value;
            }

            return _command.ExecuteNonQueryAsync(cancellationToken);
        }

        public ValueTask DisposeAsync() => _command.DisposeAsync();
    }

    internal readonly record struct Change(string StateName, string GrainId, int? Expected, byte[]? Payload, long Ticks);

    private (SqlArg Service, SqlArg Name, SqlArg Grain) Key(string stateName, GrainId grainId) =>
        (("@s", _service), ("@n", stateName), ("@g", grainId.ToString()));
}
