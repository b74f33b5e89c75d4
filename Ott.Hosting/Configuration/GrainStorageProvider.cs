namespace Ott.Hosting;

/// <summary>Grain state provider.</summary>
public enum GrainStorageProvider
{
    /// <summary>In process memory: lost when the process stops. For tests and throwaway runs.</summary>
    Memory,

    /// <summary>A SQLite file (<c>ConnectionStrings:Sqlite</c>): durable, one process. The embedded default.</summary>
    Sqlite,

    /// <summary>PostgreSQL (<c>ConnectionStrings:Postgres</c>): durable and shared by every silo and API client.</summary>
    Postgres,
}
