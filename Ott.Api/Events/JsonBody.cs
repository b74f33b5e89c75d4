using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Ott.Api.Events;

/// <summary>
/// Reads a JSON request body under a byte limit (413 beyond it, checked on Content-Length and while reading, so it
/// holds under any server) and parses it; wrong media type is 415, unparsable JSON is 400.
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
        // The JSON reader checks structure, not the UTF-8 inside strings: check it here so no later read can throw.
        if (!System.Text.Unicode.Utf8.IsValid(utf8))
        {
            return (null, Problems.Problems.BadRequest("The body is not valid UTF-8."));
        }

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

            return (document, null);
        }
        catch (JsonException ex)
        {
            document?.Dispose();
            return (null, Problems.Problems.BadRequest(
                $"The body is not valid JSON (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1})."));
        }
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
