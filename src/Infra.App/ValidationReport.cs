using System.Text.Json.Nodes;

namespace Infra.App;

/// <summary>Reads the CDK's validation-report.json into one line per violating construct.</summary>
public static class ValidationReport
{
    /// <summary>Lines "plugin rule: construct path (property paths): description".</summary>
    public static IEnumerable<string> Summarize(string path)
    {
        if (!File.Exists(path)) { yield return $"(no report at {path})"; yield break; }
        var report = JsonNode.Parse(File.ReadAllText(path))!;
        var plugins = report["pluginReports"]?.AsArray().Select(p => p!).ToList() ?? [];
        // When the secret guard found a literal, other validators may quote the same value in their
        // messages (the built-in CloudFormation checks print a bad tag value in full): show the guard's
        // redacted findings only.
        var guard = plugins.Where(p => p["pluginName"]?.GetValue<string>() == Infra.Constructs.Guardrails.SecretLiteralGuard.PluginName
            && p["violations"]?.AsArray().Count > 0).ToList();
        if (guard.Count > 0)
        {
            var hidden = plugins.Except(guard).Sum(p => p["violations"]?.AsArray().Count ?? 0);
            if (hidden > 0) yield return $"({hidden} finding(s) of other validators hidden: they may quote the secret; fix the secret first)";
            plugins = guard;
        }
        foreach (var plugin in plugins)
            foreach (var v in plugin!["violations"]?.AsArray() ?? [])
                foreach (var c in v!["violatingConstructs"]?.AsArray() ?? [])
                {
                    var paths = c!["cloudFormationResource"]?["propertyPaths"]?.AsArray().Select(p => p!.GetValue<string>()) ?? [];
                    yield return $"{plugin["pluginName"]} {v["ruleName"]}: {c["constructPath"]} ({string.Join(", ", paths)}): {v["description"]}";
                }
    }
}
