using Microsoft.Extensions.Logging;
using Ott.Grains.Interfaces;

namespace Ott.Grains.Alerts;

/// <summary>Writes alerts to the application log (always configured).</summary>
public sealed partial class LogAlertChannel(ILogger<LogAlertChannel> logger) : IAlertChannel
{
    public string Name => "log";

    public bool IsConfigured => true;

    public Task DeliverAsync(Alert alert, CancellationToken cancellationToken)
    {
        LogAlert(logger, alert.Severity, alert.Title, alert.Id);
        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "ALERT {Severity}: {Title} ({AlertId})")]
    private static partial void LogAlert(ILogger logger, RiskLevel severity, string title, string alertId);
}
