using Microsoft.AspNetCore.Diagnostics;

namespace Ott.Api.Problems;

/// <summary>
/// Maps exceptions that escape an endpoint to problem documents: Kestrel's bad-request errors keep their status
/// (413, 400); a cluster or database that cannot be reached is 503 with Retry-After (the call may succeed later);
/// everything else is a 500 without internals. Nothing reaches the client as a stack trace.
/// </summary>
public sealed partial class ProblemExceptionHandler(IProblemDetailsService problems, ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var (status, title, detail) = exception switch
        {
            BadHttpRequestException bad => (bad.StatusCode, "Bad request", bad.Message),
            OperationCanceledException when httpContext.RequestAborted.IsCancellationRequested => (499, "Client closed request", "The client went away."),
            _ when Unavailable(exception) => (StatusCodes.Status503ServiceUnavailable, "Service unavailable",
                "A silo or the database cannot be reached right now; nothing was changed by this request unless it says so. Retry later."),
            _ => (StatusCodes.Status500InternalServerError, "Internal error", "The server failed to handle the request; it was logged."),
        };

        if (status >= 500)
        {
            LogUnhandled(logger, exception, httpContext.Request.Path);
        }

        httpContext.Response.StatusCode = status;
        if (status == StatusCodes.Status503ServiceUnavailable)
        {
            httpContext.Response.Headers.RetryAfter = "5";
        }

        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails =
            {
                Status = status, Title = title, Detail = detail,
                Type = "https://ott-compliance.dev/problems/" + status switch { 503 => "unavailable", >= 500 => "internal", _ => "bad-request" },
            },
        });
    }

    private static bool Unavailable(Exception exception) =>
        exception is Ott.Grains.Logs.LogUnavailableException or TimeoutException
        || Ott.Hosting.SiloUnavailableRetryFilter.IsSiloUnavailable(exception)
        || Ott.Hosting.Storage.SqlErrors.IsUnavailable(exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled exception on {Path}")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string path);
}
