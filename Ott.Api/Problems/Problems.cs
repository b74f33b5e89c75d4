using Microsoft.AspNetCore.Http.HttpResults;

namespace Ott.Api.Problems;

/// <summary>RFC 7807 problem responses used by every endpoint (type, title, status, detail, errors).</summary>
public static class Problems
{
    private const string TypeBase = "https://ott-compliance.dev/problems/";

    /// <summary>422: the body was readable, but fields broke rules; <paramref name="errors"/> names each field.</summary>
    public static ProblemHttpResult Validation(IReadOnlyDictionary<string, string[]> errors, string detail) =>
        Problem(StatusCodes.Status422UnprocessableEntity, "validation", "One or more fields are invalid", detail, errors);

    /// <summary>
    /// 400: the body is not the JSON the endpoint reads; <paramref name="field"/> names where ("" for the whole body),
    /// with <paramref name="message"/> (else <paramref name="detail"/>) as its error.
    /// </summary>
    public static ProblemHttpResult BadRequest(string detail, string field = "", string? message = null) =>
        Problem(StatusCodes.Status400BadRequest, "bad-request", "The request body could not be read", detail,
            new Dictionary<string, string[]> { [field] = [message ?? detail] });

    /// <summary>404 for an id nothing is known about.</summary>
    public static ProblemHttpResult NotFound(string kind, string id) =>
        Problem(StatusCodes.Status404NotFound, "not-found", $"Unknown {kind}", $"No {kind} '{id}' is known.");

    /// <summary>413 for a body over the limit.</summary>
    public static ProblemHttpResult TooLarge(int maxBytes) =>
        Problem(StatusCodes.Status413PayloadTooLarge, "too-large", "Request body too large",
            $"The body is larger than {maxBytes} bytes.");

    /// <summary>415 when the body is not declared as JSON.</summary>
    public static ProblemHttpResult UnsupportedMediaType(string? contentType) =>
        Problem(StatusCodes.Status415UnsupportedMediaType, "unsupported-media-type", "Send JSON",
            $"Content-Type '{contentType}' is not JSON; use application/json.");

    /// <summary>503: saturated or not ready; the caller sets Retry-After.</summary>
    public static ProblemHttpResult Unavailable(string detail) =>
        Problem(StatusCodes.Status503ServiceUnavailable, "unavailable", "Try again later", detail);

    public static ProblemHttpResult Problem(int status, string type, string title, string detail,
        IReadOnlyDictionary<string, string[]>? errors = null)
    {
        var extensions = new Dictionary<string, object?>();
        if (errors is not null)
        {
            extensions["errors"] = errors;
        }

        return TypedResults.Problem(detail: detail, statusCode: status, title: title, type: TypeBase + type, extensions: extensions);
    }
}
