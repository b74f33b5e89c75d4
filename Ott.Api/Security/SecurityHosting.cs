using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using Ott.Api.Hosting;
using Ott.Grains.Hosting;
using Ott.Grains.Logs;

namespace Ott.Api.Security;

/// <summary>Rate-limiter policy names.</summary>
public static class RateLimits
{
    public const string Ingest = "ingest";
    public const string Token = "token";
    public const string Analyst = "analyst";
}

/// <summary>Authentication (JWT bearer), authorization policies, rate limits and the audit trail.</summary>
public static partial class SecurityHosting
{
    public static IServiceCollection AddOttSecurity(this IServiceCollection services, IConfiguration configuration, bool production)
    {
        services.AddValidatedOptions<SecurityOptions>(configuration, SecurityOptions.Section)
            .PostConfigure(o =>
            {
                o.Production = production;
                o.AllowAnonymousIngest ??= !production;
            });
        services.AddSingleton<SigningKey>();
        services.AddSingleton<UserStore>();
        services.AddSingleton<TokenIssuer>();
        services.AddSingleton<ApiMetrics>();
        services.TryAddAuditLog();

        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IOptions<SecurityOptions>, SigningKey>((jwt, security, key) =>
            {
                jwt.MapInboundClaims = false;
                jwt.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuer = security.Value.Issuer,
                    ValidAudience = security.Value.Audience,
                    IssuerSigningKey = key.Key,
                    ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
                    ClockSkew = security.Value.ClockSkew,
                    NameClaimType = TokenIssuer.NameClaim,
                    RoleClaimType = TokenIssuer.RoleClaim,
                    RequireExpirationTime = true,
                };
                jwt.Events = new JwtBearerEvents { OnMessageReceived = DashboardCookie.ReadToken };
            });

        services.AddAuthorizationBuilder()
            .AddPolicy(Policies.Admin, p => p.RequireRole(Roles.Admin))
            .AddPolicy(Policies.Analyst, p => p.RequireRole(Roles.Analyst, Roles.Admin))
            .AddPolicy(Policies.Ingest, p => p.RequireAssertion(context =>
                context.User.IsInRole(Roles.Ingest) || context.User.IsInRole(Roles.Admin)
                || (context.User.Identity?.IsAuthenticated != true
                    && context.Resource is HttpContext http
                    && !http.Request.Headers.ContainsKey("Authorization")
                    && http.RequestServices.GetRequiredService<IOptions<SecurityOptions>>().Value.AllowAnonymousIngest == true)));

        services.AddRateLimiter(limiter =>
        {
            limiter.OnRejected = OnRejectedAsync;
            limiter.AddPolicy(RateLimits.Ingest, http =>
            {
                var limits = Limits(http);
                return RateLimitPartition.GetTokenBucketLimiter(ClientKey(http), _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = limits.IngestBurst,
                    TokensPerPeriod = Math.Max(1, (int)Math.Ceiling(limits.IngestPerMinute / 60.0)),
                    ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                    QueueLimit = 0,
                    AutoReplenishment = true,
                });
            });
            limiter.AddPolicy(RateLimits.Token, http => RateLimitPartition.GetFixedWindowLimiter("ip:" + ClientIp(http),
                _ => new FixedWindowRateLimiterOptions { PermitLimit = Limits(http).TokenPerMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
            limiter.AddPolicy(RateLimits.Analyst, http => RateLimitPartition.GetFixedWindowLimiter(ClientKey(http),
                _ => new FixedWindowRateLimiterOptions { PermitLimit = Limits(http).AnalystPerMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
        });
        return services;
    }

    /// <summary>Logs a warning when development users exist (embedded profile) or the key is random per start.</summary>
    public static void WarnAboutDevelopmentSecrets(this WebApplication app)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Ott.Security");
        var users = app.Services.GetRequiredService<UserStore>().DevelopmentUsers;
        if (users.Count > 0)
        {
            LogDevelopmentUsers(logger, string.Join(", ", users));
        }

        if (app.Services.GetRequiredService<SigningKey>().IsRandom)
        {
            LogRandomKey(logger);
        }
    }

    /// <summary>The rate-limit partition: the token's subject when authenticated, else the client IP.</summary>
    public static string ClientKey(HttpContext http) =>
        http.User.Identity?.IsAuthenticated == true && http.User.Identity.Name is { } name ? "sub:" + name : "ip:" + ClientIp(http);

    public static string ClientIp(HttpContext http) => http.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    private static RateLimitOptions Limits(HttpContext http) =>
        http.RequestServices.GetRequiredService<IOptions<SecurityOptions>>().Value.RateLimits;

    private static async ValueTask OnRejectedAsync(OnRejectedContext context, CancellationToken cancellationToken)
    {
        var http = context.HttpContext;
        var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)) : 1;
        http.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
        http.RequestServices.GetRequiredService<ApiMetrics>().Rejected("rate_limited");
        await Problems.Problems.Problem(StatusCodes.Status429TooManyRequests, "rate-limited", "Too many requests",
            $"The request limit for this client was reached; retry after {retryAfter} s.").ExecuteAsync(http);
    }

    private static void TryAddAuditLog(this IServiceCollection services)
    {
        if (!services.Any(d => d.ServiceType == typeof(IAuditLog)))
        {
            services.AddSingleton<IAuditLog, InMemoryAuditLog>();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Development users exist ({Users}) with their well-known passwords; the embedded profile only. Never expose this process.")]
    private static partial void LogDevelopmentUsers(ILogger logger, string users);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No Ott:Security:SigningKey configured: a random key was made for this run; tokens die with the process.")]
    private static partial void LogRandomKey(ILogger logger);
}
