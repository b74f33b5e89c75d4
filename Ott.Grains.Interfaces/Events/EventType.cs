namespace Ott.Grains.Interfaces;

/// <summary>
/// What happened on the client. The wire form is the snake_case name (<c>login_failed</c>), matched
/// case-insensitively on ingest.
/// </summary>
public enum EventType : byte
{
    Play = 1,
    Pause,
    Stop,
    Seek,
    Error,
    Login,
    Logout,
    LoginFailed,
    Purchase,
    Download,
    Export,
    TokenRefresh,
    TokenRefreshFailed,
    BulkDownload,
    Access,
    Signup,
    PasswordReset,
    PaymentFailed,
    ConsentGranted,
    ConsentWithdrawn,
    DataDeletionRequest,
    ProfileUpdate,
    Share,
}

/// <summary>Plan the user is on, when the client sends it.</summary>
public enum SubscriptionPlan : byte
{
    Basic = 1,
    Standard,
    Premium,
    Vip,
    Trial,
}

/// <summary>What the processing behind an event is for (docs/api.md <c>purpose</c>).</summary>
public enum ProcessingPurpose : byte
{
    Service = 1,
    Analytics,
    Personalisation,
    Advertising,
    Marketing,
    Sale,
}

/// <summary>Classification helpers over <see cref="EventType"/> shared by every stage.</summary>
public static class EventTypes
{
    /// <summary>Error-like events: playback or authentication failures (docs/scoring.md factor auth_or_playback_error).</summary>
    public static bool IsErrorLike(this EventType type) =>
        type is EventType.Error or EventType.LoginFailed or EventType.TokenRefreshFailed or EventType.PaymentFailed;

    /// <summary>Authentication failures (docs/scoring.md, "Rolling features": login_failed, token_refresh_failed).</summary>
    public static bool IsAuthFailure(this EventType type) =>
        type is EventType.LoginFailed or EventType.TokenRefreshFailed;

    /// <summary>Events that move data out of the system (export, download, bulk_download, access).</summary>
    public static bool IsDataAccess(this EventType type) =>
        type is EventType.Export or EventType.Download or EventType.BulkDownload or EventType.Access;

    /// <summary>The snake_case wire name of a type (<c>LoginFailed</c> -> <c>login_failed</c>).</summary>
    public static string ToWireName(this EventType type) => WireNames[(int)type];

    /// <summary>Every type with its wire name, in declaration order.</summary>
    public static IReadOnlyList<EventType> All { get; } = Enum.GetValues<EventType>();

    private static readonly string[] WireNames = BuildWireNames();

    private static string[] BuildWireNames()
    {
        var values = Enum.GetValues<EventType>();
        var names = new string[values.Max(v => (int)v) + 1];
        foreach (var value in values)
        {
            names[(int)value] = WireName.From(value.ToString());
        }

        return names;
    }
}

/// <summary>Turns PascalCase enum names into the snake_case names used on the wire.</summary>
public static class WireName
{
    /// <summary><c>TokenRefreshFailed</c> -> <c>token_refresh_failed</c>.</summary>
    public static string From(string pascal)
    {
        var builder = new System.Text.StringBuilder(pascal.Length + 4);
        for (var i = 0; i < pascal.Length; i++)
        {
            var c = pascal[i];
            if (char.IsUpper(c))
            {
                if (i > 0)
                {
                    builder.Append('_');
                }

                builder.Append(char.ToLowerInvariant(c));
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }
}
