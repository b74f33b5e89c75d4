using Ott.Grains.Logs;

namespace Ott.Api.Security;

/// <summary>Marks an endpoint whose requests read or change a person's data: each one is written to the audit trail.</summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Class)]
public sealed class AuditedAttribute : Attribute;

/// <summary>Writes an audit record after every request to an <see cref="AuditedAttribute"/> endpoint (docs/security.md, "Audit trail").</summary>
public sealed class AuditMiddleware(RequestDelegate next)
{
    private static readonly (string Key, string Kind)[] TargetKeys =
        [("user_id", "user"), ("event_id", "event"), ("device_id", "device"), ("request_id", "request"), ("incident_id", "incident"), ("version", "policy"), ("backtest_id", "backtest")];

    public async Task InvokeAsync(HttpContext context, IAuditLog audit, TimeProvider time)
    {
        await next(context);

        var endpoint = context.GetEndpoint();
        if (endpoint?.Metadata.GetMetadata<AuditedAttribute>() is null)
        {
            return;
        }

        var (kind, target) = Target(context);
        await audit.AppendAsync(new AuditRecord
        {
            Time = time.GetUtcNow(),
            Actor = context.User.Identity?.Name ?? "anonymous",
            Role = string.Join(",", Roles.All.Where(context.User.IsInRole)),
            Action = endpoint.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName ?? endpoint.DisplayName ?? context.Request.Path,
            TargetKind = kind,
            Target = target,
            Result = context.Response.StatusCode,
            ClientIp = SecurityHosting.ClientIp(context),
        });
    }

    private static (string Kind, string Target) Target(HttpContext context)
    {
        foreach (var (key, kind) in TargetKeys)
        {
            if (context.GetRouteValue(key) is string value)
            {
                return (kind, value);
            }
        }

        return ("", "");
    }
}
