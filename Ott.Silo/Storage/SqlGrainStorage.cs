using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Serialization;
using Orleans.Storage;

namespace Ott.Silo.Storage;

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
        await using var connection = await db.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT payload, version FROM ott_grain_state WHERE service_id = @s AND state_name = @n AND grain_id = @g";
        Key(command, stateName, grainId);
        await using var reader = await command.ExecuteReaderAsync();
        if (!await reader.ReadAsync())
        {
            (grainState.State, grainState.ETag, grainState.RecordExists) = (Activator.CreateInstance<T>(), null, false);
            return;
        }

        var version = reader.GetInt32(1);
        grainState.ETag = version.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (await reader.IsDBNullAsync(0))
        {
            (grainState.State, grainState.RecordExists) = (Activator.CreateInstance<T>(), false);
            return;
        }

        grainState.State = serializer.Deserialize<T>((byte[])reader.GetValue(0));
        grainState.RecordExists = true;
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
        await using var connection = await db.OpenAsync();
        await using var command = connection.CreateCommand();
        Key(command, stateName, grainId);
        SqlDatabase.Parameter(command, "@p", payload);
        SqlDatabase.Parameter(command, "@t", time.GetUtcNow().UtcTicks);
        int expected;
        if (etag is null)
        {
            expected = 0;
            command.CommandText = "INSERT INTO ott_grain_state (service_id, state_name, grain_id, payload, version, modified_at) " +
                                  "VALUES (@s, @n, @g, @p, 1, @t) ON CONFLICT DO NOTHING";
        }
        else
        {
            expected = int.Parse(etag, System.Globalization.CultureInfo.InvariantCulture);
            SqlDatabase.Parameter(command, "@v", expected);
            command.CommandText = "UPDATE ott_grain_state SET payload = @p, version = version + 1, modified_at = @t " +
                                  "WHERE service_id = @s AND state_name = @n AND grain_id = @g AND version = @v";
        }

        if (await command.ExecuteNonQueryAsync() != 1)
        {
            throw new InconsistentStateException(
                $"State '{stateName}' of {grainId} was changed by someone else (expected version {etag ?? "none"}).", etag ?? "none", etag ?? "none");
        }

        return expected + 1;
    }

    private void Key(System.Data.Common.DbCommand command, string stateName, GrainId grainId)
    {
        SqlDatabase.Parameter(command, "@s", _service);
        SqlDatabase.Parameter(command, "@n", stateName);
        SqlDatabase.Parameter(command, "@g", grainId.ToString());
    }
}
