using Ott.Hosting;

// A standalone silo: the same grains and configuration as the API's co-hosted silo, without the API. Over HTTP it
// serves only its probes and metrics (/health/live, /health/ready, /metrics) on --urls (default in appsettings.json).
return await StartupGuard.RunAsync(async () =>
{
    // Content root = the output folder, so appsettings.json is found whatever the working directory.
    var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
    builder.AddOttSilo();
    var app = builder.Build();
    StartupGuard.ValidateOptions(app.Services);
    app.MapOttHealth();
    await app.RunAsync();
});
