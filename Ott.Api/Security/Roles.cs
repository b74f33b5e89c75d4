namespace Ott.Api.Security;

/// <summary>The three roles and the policies built on them.</summary>
public static class Roles
{
    public const string Admin = "admin";
    public const string Analyst = "analyst";
    public const string Ingest = "ingest";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal) { Admin, Analyst, Ingest };
}
