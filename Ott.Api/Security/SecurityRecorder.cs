using Ott.Api.Events;
using Ott.Api.Events.Validation;
using Ott.Api.Hosting;
using Ott.Grains.Logs;

namespace Ott.Api.Security;

/// <summary>Counts rejected inputs and writes a security record for each attack-pattern hit.</summary>
public sealed partial class SecurityRecorder(ApiMetrics metrics, IAuditLog audit, TimeProvider time, ILogger<SecurityRecorder> logger)
{
    /// <summary>Records an event rejected for matching attack patterns.</summary>
    public async Task AttackAsync(HttpContext http, EventValidation validation)
    {
        foreach (var hit in validation.Attacks)
        {
            metrics.Rejected("attack_pattern", hit.Pattern.Family);
            LogAttack(logger, hit.Pattern.Name, hit.Field, SecurityHosting.ClientIp(http));
            await audit.AppendAsync(new AuditRecord
            {
                Time = time.GetUtcNow(),
                Actor = http.User.Identity?.Name ?? "anonymous",
                Role = string.Join(",", Roles.All.Where(http.User.IsInRole)),
                Action = "security.attack_pattern",
                TargetKind = "event",
                Target = AuditTarget(validation.EventId),
                Result = StatusCodes.Status400BadRequest,
                ClientIp = SecurityHosting.ClientIp(http),
                Detail = $"{hit.Pattern.Name} in {hit.Field}",
            });
        }
    }

    /// <summary>
    /// The rejected event's id for the audit trail: as sent when it follows the identifier rule, else sanitised (no
    /// control characters: PostgreSQL text refuses NUL) and cut to 40 characters, so a hostile id never fails the write.
    /// </summary>
    private static string AuditTarget(string? eventId) =>
        eventId is null ? "" : Identifiers.IsIdentifier(eventId) ? eventId : FieldReader.Excerpt(FreeText.Sanitize(eventId));

    /// <summary>Counts an input rejected for another reason (validation, size, media type).</summary>
    public void Rejected(string reason) => metrics.Rejected(reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rejected an event matching attack pattern {Pattern} in {Field} from {ClientIp}")]
    private static partial void LogAttack(ILogger logger, string pattern, string field, string clientIp);
}
