using System.Collections;
using System.Reflection;
using System.Text.Json;
using Microsoft.Extensions.Configuration;

namespace Ott.Tests.Support;

/// <summary>One configuration key an options type binds: its path (<c>*</c> for a list index or dictionary key), default and type.</summary>
public sealed record OptionKey(string Path, string Default, Type Type, string Member = "");

/// <summary>
/// Every configuration key the product binds, found by reflection: each type with a <c>public const string Section</c>
/// in the product's assemblies, walked through its public settable properties (lists and dictionaries as <c>*</c>).
/// Plus the framework keys the shipped files use on purpose (logging, hosts, URLs, connection strings).
/// </summary>
public static class OptionsCatalog
{
    /// <summary>Keys outside the product's options that the shipped files may set, as prefixes.</summary>
    public static readonly string[] FrameworkPrefixes =
        ["Logging:LogLevel:", "AllowedHosts", "Urls", "ConnectionStrings:Sqlite", "ConnectionStrings:Postgres", "ConnectionStrings:Redis"];

    private static readonly Assembly[] Product =
        [typeof(Ott.Grains.Hosting.OttGrainsServiceCollectionExtensions).Assembly, typeof(Ott.Hosting.OttHostOptions).Assembly, typeof(Program).Assembly];

    /// <summary>The options types and their sections.</summary>
    public static IReadOnlyList<(string Section, Type Type)> Sections { get; } = Product
        .SelectMany(a => a.GetTypes())
        .Select(t => (Type: t, Field: t.GetField("Section", BindingFlags.Public | BindingFlags.Static)))
        .Where(x => x.Field is { IsLiteral: true } && x.Field.FieldType == typeof(string))
        .Select(x => ((string)x.Field!.GetRawConstantValue()!, x.Type))
        .OrderBy(x => x.Item1, StringComparer.Ordinal)
        .ToList();

    /// <summary>Every key path with its default (from a new instance of the options type).</summary>
    public static IReadOnlyList<OptionKey> Keys { get; } = Sections
        .SelectMany(s => Walk(s.Section, s.Type, Activator.CreateInstance(s.Type)))
        .GroupBy(k => k.Path, StringComparer.OrdinalIgnoreCase)
        .Select(g => g.First())
        .ToList();

    /// <summary>True when <paramref name="key"/> (a flattened configuration key) binds to an option or is a framework key.</summary>
    public static bool Binds(string key) =>
        FrameworkPrefixes.Any(p => key.StartsWith(p, StringComparison.OrdinalIgnoreCase)) ||
        Keys.Any(k => Matches(k.Path, key));

    /// <summary>The leaf keys of a JSON settings file, as configuration flattens them (<c>a:b:0:c</c>).</summary>
    public static IReadOnlyList<string> FlattenJson(string file) =>
        new ConfigurationBuilder().AddJsonFile(file, optional: false, reloadOnChange: false).Build()
            .AsEnumerable().Where(kv => kv.Value is not null).Select(kv => kv.Key).OrderBy(k => k, StringComparer.Ordinal).ToList();

    private static bool Matches(string pattern, string key)
    {
        var p = pattern.Split(':');
        var k = key.Split(':');
        return p.Length == k.Length && p.Zip(k).All(x => x.First == "*" || string.Equals(x.First, x.Second, StringComparison.OrdinalIgnoreCase));
    }

    private static IEnumerable<OptionKey> Walk(string prefix, Type type, object? instance)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            // The binder sets public setters; it fills a collection or object a getter returns without one.
            var value = instance is null || property.GetIndexParameters().Length > 0 ? null : property.GetValue(instance);
            if (property.GetIndexParameters().Length == 0 && (property.SetMethod is { IsPublic: true } || (value is not null && !IsLeaf(property.PropertyType))))
            {
                foreach (var key in Expand($"{prefix}:{property.Name}", property.PropertyType, value))
                {
                    yield return key.Member.Length > 0 ? key : key with { Member = $"P:{type.FullName}.{property.Name}" };
                }
            }
        }
    }

    private static IEnumerable<OptionKey> Expand(string path, Type type, object? value)
    {
        if (IsLeaf(type))
        {
            return [new OptionKey(path, Show(value), type)];
        }

        // "*" stands for a list index or a dictionary key; a list of values is one row with the list's default.
        if (Element(type) is { } element)
        {
            // A dictionary of settings objects with default entries (e.g. the segments' parameters) is listed per entry.
            if (!IsLeaf(element) && value is IDictionary { Count: > 0 } entries)
            {
                return entries.Keys.Cast<object>().OrderBy(k => k.ToString(), StringComparer.Ordinal)
                    .SelectMany(k => Expand($"{path}:{k}", element, entries[k]));
            }

            return IsLeaf(element)
                ? [new OptionKey($"{path}:*", Show(value), type)]
                : Expand($"{path}:*", element, Element(element) is null ? Activator.CreateInstance(element) : null);
        }

        return type.IsClass ? Walk(path, type, value ?? Activator.CreateInstance(type)) : [];
    }

    private static bool IsLeaf(Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        return t.IsPrimitive || t.IsEnum || t == typeof(string) || t == typeof(decimal) || t == typeof(TimeSpan) || t == typeof(Uri)
               || t == typeof(DateTimeOffset) || t == typeof(DateTime);
    }

    /// <summary>The element type of a list, array or the value type of a dictionary with string keys; null otherwise.</summary>
    private static Type? Element(Type type)
    {
        if (type.IsArray)
        {
            return type.GetElementType();
        }

        if (type == typeof(string) || !typeof(IEnumerable).IsAssignableFrom(type))
        {
            return null;
        }

        var dictionary = type.GetInterfaces().Append(type).FirstOrDefault(i => i.IsGenericType &&
            (i.GetGenericTypeDefinition() == typeof(IDictionary<,>) || i.GetGenericTypeDefinition() == typeof(IReadOnlyDictionary<,>)));
        if (dictionary is not null)
        {
            return dictionary.GetGenericArguments()[1];
        }

        var enumerable = type.GetInterfaces().Append(type).FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>));
        return enumerable?.GetGenericArguments()[0];
    }

    private static string Show(object? value) => value switch
    {
        null => "(none)",
        string s => s.Length == 0 ? "(empty)" : s,
        bool b => b ? "true" : "false",
        TimeSpan t => t.ToString("c", System.Globalization.CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        IEnumerable e => JsonSerializer.Serialize(e),
        _ => value.ToString() ?? "",
    };
}
