using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using Ott.Grains.Alerts;
using Ott.Grains.Interfaces;

namespace Ott.Hosting.Alerts;

/// <summary>Sends a plain-text email over SMTP (MailKit).</summary>
public sealed class EmailAlertChannel(EmailSettings settings) : IAlertChannel
{
    public string Name => "email";

    public bool IsConfigured => !string.IsNullOrWhiteSpace(settings.Host) && settings.To.Count > 0;

    public async Task DeliverAsync(Alert alert, CancellationToken cancellationToken)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(settings.From));
        foreach (var to in settings.To)
        {
            message.To.Add(MailboxAddress.Parse(to));
        }

        message.Subject = $"[OTT {AlertPayloads.Upper(alert.Severity)}] {alert.Title}";
        message.Body = new TextPart("plain")
        {
            Text = string.Join('\n', new[]
            {
                alert.Detail,
                "",
                $"alert: {alert.Id}",
                alert.UserId is null ? null : $"user: {alert.UserId}",
                alert.EventId is null ? null : $"event: {alert.EventId} (/api/v1/events/{alert.EventId}/assessment)",
                alert.Segment is null ? null : $"segment: {alert.Segment}",
                $"raised: {alert.RaisedAt.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC",
            }.Where(l => l is not null)),
        };

        using var client = new SmtpClient();
        await client.ConnectAsync(settings.Host!, settings.Port, settings.UseTls ? SecureSocketOptions.StartTls : SecureSocketOptions.None, cancellationToken);
        if (!string.IsNullOrEmpty(settings.Username))
        {
            await client.AuthenticateAsync(settings.Username, settings.Password ?? "", cancellationToken);
        }

        await client.SendAsync(message, cancellationToken);
        await client.DisconnectAsync(true, cancellationToken);
    }
}
