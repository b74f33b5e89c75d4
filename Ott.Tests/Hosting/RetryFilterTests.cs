using System.Reflection;
using Ott.Grains.Interfaces;
using Ott.Hosting;

namespace Ott.Tests.Hosting;

public class RetryFilterTests
{
    [Test]
    public void LostSiloFailures_AreRetried_GrainErrorsAreNot()
    {
        Assert.Multiple(() =>
        {
            Assert.That(SiloUnavailableRetryFilter.IsSiloUnavailable(new SiloUnavailableException()), Is.True);
            Assert.That(SiloUnavailableRetryFilter.IsSiloUnavailable(new TimeoutException("Response did not arrive on time")), Is.True,
                "a request the silo took before it died is never answered");
            Assert.That(SiloUnavailableRetryFilter.IsSiloUnavailable(new AggregateException(new TimeoutException())), Is.True);
            Assert.That(SiloUnavailableRetryFilter.IsSiloUnavailable(new InvalidOperationException("a bug in a grain")), Is.False);
            Assert.That(SiloUnavailableRetryFilter.IsSiloUnavailable(new ArgumentException("bad input")), Is.False);
        });
    }

    [Test]
    public void OnlyProductGrainCalls_AreRetried_NeverOrleansOwn()
    {
        Assert.Multiple(() =>
        {
            Assert.That(SiloUnavailableRetryFilter.IsProductInterface(typeof(IIngestGrain)), Is.True);
            Assert.That(SiloUnavailableRetryFilter.IsProductInterface(typeof(IUserGrain)), Is.True);
            Assert.That(SiloUnavailableRetryFilter.IsProductInterface(typeof(Orleans.Streams.IAsyncStream<OttEvent>)), Is.False);
            Assert.That(SiloUnavailableRetryFilter.IsProductInterface(typeof(IManagementGrain)), Is.False);
        });
    }

    [Test]
    public void TheIngestCall_TimesOutLongBeforeOrleansDefault()
    {
        var timeout = typeof(IIngestGrain).GetMethod(nameof(IIngestGrain.IngestAsync))!.GetCustomAttribute<ResponseTimeoutAttribute>();
        Assert.That(timeout?.Timeout, Is.EqualTo(TimeSpan.FromSeconds(10)), "Orleans' default is 30 s; the retry budget is 45 s");
    }
}
