using Ott.Api.Hosting;
using Ott.Api.Security;
using Ott.Hosting;

if (args is ["hash-password", ..])
{
    return PasswordTool.Run(args);
}

return await StartupGuard.RunAsync(async () =>
{
    var app = ApiApplication.Build(new WebApplicationOptions { Args = args });
    await app.RunAsync();
});

/// <summary>The API's entry point (public for the test host).</summary>
public partial class Program;
