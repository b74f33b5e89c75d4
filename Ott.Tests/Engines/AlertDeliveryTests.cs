using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Ott.Grains.Alerts;
using Ott.Grains.Interfaces;
using Ott.Hosting.Alerts;
using Ott.Tests.Api;
using Ott.Tests.Support;
using static Ott.Tests.Support.TestEvents;

namespace Ott.Tests.Engines;

public class AlertDeliveryTests
{
    private static Alert Sample(string id, params string[] channels) => new()
    {
        Id = id,
        Kind = "assessment",
        Severity = RiskLevel.Critical,
        Title = "critical risk for user u-1: credential_stuffing",
        Detail = "Score 11 against threshold 7.",
        UserId = "u-1",
        EventId = "evt-1",
        Segment = "new_user",
        TopFactor = "credential_stuffing",
        RiskScore = 11,
        RaisedAt = T0,
        Channels = channels,
    };

    private static (AlertDispatcher Dispatcher, InMemoryAlertStore Store, ServiceProvider Services) Dispatcher(AlertOptions options)
    {
        var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var store = new InMemoryAlertStore(options);
        var http = new HttpClient { Timeout = options.DeliveryTimeout };
        IAlertChannel[] channels = [new LogAlertChannel(NullLogger<LogAlertChannel>.Instance, Options.Create(options), TimeProvider.System), .. AlertChannelRegistration.Outbound(options, http)];
        var dispatcher = new AlertDispatcher(store, Options.Create(options), TimeProvider.System,
            services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), NullLoggerFactory.Instance, channels);
        return (dispatcher, store, services);
    }

    private static Task<Alert?> DeliveredAsync(InMemoryAlertStore store, string id, string channel, string status = "delivered") =>
        Eventually.WaitAsync(() => store.GetAsync(id).AsTask(), a => a?.Deliveries.GetValueOrDefault(channel) == status,
            $"alert {id} to be {status} on {channel}");

    [Test]
    public async Task Webhook_Slack_And_Email_ReceiveTheAlert()
    {
        using var webhook = new TestHttpListener(ApiFactory.FreePort());
        using var slack = new TestHttpListener(ApiFactory.FreePort());
        using var smtp = new TestSmtpServer();
        var (dispatcher, store, services) = Dispatcher(new AlertOptions
        {
            WebhookUrl = webhook.Url,
            SlackWebhookUrl = slack.Url,
            Email = new EmailSettings { Host = "127.0.0.1", Port = smtp.Port, To = ["security@example.com"] },
        });
        using var _ = services;
        await dispatcher.StartAsync(CancellationToken.None);

        await dispatcher.RaiseAsync(Sample("alert-1", "log", "webhook", "slack", "email"));
        await DeliveredAsync(store, "alert-1", "webhook");
        await DeliveredAsync(store, "alert-1", "slack");
        var stored = await DeliveredAsync(store, "alert-1", "email");
        await dispatcher.StopAsync(CancellationToken.None);

        var body = JsonDocument.Parse(webhook.Bodies.Single()).RootElement;
        var slackBody = JsonDocument.Parse(slack.Bodies.Single()).RootElement;
        Assert.Multiple(() =>
        {
            Assert.That(stored!.Deliveries["log"], Is.EqualTo("delivered"));
            Assert.That(body.GetProperty("id").GetString(), Is.EqualTo("alert-1"));
            Assert.That(body.GetProperty("severity").GetString(), Is.EqualTo("critical"));
            Assert.That(body.GetProperty("user_id").GetString(), Is.EqualTo("u-1"));
            Assert.That(body.GetProperty("top_factor").GetString(), Is.EqualTo("credential_stuffing"));
            Assert.That(body.GetProperty("assessment").GetString(), Is.EqualTo("/api/v1/events/evt-1/assessment"));
            Assert.That(slackBody.GetProperty("text").GetString(), Is.EqualTo("[CRITICAL] critical risk for user u-1: credential_stuffing"));
            Assert.That(slackBody.GetProperty("blocks").EnumerateArray().Select(b => b.GetProperty("type").GetString()),
                Is.EqualTo(new[] { "header", "section", "context" }));
            Assert.That(smtp.Messages.Single(), Does.Contain("Subject: [OTT CRITICAL] critical risk for user u-1").And.Contain("security@example.com"));
        });
    }

    [Test]
    public async Task UnconfiguredChannel_IsMarkedSo_AndDoesNotBlock()
    {
        var (dispatcher, store, services) = Dispatcher(new AlertOptions());
        using var _ = services;
        await dispatcher.RaiseAsync(Sample("alert-2", "webhook", "email"));
        var alert = await store.GetAsync("alert-2");
        Assert.That(alert!.Deliveries, Is.EqualTo(new Dictionary<string, string> { ["webhook"] = "not_configured", ["email"] = "not_configured" }));
    }

    [Test]
    public async Task Delivery_IsRetriedWithBackoff_UntilTheListenerComesUp()
    {
        var port = ApiFactory.FreePort();
        var (dispatcher, store, services) = Dispatcher(new AlertOptions
        {
            WebhookUrl = $"http://127.0.0.1:{port}/hook",
            InitialBackoff = TimeSpan.FromMilliseconds(100),
            MaxBackoff = TimeSpan.FromMilliseconds(400),
            MaxAttempts = 50,
            DeliveryTimeout = TimeSpan.FromSeconds(2),
        });
        using var _ = services;
        await dispatcher.StartAsync(CancellationToken.None);

        await dispatcher.RaiseAsync(Sample("alert-3", "webhook"));
        await DeliveredAsync(store, "alert-3", "webhook", "retrying");
        using var listener = new TestHttpListener(port);
        await DeliveredAsync(store, "alert-3", "webhook");
        await dispatcher.StopAsync(CancellationToken.None);

        Assert.That(listener.Bodies, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task Delivery_GivesUpAfterMaxAttempts()
    {
        var (dispatcher, store, services) = Dispatcher(new AlertOptions
        {
            WebhookUrl = $"http://127.0.0.1:{ApiFactory.FreePort()}/hook",
            InitialBackoff = TimeSpan.FromMilliseconds(20),
            MaxAttempts = 3,
        });
        using var _ = services;
        await dispatcher.StartAsync(CancellationToken.None);
        await dispatcher.RaiseAsync(Sample("alert-4", "webhook"));

        await DeliveredAsync(store, "alert-4", "webhook", "failed");
        await dispatcher.StopAsync(CancellationToken.None);
        Assert.That(dispatcher.QueueDepth, Is.EqualTo(0));
    }

    [Test]
    public async Task RaisingTwice_StoresOnce_AndRepeatsCount()
    {
        var (dispatcher, store, services) = Dispatcher(new AlertOptions());
        using var _ = services;
        var first = await dispatcher.RaiseAsync(Sample("alert-5", "log"));
        var again = await dispatcher.RaiseAsync(Sample("alert-5", "log"));
        await dispatcher.RepeatAsync("alert-5", 3, T0.AddMinutes(4));
        await dispatcher.RepeatAsync("alert-5", 2, T0.AddMinutes(3));
        var beforeFlush = (await store.GetAsync("alert-5"))!.Count;
        await dispatcher.FlushRepeatsAsync();

        var alert = await store.GetAsync("alert-5");
        Assert.Multiple(() =>
        {
            Assert.That((first, again), Is.EqualTo((true, false)));
            Assert.That(beforeFlush, Is.EqualTo(1), "repeats are gathered, not written per event");
            Assert.That(alert!.Count, Is.EqualTo(3), "the highest count of the merged repeats");
            Assert.That(alert.LastSeenAt, Is.EqualTo(T0.AddMinutes(4)));
        });
    }
}
