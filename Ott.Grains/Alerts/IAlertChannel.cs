using Ott.Grains.Interfaces;

namespace Ott.Grains.Alerts;

/// <summary>One way an alert leaves the system.</summary>
public interface IAlertChannel
{
    /// <summary><c>log</c>, <c>webhook</c>, <c>slack</c> or <c>email</c>.</summary>
    string Name { get; }

    /// <summary>False when the channel has no destination configured (deliveries are then <c>not_configured</c>).</summary>
    bool IsConfigured { get; }

    /// <summary>Delivers once; throws on failure (the dispatcher retries with backoff).</summary>
    Task DeliverAsync(Alert alert, CancellationToken cancellationToken);
}
