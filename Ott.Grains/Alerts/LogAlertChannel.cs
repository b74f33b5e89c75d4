using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Ott.Grains.Interfaces;

namespace Ott.Grains.Alerts;

/// <summary>
/// Writes alerts to the application log (always configured), at the level and rate an operator reads: a critical
/// alert is a warning, the others information; at most <see cref="AlertOptions.LogLinesPerSecond"/> lines a second
/// per silo, and the alerts beyond that are summed into one line for that second (each stays stored and readable at
/// <c>/api/v1/alerts</c>, and the delivery counts as done: the log has them in the summary).
/// </summary>
public sealed partial class LogAlertChannel(ILogger<LogAlertChannel> logger, IOptions<AlertOptions> options, TimeProvider time) : IAlertChannel
{
    private readonly Lock _lock = new();
    private long _second = long.MinValue;
    private int _written;
    private int _suppressed;
    private RiskLevel _worstSuppressed;

    public string Name => "log";

    public bool IsConfigured => true;

    public Task DeliverAsync(Alert alert, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(alert);
        var second = time.GetUtcNow().ToUnixTimeSeconds();
        int summarised;
        RiskLevel worst;
        bool write;
        lock (_lock)
        {
            (summarised, worst) = (0, default);
            if (second != _second)
            {
                (summarised, worst) = (_suppressed, _worstSuppressed);
                (_second, _written, _suppressed, _worstSuppressed) = (second, 0, 0, default);
            }

            write = _written < options.Value.LogLinesPerSecond;
            if (write)
            {
                _written++;
            }
            else
            {
                _suppressed++;
                _worstSuppressed = alert.Severity > _worstSuppressed ? alert.Severity : _worstSuppressed;
            }
        }

        if (summarised > 0)
        {
            LogSuppressed(logger, summarised, worst);
        }

        if (write && alert.Severity >= RiskLevel.Critical)
        {
            LogCritical(logger, alert.Severity, alert.Title, alert.Id);
        }
        else if (write)
        {
            LogAlert(logger, alert.Severity, alert.Title, alert.Id);
        }

        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "ALERT {Severity}: {Title} ({AlertId})")]
    private static partial void LogCritical(ILogger logger, RiskLevel severity, string title, string alertId);

    [LoggerMessage(Level = LogLevel.Information, Message = "ALERT {Severity}: {Title} ({AlertId})")]
    private static partial void LogAlert(ILogger logger, RiskLevel severity, string title, string alertId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} more alerts in the last second were not written to the log (worst: {Severity}); they are stored: GET /api/v1/alerts")]
    private static partial void LogSuppressed(ILogger logger, int count, RiskLevel severity);
}
