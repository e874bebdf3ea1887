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
        foreach (var plugin in report["pluginReports"]?.AsArray() ?? [])
            foreach (var v in plugin!["violations"]?.AsArray() ?? [])
                foreach (var c in v!["violatingConstructs"]?.AsArray() ?? [])
                {
                    var paths = c!["cloudFormationResource"]?["propertyPaths"]?.AsArray().Select(p => p!.GetValue<string>()) ?? [];
                    yield return $"{plugin["pluginName"]} {v["ruleName"]}: {c["constructPath"]} ({string.Join(", ", paths)}): {v["description"]}";
                }
    }
}
