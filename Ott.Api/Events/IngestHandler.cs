using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Ott.Api.Security;
using Ott.Api.Hosting;
using Ott.Grains.Interfaces;
using Ott.Hosting;

namespace Ott.Api.Events;

/// <summary>
/// Reads, validates and ingests events for <c>POST /events</c> and <c>POST /events/batch</c>. The no-op mode runs
/// the same reading and validation without calling the cluster (bench/ measures the HTTP ceiling with it).
/// </summary>
public sealed class IngestHandler(IGrainFactory grains, GatewayFailover failover, TimeProvider time, IOptions<ApiOptions> options, SecurityRecorder security)
{
    public async Task<IResult> SingleAsync(HttpRequest request, bool noop)
    {
        var (validation, problem) = await ReadEventAsync(request);
        if (problem is not null)
        {
            return problem;
        }

        {
            if (noop)
            {
                return TypedResults.Accepted((string?)null, new EventAccepted("queued", validation.EventId!));
            }

            var statuses = await failover.RunAsync(() => grains.GetGrain<IIngestGrain>(0).IngestAsync([validation.Event!]), "ingest");
            return statuses[0] switch
            {
                IngestStatus.Overloaded => Overloaded(request.HttpContext),
                IngestStatus.Unavailable => Unavailable(request.HttpContext),
                var status => TypedResults.Accepted((string?)null,
                    new EventAccepted(status == IngestStatus.Duplicate ? "duplicate" : "queued", validation.EventId!)),
            };
        }
    }

    /// <summary>Reads and validates one event: the valid event, or the problem answered (recorded).</summary>
    public async Task<(EventValidation Validation, IResult? Problem)> ReadEventAsync(HttpRequest request)
    {
        var (document, problem) = await JsonBody.ReadAsync(request, options.Value.MaxBodyBytes);
        if (problem is not null)
        {
            security.Rejected(RejectionReason(problem));
            return (null!, problem);
        }

        using (document)
        {
            var validation = new EventValidator(time).Validate(document!.RootElement);
            return validation.IsValid ? (validation, null) : (validation, await RejectAsync(request.HttpContext, validation));
        }
    }

    /// <summary>
    /// Reads a batch (a JSON array of 1-<paramref name="maxItems"/> items) and validates each item on its own: the
    /// valid events with their positions and the rejected items; or the problem answered when the body itself fails.
    /// </summary>
    public async Task<(List<OttEvent> Valid, List<int> Indexes, List<BatchRejection> Rejected, IResult? Problem)> ReadBatchAsync(
        HttpRequest request, int maxItems)
    {
        var (document, problem) = await JsonBody.ReadAsync(request, options.Value.MaxBodyBytes);
        if (problem is not null)
        {
            security.Rejected(RejectionReason(problem));
            return ([], [], [], problem);
        }

        using (document)
        {
            var root = document!.RootElement;
            if (root.ValueKind != JsonValueKind.Array)
            {
                return ([], [], [], Problems.Problems.BadRequest("The body must be a JSON array of events."));
            }

            var count = root.GetArrayLength();
            if (count == 0 || count > maxItems)
            {
                return ([], [], [], Problems.Problems.Validation(
                    new Dictionary<string, string[]> { [""] = [$"a batch holds 1-{maxItems} events (got {count})"] },
                    "The batch was rejected; nothing was ingested."));
            }

            var (valid, indexes, rejected) = await ValidateBatchAsync(request.HttpContext, root);
            return (valid, indexes, rejected, null);
        }
    }

    public async Task<IResult> BatchAsync(HttpRequest request, bool noop)
    {
        var (valid, _, rejected, problem) = await ReadBatchAsync(request, options.Value.MaxBatchSize);
        if (problem is not null)
        {
            return problem;
        }

        {
            if (noop || valid.Count == 0)
            {
                return TypedResults.Accepted((string?)null, new BatchAccepted(valid.Count, 0, rejected));
            }

            var statuses = await failover.RunAsync(() => grains.GetGrain<IIngestGrain>(0).IngestAsync(valid), "ingest");
            if (statuses.Contains(IngestStatus.Overloaded))
            {
                return Overloaded(request.HttpContext);
            }

            if (statuses.Contains(IngestStatus.Unavailable))
            {
                return Unavailable(request.HttpContext);
            }

            var duplicates = statuses.Count(s => s == IngestStatus.Duplicate);
            return TypedResults.Accepted((string?)null, new BatchAccepted(valid.Count - duplicates, duplicates, rejected));
        }
    }

    /// <summary>
    /// Validates each item of a batch on its own: the valid events with their positions in the array, and the rejected
    /// items with their errors (each recorded: a security record for an attack pattern, else a validation count).
    /// </summary>
    public async Task<(List<OttEvent> Valid, List<int> Indexes, List<BatchRejection> Rejected)> ValidateBatchAsync(HttpContext http, JsonElement root)
    {
        var validator = new EventValidator(time);
        var valid = new List<OttEvent>(root.GetArrayLength());
        var indexes = new List<int>(valid.Capacity);
        var rejected = new List<BatchRejection>();
        var index = 0;
        foreach (var item in root.EnumerateArray())
        {
            var validation = validator.Validate(item);
            if (validation.IsValid)
            {
                valid.Add(validation.Event!);
                indexes.Add(index);
            }
            else
            {
                rejected.Add(new BatchRejection(index, validation.EventId, validation.Errors));
                await RecordAsync(http, validation);
            }

            index++;
        }

        return (valid, indexes, rejected);
    }

    /// <summary>
    /// The problem for an invalid event: 400 naming the attack family when a free-text value matched an attack
    /// pattern (with a security record), else 422 naming each failing field.
    /// </summary>
    public async Task<ProblemHttpResult> RejectAsync(HttpContext http, EventValidation validation)
    {
        await RecordAsync(http, validation);
        if (validation.Attacks.Count == 0)
        {
            return Problems.Problems.Validation(validation.Errors, "The event was rejected; nothing was ingested.");
        }

        var families = string.Join(", ", validation.Attacks.Select(a => a.Pattern.FamilyTitle).Distinct());
        return Problems.Problems.Problem(StatusCodes.Status400BadRequest, "attack-pattern", "Rejected: known attack pattern",
            $"A free-text value matches a known {families} pattern; the event was rejected and recorded.", validation.Errors);
    }

    private Task RecordAsync(HttpContext http, EventValidation validation)
    {
        if (validation.Attacks.Count > 0)
        {
            return security.AttackAsync(http, validation);
        }

        security.Rejected("validation");
        return Task.CompletedTask;
    }

    /// <summary>The <c>ott_api_input_rejected</c> reason of a body-reading problem.</summary>
    public static string RejectionReason(ProblemHttpResult problem) => problem.StatusCode switch
    {
        StatusCodes.Status413PayloadTooLarge => "too_large",
        StatusCodes.Status415UnsupportedMediaType => "media_type",
        _ => "malformed",
    };

    /// <summary>503 with Retry-After: the event log cannot be written; nothing was accepted.</summary>
    public ProblemHttpResult Unavailable(HttpContext context)
    {
        context.Response.Headers.RetryAfter = Math.Max(5, options.Value.RetryAfterSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Problems.Problems.Unavailable("The event log cannot be written right now; nothing was accepted. Retry after the indicated delay.");
    }

    /// <summary>503 with Retry-After: the pipeline is saturated; nothing was accepted.</summary>
    public ProblemHttpResult Overloaded(HttpContext context)
    {
        context.Response.Headers.RetryAfter = options.Value.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Problems.Problems.Unavailable("The pipeline is saturated; nothing was accepted. Retry after the indicated delay.");
    }
}
