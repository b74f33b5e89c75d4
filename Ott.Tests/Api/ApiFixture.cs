namespace Ott.Tests.Api;

/// <summary>One API host (with its silo) for every test in this namespace.</summary>
[SetUpFixture]
public sealed class ApiFixture
{
    public static ApiFactory Factory { get; private set; } = null!;

    public static HttpClient Client { get; private set; } = null!;

    [OneTimeSetUp]
    public void Start()
    {
        Factory = new ApiFactory();
        Client = Factory.CreateClient();
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        Client.Dispose();
        await Factory.DisposeAsync();
    }
}
