using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace Ott.Api.Json;

/// <summary>A place in a JSON document, by path (<c>ip_address</c>, <c>extra_metadata.note</c>, <c>[2].region</c>), and what is wrong there.</summary>
public sealed record JsonTextProblem(string Path, string Message);

/// <summary>
/// Finds text in JSON that no string can hold, and names its place. The JSON grammar lets a string escape a lone
/// surrogate (<c>"\ud800"</c>, or a reversed pair <c>"\udc00\ud800"</c>; RFC 8259 section 8.2), and the reader does not
/// check the UTF-8 inside strings; reading such a string (<see cref="JsonElement.GetString"/>, a property lookup
/// that has to unescape a name) throws. Whoever reads JSON from a client checks it here first, so no later read can.
/// </summary>
public static class JsonText
{
    private static readonly JsonReaderOptions ScanOptions = new()
    {
        MaxDepth = int.MaxValue,
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    /// <summary>The first string or property name of <paramref name="element"/> that cannot be read; null when all can.</summary>
    public static JsonTextProblem? FindUnreadable(JsonElement element) => FindUnreadable(JsonMarshal.GetRawUtf8Value(element));

    /// <summary>
    /// The first string or property name of a well-formed JSON text that is not UTF-8 or escapes a lone surrogate;
    /// null when every one can be read. Text that is UTF-8 and escapes nothing is passed in one vectorised sweep.
    /// </summary>
    public static JsonTextProblem? FindUnreadable(ReadOnlySpan<byte> json)
    {
        if (Utf8.IsValid(json) && json.IndexOf("\\u"u8) < 0)
        {
            return null;
        }

        var reader = new Utf8JsonReader(json, ScanOptions);
        var path = new PathTracker();
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.PropertyName && Unreadable(ref reader) is { } name)
            {
                return new JsonTextProblem(path.Container(json), "has a property name that " + name);
            }

            path.Observe(ref reader);
            if (reader.TokenType == JsonTokenType.String && Unreadable(ref reader) is { } value)
            {
                return new JsonTextProblem(path.Current(json), value);
            }
        }

