namespace Ott.Hosting;

/// <summary>Configuration of the Orleans Dashboard (<c>Ott:OrleansDashboard</c>).</summary>
public sealed class OrleansDashboardSettings
{
    /// <summary>On or off; unset follows the profile (see <see cref="OttHostOptions.OrleansDashboard"/>).</summary>
    public bool? Enabled { get; set; }
}
