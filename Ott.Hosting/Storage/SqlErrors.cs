using System.Data.Common;
using System.Net.Sockets;
using Ott.Grains.Logs;

namespace Ott.Hosting.Storage;

/// <summary>Tells "the database cannot be reached now" (retry later) from a bug in a statement.</summary>
public static class SqlErrors
{
    /// <summary>
    /// True for connection failures, timeouts, server shutdowns and SQLite's busy/locked: what waiting cures.
    /// A syntax or constraint error is not (it would fail again).
    /// </summary>
    public static bool IsUnavailable(Exception exception) => exception switch
    {
        LogUnavailableException => true,
        Npgsql.PostgresException pg => pg.IsTransient || pg.SqlState.StartsWith("57P", StringComparison.Ordinal) || pg.SqlState.StartsWith("08", StringComparison.Ordinal),
        Microsoft.Data.Sqlite.SqliteException lite => lite.SqliteErrorCode is 5 or 6 or 10 or 14,
        DbException db => db.IsTransient || db.InnerException is SocketException or IOException or TimeoutException,
        SocketException or TimeoutException or IOException => true,
        InvalidOperationException { InnerException: { } inner } => IsUnavailable(inner),
        _ => false,
    };

    /// <summary>Runs a log operation, turning unavailability into <see cref="LogUnavailableException"/>.</summary>
    public static async ValueTask<T> GuardAsync<T>(Func<ValueTask<T>> operation)
    {
        try
        {
            return await operation();
        }
        catch (Exception ex) when (ex is not LogUnavailableException && IsUnavailable(ex))
        {
            throw new LogUnavailableException($"The database cannot be reached: {ex.Message}", ex);
        }
    }
}
