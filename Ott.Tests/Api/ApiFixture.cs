namespace Ott.Tests.Api;

/// <summary>One API host (with its silo) for every test in this namespace.</summary>
[SetUpFixture]
public sealed class ApiFixture
{
    public static ApiFactory Factory { get; private set; } = null!;

    /// <summary>A client with an admin token (every route).</summary>
    public static HttpClient Client { get; private set; } = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        Factory = new ApiFactory();
        Client = await Factory.ClientForAsync("admin");
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        Client.Dispose();
        await Factory.DisposeAsync();
    }
}
