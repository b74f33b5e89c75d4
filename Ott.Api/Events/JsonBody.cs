using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Ott.Api.Json;

namespace Ott.Api.Events;

/// <summary>
/// Reads a JSON request body under a byte limit (413 beyond it, checked on Content-Length and while reading, so it
/// holds under any server) and parses it; wrong media type is 415. A body that cannot be read is 400 naming where:
/// not JSON (the field whose value is broken, or "" for the whole body), or a string or property name holding text
/// no string can hold (not UTF-8, or an escaped lone surrogate such as <c>"\ud800"</c>; see <see cref="JsonText"/>).
/// </summary>
public static class JsonBody
{
    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 32 };

    public static async Task<(JsonDocument? Document, ProblemHttpResult? Problem)> ReadAsync(HttpRequest request, int maxBytes)
    {
        if (!IsJson(request.ContentType))
        {
            return (null, Problems.Problems.UnsupportedMediaType(request.ContentType));
        }

        if (request.ContentLength > maxBytes)
        {
            return (null, Problems.Problems.TooLarge(maxBytes));
        }

        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(request.ContentLength ?? 16 * 1024, maxBytes) + 1);
        try
        {
            var length = 0;
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (length > maxBytes)
                    {
                        return (null, Problems.Problems.TooLarge(maxBytes));
                    }

                    var bigger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, maxBytes + 1));
                    buffer.AsSpan(0, length).CopyTo(bigger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = bigger;
                }

                var read = await request.Body.ReadAsync(buffer.AsMemory(length), request.HttpContext.RequestAborted);
                if (read == 0)
                {
                    break;
                }

                length += read;
                if (length > maxBytes)
                {
                    return (null, Problems.Problems.TooLarge(maxBytes));
                }
            }

            if (length == 0)
            {
                return (null, Problems.Problems.BadRequest("The request body is empty; send a JSON document."));
            }

            return Parse(buffer.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static (JsonDocument?, ProblemHttpResult?) Parse(ReadOnlySpan<byte> utf8)
    {
        // ParseValue copies what it needs, so the pooled buffer can go back to the pool.
        var reader = new Utf8JsonReader(utf8, ReaderOptions);
        JsonDocument? document = null;
        try
        {
            document = JsonDocument.ParseValue(ref reader);
            if (reader.Read())
            {
                throw new JsonException("trailing content after the JSON value", null, 0, reader.BytesConsumed);
            }
        }
        catch (JsonException ex)
        {
            document?.Dispose();
            return (null, Problems.Problems.BadRequest(
                $"The body is not valid JSON (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1}).",
                JsonText.PathOfSyntaxError(utf8, ReaderOptions)));
        }

        // The JSON reader checks structure, not the text inside strings: a string that is not UTF-8 or escapes a lone
        // surrogate parses, then throws when read. Refuse it here, naming its field, so no later read can throw.
        if (JsonText.FindUnreadable(utf8) is { } unreadable)
        {
            document.Dispose();
            var where = unreadable.Path.Length == 0 ? "The body" : $"'{unreadable.Path}'";
            return (null, Problems.Problems.BadRequest($"{where} {unreadable.Message}.", unreadable.Path, unreadable.Message));
        }

        return (document, null);
    }

    private static bool IsJson(string? contentType)
    {
        if (string.IsNullOrEmpty(contentType))
        {
            return false;
        }

        var mediaType = contentType.Split(';', 2)[0].Trim();
        return mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || (mediaType.StartsWith("application/", StringComparison.OrdinalIgnoreCase)
                && mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase));
    }
}
