using System.ComponentModel.DataAnnotations;

namespace Ott.Grains.Alerts;

/// <summary>SMTP settings of the email channel.</summary>
public sealed class EmailSettings
{
    public string? Host { get; set; }
    [Range(1, 65535)] public int Port { get; set; } = 25;
    public bool UseTls { get; set; }
    public string? Username { get; set; }
    public string? Password { get; set; }
    public string From { get; set; } = "alerts@ott-compliance.local";
    public List<string> To { get; set; } = [];
}
