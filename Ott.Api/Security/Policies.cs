namespace Ott.Api.Security;

/// <summary>Authorization policy names.</summary>
public static class Policies
{
    /// <summary>ingest or admin; anonymous too where configuration allows it.</summary>
    public const string Ingest = "ingest";

    /// <summary>analyst or admin.</summary>
    public const string Analyst = "analyst";

    /// <summary>admin only.</summary>
    public const string Admin = "admin";
}