        return null;
    }

    /// <summary>
    /// The path of the value being read where <paramref name="json"/> stops being JSON (with <paramref name="options"/>):
    /// the property whose value is broken, the array item, or "" when the fault is at the top.
    /// </summary>
    public static string PathOfSyntaxError(ReadOnlySpan<byte> json, JsonReaderOptions options)
    {
        var reader = new Utf8JsonReader(json, options);
        var path = new PathTracker();
        try
        {
            while (reader.Read())
            {
                path.Observe(ref reader);
            }

            return "";
        }
        catch (JsonException)
        {
            return path.Pending(json);
        }
    }

    /// <summary>Why the current string token cannot be read, or null when it can.</summary>
    private static string? Unreadable(ref Utf8JsonReader reader)
    {
        var raw = reader.ValueSpan;
        if (!Utf8.IsValid(raw))
        {
            return "is not valid UTF-8";
        }

        if (reader.ValueIsEscaped && LoneSurrogate(raw) is { } unit)
        {
            return $"is not valid Unicode: \\u{unit:x4} is a lone surrogate (escape a character outside the BMP as a high-low surrogate pair)";
        }

        return null;
    }

    /// <summary>The first escaped surrogate in <paramref name="raw"/> (a string's escaped UTF-8) that is not half of a high-low pair.</summary>
    private static int? LoneSurrogate(ReadOnlySpan<byte> raw)
    {
        int? high = null;
        for (var i = 0; i < raw.Length; i++)
        {
            int? unit = null;
            if (raw[i] == '\\')
            {
                // The reader has checked the escapes: \ and one character, or \u and four hex digits.
                if (raw[++i] == 'u')
                {
                    unit = Hex4(raw.Slice(i + 1, 4));
                    i += 4;
                }
            }

            if (unit is { } u && char.IsHighSurrogate((char)u))
            {
                if (high is not null)
                {
                    return high;
                }

                high = u;
            }
            else if (unit is { } low && char.IsLowSurrogate((char)low))
            {
                if (high is null)
                {
                    return low;
                }

                high = null;
            }
            else if (high is not null)
            {
                return high;
            }
        }

        return high;
    }

    private static int Hex4(ReadOnlySpan<byte> hex)
    {
        var value = 0;
        foreach (var b in hex)
        {
            value = (value << 4) | (b <= '9' ? b - '0' : (b | 0x20) - 'a' + 10);
        }

        return value;
    }

    /// <summary>
    /// Follows the reader through containers and keeps, per level, the array index or the property name (as its
    /// offset in the text, decoded only when a path is asked for).
    /// </summary>
    private sealed class PathTracker
    {
        private readonly List<Frame> _frames = [];

        private struct Frame
        {
            public bool IsArray;
            public int Index;
            public int NameStart;
            public int NameLength;
            public bool NameEscaped;
            public bool HasName;
            public bool ValueSeen;
        }

        public void Observe(ref Utf8JsonReader reader)
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject or JsonTokenType.StartArray:
                    ValueStarted();
                    _frames.Add(new Frame { IsArray = reader.TokenType == JsonTokenType.StartArray, Index = -1 });
                    break;
                case JsonTokenType.EndObject or JsonTokenType.EndArray:
                    _frames.RemoveAt(_frames.Count - 1);
                    break;
                case JsonTokenType.PropertyName:
                    var frame = _frames[^1];
                    frame.NameStart = (int)reader.TokenStartIndex + 1;
                    frame.NameLength = reader.ValueSpan.Length;
                    frame.NameEscaped = reader.ValueIsEscaped;
                    frame.HasName = true;
                    frame.ValueSeen = false;
                    _frames[^1] = frame;
                    break;
                case JsonTokenType.Comment or JsonTokenType.None:
                    break;
                default:
                    ValueStarted();
                    break;
            }
        }

        /// <summary>The path of the value last started.</summary>
        public string Current(ReadOnlySpan<byte> json) => Render(json, _frames.Count, pending: false);

        /// <summary>The path of the object or array the reader is in.</summary>
        public string Container(ReadOnlySpan<byte> json) => Render(json, _frames.Count - 1, pending: false);

        /// <summary>The path of the value the reader was about to read.</summary>
        public string Pending(ReadOnlySpan<byte> json) => Render(json, _frames.Count, pending: true);

        private void ValueStarted()
        {
            if (_frames.Count == 0)
            {
                return;
            }

            var frame = _frames[^1];
            if (frame.IsArray)
            {
                frame.Index++;
            }
            else
            {
                frame.ValueSeen = true;
            }

            _frames[^1] = frame;
        }

        private string Render(ReadOnlySpan<byte> json, int levels, bool pending)
        {
            var path = new StringBuilder();
            for (var i = 0; i < levels; i++)
            {
                var frame = _frames[i];
                var last = i == levels - 1;
                if (frame.IsArray)
                {
                    var index = last && pending ? frame.Index + 1 : frame.Index;
                    if (index >= 0)
                    {
                        path.Append('[').Append(index).Append(']');
                    }
                }
                else if (frame.HasName && !(last && pending && frame.ValueSeen))
                {
                    if (path.Length > 0)
                    {
                        path.Append('.');
                    }

                    path.Append(Name(json.Slice(frame.NameStart, frame.NameLength), frame.NameEscaped));
                }
            }

            return path.ToString();
        }

        /// <summary>A property name for a path: unescaped when it can be read, else as sent (escapes shown, bad bytes replaced).</summary>
        private static string Name(ReadOnlySpan<byte> raw, bool escaped)
        {
            if (!escaped || !Utf8.IsValid(raw) || LoneSurrogate(raw) is not null)
            {
                return Encoding.UTF8.GetString(raw);
            }

            var quoted = new byte[raw.Length + 2];
            quoted[0] = quoted[^1] = (byte)'"';
            raw.CopyTo(quoted.AsSpan(1));
            var reader = new Utf8JsonReader(quoted);
            reader.Read();
            return reader.GetString()!;
        }
    }
}
