using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Infra.Constructs.Guardrails;

/// <summary>
/// The texts a CloudFormation value can become, for the secret guard: a literal is itself; <c>Fn::Join</c>
/// joins the texts of its parts, <c>Fn::Sub</c> substitutes its variables' texts, <c>Fn::If</c> is either
/// branch, <c>Fn::Base64</c> is its input (the guard decodes base64 literals itself). Anything resolved at
/// deploy time (<c>Ref</c>, <c>Fn::GetAtt</c>, <c>Fn::ImportValue</c>, ...) stands in as <c>${ref}</c>, which
/// never looks like a secret.
/// </summary>
internal static partial class Intrinsics
{
    // Alternatives per expression (Fn::If in Fn::Join in Fn::Sub ...) before the guard stops combining them
    // all and only makes sure every alternative of every part appears in some text.
    private const int MaxTexts = 16;

    private static readonly IReadOnlyList<string> Reference = ["${ref}"];

    /// <summary>The texts of <paramref name="node"/>, or null when it is not text (an object, a list, a reference).</summary>
    public static IReadOnlyList<string>? Texts(JsonNode? node) => Texts(node, 0);

    private static IReadOnlyList<string>? Texts(JsonNode? node, int depth)
    {
        if (depth > 32) return null;
        switch (node)
        {
            case JsonValue v when v.TryGetValue<string>(out var s):
                return [s];
            case JsonValue v:
                return [v.ToJsonString()];
            case JsonObject { Count: 1 } o:
                var (fn, arg) = o.First();
                switch (fn)
                {
                    case "Fn::Join" when arg is JsonArray { Count: 2 } join && join[0] is JsonValue sv && sv.TryGetValue<string>(out var separator) && join[1] is JsonArray parts:
                        return Combine(parts.Select(p => Part(p, depth)).ToList(), separator);
                    case "Fn::Sub" when arg is JsonValue tv && tv.TryGetValue<string>(out var template):
                        return [template];
                    case "Fn::Sub" when arg is JsonArray { Count: 2 } sub && sub[0] is JsonValue tv2 && tv2.TryGetValue<string>(out var template2) && sub[1] is JsonObject variables:
                        return Substitute(template2, variables, depth);
                    case "Fn::If" when arg is JsonArray { Count: 3 } branches:
                        var texts = branches.Skip(1).Select(b => Texts(b, depth + 1)).ToList();
                        if (texts.All(t => t is null)) return null;
                        return texts.SelectMany(t => t ?? Reference).Distinct().ToList();
                    case "Fn::Base64":
                        return Texts(arg, depth + 1);
                    default:
                        return null;
                }
            default:
                return null;
        }
    }

    private static IReadOnlyList<string> Part(JsonNode? node, int depth) => Texts(node, depth + 1) ?? Reference;

    private static IReadOnlyList<string> Substitute(string template, JsonObject variables, int depth)
    {
        var parts = new List<IReadOnlyList<string>>();
        var at = 0;
        foreach (Match m in Variable().Matches(template))
        {
            if (!variables.ContainsKey(m.Groups[1].Value)) continue;
            parts.Add([template[at..m.Index]]);
            parts.Add(Part(variables[m.Groups[1].Value], depth));
            at = m.Index + m.Length;
        }
        parts.Add([template[at..]]);
        return Combine(parts, "");
    }

    // Every combination when there are few; else a base text (first alternative of each part) and, for
    // each other alternative of each part, the base with that part replaced.
    private static IReadOnlyList<string> Combine(IReadOnlyList<IReadOnlyList<string>> parts, string separator)
    {
        if (parts.All(p => p.Count == 1)) return [string.Join(separator, parts.Select(p => p[0]))];
        long product = 1;
        foreach (var p in parts) product = Math.Min(product * Math.Max(1, p.Count), MaxTexts + 1);
        if (product <= MaxTexts)
        {
            IEnumerable<string> acc = [""];
            for (var i = 0; i < parts.Count; i++)
            {
                var sep = i == 0 ? "" : separator;
                var alternatives = parts[i];
                acc = acc.SelectMany(prefix => alternatives.Select(a => prefix + sep + a)).ToList();
            }
            return acc.ToList();
        }
        var first = parts.Select(p => p.Count > 0 ? p[0] : "").ToArray();
        var result = new List<string> { string.Join(separator, first) };
        for (var i = 0; i < parts.Count; i++)
            for (var j = 1; j < parts[i].Count; j++)
            {
                var copy = (string[])first.Clone();
                copy[i] = parts[i][j];
                result.Add(string.Join(separator, copy));
            }
        return result;
    }

    [GeneratedRegex(@"\$\{([^!}][^}]*)\}")]
    private static partial Regex Variable();
}
