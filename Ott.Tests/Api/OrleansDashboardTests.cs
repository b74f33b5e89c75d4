using System.Net;
using Ott.Api.Security;
using Ott.Tests.Support;

namespace Ott.Tests.Api;

/// <summary>The Orleans Dashboard at /dashboard/: admins only, by header or by the path-scoped cookie; off when configured off.</summary>
public class OrleansDashboardTests
{
    [Test]
    public async Task Admin_GetsThePageAndLiveCounters_OthersAreRefused()
    {
        using var admin = await ApiFixture.Factory.ClientForAsync("admin");
        using var analyst = await ApiFixture.Factory.ClientForAsync("analyst");
        using var anonymous = ApiFixture.Factory.CreateClient();

        using var page = await admin.GetAsync("/dashboard/");
        var html = await page.Content.ReadAsStringAsync();
        var json = await Eventually.WaitAsync(async () => await (await admin.GetAsync("/dashboard/DashboardCounters")).JsonAsync(),
            body => body.GetProperty("totalActiveHostCount").GetInt32() == 1, "the dashboard counts the co-hosted silo");

        Assert.Multiple(async () =>
        {
            Assert.That(page.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(html, Does.Contain("index.min.js"), "the dashboard's own page");
            Assert.That(json.GetProperty("hosts").GetArrayLength(), Is.EqualTo(1), "one co-hosted silo");
            Assert.That((await analyst.GetAsync("/dashboard/DashboardCounters")).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That((await anonymous.GetAsync("/dashboard/")).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        });
    }

    [Test]
    public async Task TheCookie_AuthenticatesUnderDashboardOnly()
    {
        using var tokenClient = await ApiFixture.Factory.ClientForAsync("admin");
        var token = tokenClient.DefaultRequestHeaders.Authorization!.Parameter!;
        using var browser = ApiFixture.Factory.CreateClient();

        using var dashboard = new HttpRequestMessage(HttpMethod.Get, "/dashboard/DashboardCounters");
        dashboard.Headers.Add("Cookie", $"{DashboardCookie.Name}={token}");
        using var api = new HttpRequestMessage(HttpMethod.Get, "/api/v1/cluster");
        api.Headers.Add("Cookie", $"{DashboardCookie.Name}={token}");

        Assert.Multiple(async () =>
        {
            Assert.That((await browser.SendAsync(dashboard)).StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That((await browser.SendAsync(api)).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "the cookie is no credential elsewhere");
        });
    }

    [Test]
    public async Task Disabled_MapsNothing()
    {
        await using var factory = new ApiFactory(new Dictionary<string, string?> { ["Ott:OrleansDashboard:Enabled"] = "false" });
        using var admin = await factory.ClientForAsync("admin");

        Assert.That((await admin.GetAsync("/dashboard/DashboardCounters")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }
}
