using Microsoft.Extensions.Options;
using Orleans.Dashboard;
using Ott.Api.Endpoints;
using Ott.Api.Events;
using Ott.Api.Json;
using Ott.Api.Problems;
using Ott.Api.Security;
using Ott.Grains.Hosting;
using Ott.Hosting;
using Scalar.AspNetCore;

namespace Ott.Api.Hosting;

/// <summary>Service registration and endpoint mapping of the HTTP API; keeps Program.cs short.</summary>
public static partial class ApiHostingExtensions
{
    /// <summary>The API's services on top of the host (<see cref="HostingExtensions.AddOttSiloOrClient"/>, called first).</summary>
    public static IHostApplicationBuilder AddOttApi(this IHostApplicationBuilder builder)
    {
        var host = builder.OttHost();
        var services = builder.Services;
        services.AddOttSecurity(builder.Configuration, production: host.Profile == HostProfile.Production);
        services.AddValidatedOptions<ApiOptions>(builder.Configuration, ApiOptions.Section);
        services.ConfigureHttpJsonOptions(o => JsonDefaults.Apply(o.SerializerOptions));
        services.AddProblemDetails();
        services.AddExceptionHandler<ProblemExceptionHandler>();
        services.AddOpenApi(o => o.AddSchemaTransformer<EventSchemaTransformer>());
        services.AddSingleton<IngestHandler>();
        services.AddSingleton<DecisionHandler>();
        services.AddSingleton<SecurityRecorder>();
        services.AddSingleton<Simulation.SimulationRunner>();
        services.AddSingleton<Analytics.AnalyticsSource>();
        services.AddSingleton<Reports.ReportBuilder>();
        services.AddValidatedOptions<Ott.Grains.Compliance.RoiOptions>(builder.Configuration, Ott.Grains.Compliance.RoiOptions.Section);
        // One byte over the limit reaches the body reader, which answers 413 as a problem document.
        services.AddOptions<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>()
            .Configure<IOptions<ApiOptions>>((kestrel, api) => kestrel.Limits.MaxRequestBodySize = api.Value.MaxBodyBytes + 1);
        return builder;
    }

    public static WebApplication MapOttApi(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();

        // The dashboard (wwwroot/index.html at "/"): static, public files; its data comes from the API with a token.
        app.UseDefaultFiles();
        app.UseStaticFiles();
        app.UseAuthentication();
        app.UseMiddleware<AuditMiddleware>();
        app.UseAuthorization();
        app.UseRateLimiter();

        app.MapOpenApi();
        app.MapScalarApiReference(o => o.WithTitle("OTT Compliance API"));

        app.MapOttHealth();

        app.MapTokenApi();
        app.MapEventsApi().RequireAuthorization(Policies.Ingest).RequireRateLimiting(RateLimits.Ingest);
        app.MapDecisionApi().RequireAuthorization(Policies.Ingest).RequireRateLimiting(RateLimits.Ingest);
        app.MapAnalystApi().RequireAuthorization(Policies.Analyst).RequireRateLimiting(RateLimits.Analyst);
        app.MapComplianceApi().RequireAuthorization(Policies.Analyst).RequireRateLimiting(RateLimits.Analyst);
        app.MapNetworkApi().RequireAuthorization(Policies.Analyst).RequireRateLimiting(RateLimits.Analyst);
        app.MapAlertApi().RequireAuthorization(Policies.Analyst).RequireRateLimiting(RateLimits.Analyst);
        app.MapAnalyticsApi().RequireAuthorization(Policies.Analyst).RequireRateLimiting(RateLimits.Analyst);
        app.MapPolicyApi().RequireAuthorization(Policies.Analyst).RequireRateLimiting(RateLimits.Analyst);
        app.MapReportApi().RequireAuthorization(Policies.Analyst).RequireRateLimiting(RateLimits.Analyst);
        app.MapLegacyApi().RequireAuthorization(Policies.Analyst).RequireRateLimiting(RateLimits.Analyst);
        app.MapAdminApi().RequireAuthorization(Policies.Admin).RequireRateLimiting(RateLimits.Analyst);
        app.MapSimulationApi().RequireAuthorization(Policies.Admin).RequireRateLimiting(RateLimits.Analyst);
        if (app.Services.GetRequiredService<OttHostOptions>().DashboardEnabled)
        {
            // Orleans' own dashboard (silos, grains, calls), for admins: a browser sends the token as a cookie the
            // web dashboard sets for this path only (SecurityHosting, DashboardCookie).
            app.MapOrleansDashboard(routePrefix: DashboardCookie.Path).RequireAuthorization(Policies.Admin).RequireRateLimiting(RateLimits.Analyst);
        }

        if (app.Services.GetRequiredService<IOptions<ApiOptions>>().Value.NoopIngestEndpoints)
        {
            app.MapNoopIngestApi().RequireAuthorization(Policies.Ingest).RequireRateLimiting(RateLimits.Ingest);
        }

        app.WarnAboutDevelopmentSecrets();

        // Created now, so its instruments exist before the first request (the exporter attaches asynchronously).
        app.Services.GetRequiredService<ApiMetrics>();

        app.Lifetime.ApplicationStarted.Register(() => LogApiPages(app));
        return app;
    }

    private static void LogApiPages(WebApplication app)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Ott.Api");
        foreach (var url in app.Urls)
        {
            LogPages(logger, url.TrimEnd('/'));
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "API page: {Url}/scalar/  OpenAPI: {Url}/openapi/v1.json  Health: {Url}/health/ready")]
    private static partial void LogPages(ILogger logger, string url);
}
