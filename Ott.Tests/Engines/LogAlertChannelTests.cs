using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Ott.Grains.Alerts;
using Ott.Grains.Interfaces;
using static Ott.Tests.Support.TestEvents;

namespace Ott.Tests.Engines;

public class LogAlertChannelTests
{
    private static Alert Sample(int i, RiskLevel severity) => new()
    {
        Id = $"alert-{i}",
        Kind = AlertKinds.Assessment,
        Severity = severity,
        Title = $"risk for user u-{i}",
        Detail = "d",
        RaisedAt = T0,
        Channels = ["log"],
    };

    [Test]
    public async Task AlertsBeyondTheRate_AreSummedIntoOneLineThatSecond_CriticalAsWarnings()
    {
        var time = new FakeTimeProvider(T0);
        var logger = new ListLogger();
        var channel = new LogAlertChannel(logger, Options.Create(new AlertOptions { LogLinesPerSecond = 3 }), time);

        for (var i = 0; i < 10; i++)
        {
            await channel.DeliverAsync(Sample(i, i == 7 ? RiskLevel.Critical : RiskLevel.High), CancellationToken.None);
        }

        time.Advance(TimeSpan.FromSeconds(1));
        await channel.DeliverAsync(Sample(10, RiskLevel.Critical), CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(logger.Lines, Has.Count.EqualTo(5), string.Join('\n', logger.Lines));
            Assert.That(logger.Lines.Take(3), Has.All.StartsWith("Information ALERT High"));
            Assert.That(logger.Lines[3], Is.EqualTo("Warning 7 more alerts in the last second were not written to the log (worst: Critical); they are stored: GET /api/v1/alerts"));
            Assert.That(logger.Lines[4], Is.EqualTo("Warning ALERT Critical: risk for user u-10 (alert-10)"));
        });
    }

    private sealed class ListLogger : ILogger<LogAlertChannel>
    {
        public List<string> Lines { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Lines.Add($"{logLevel} {formatter(state, exception)}");
    }
}
