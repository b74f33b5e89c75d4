using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Serialization;
using Orleans.Storage;

namespace Ott.Hosting.Storage;

/// <summary>
/// Grain state in the product's database (PostgreSQL or SQLite): one row per (service, state name, grain id), the
/// state serialized with the Orleans serializer, and a version for optimistic concurrency: a write that does not
/// hold the stored version fails with <see cref="InconsistentStateException"/>, as Orleans expects. (Why not the
/// ADO.NET provider: docs/decisions.md.)
/// </summary>
public sealed class SqlGrainStorage(SqlDatabase db, Serializer serializer, IOptions<ClusterOptions> cluster, TimeProvider time) : IGrainStorage
{
    private readonly string _service = cluster.Value.ServiceId;

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
        var sql = etag is null
            ? "INSERT INTO ott_grain_state (service_id, state_name, grain_id, payload, version, modified_at) VALUES (@s, @n, @g, @p, 1, @t) ON CONFLICT DO NOTHING"
            : "UPDATE ott_grain_state SET payload = @p, version = version + 1, modified_at = @t " +
              "WHERE service_id = @s AND state_name = @n AND grain_id = @g AND version = @v";
        var (service, name, grain) = Key(stateName, grainId);
        SqlArg[] args = [service, name, grain, new("@p", payload, System.Data.DbType.Binary), ("@t", time.GetUtcNow().UtcTicks)];
        if (await db.ExecuteAsync(sql, CancellationToken.None, etag is null ? args : [.. args, ("@v", expected)]) != 1)
        {
            throw new InconsistentStateException(
                $"State '{stateName}' of {grainId} was changed by someone else (expected version {etag ?? "none"}).", etag ?? "none", etag ?? "none");
        }

        return expected + 1;
    }

    private (SqlArg Service, SqlArg Name, SqlArg Grain) Key(string stateName, GrainId grainId) =>
        (("@s", _service), ("@n", stateName), ("@g", grainId.ToString()));
}
