using Ott.Api.Hosting;
using Ott.Silo.Hosting;

return await StartupGuard.RunAsync(async () =>
{
    var builder = WebApplication.CreateBuilder(args);
    builder.AddOttSilo();
    builder.AddOttApi();

    var app = builder.Build();
    StartupGuard.ValidateOptions(app.Services);
    app.MapOttApi();
    await app.RunAsync();
});

/// <summary>The API's entry point (public for the test host).</summary>
public partial class Program;
