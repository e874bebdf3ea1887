using System.Text.Json.Nodes;
using Infra.Constructs.Guardrails;

namespace Infra.Constructs.Startup;

/// <summary>Reads the CDK's <c>validation-report.json</c> into one line per violating construct.</summary>
public static class ValidationSummary
{
    /// <summary>
    /// Lines "plugin rule: construct path (property paths): description". When the secret guard found a
    /// literal, only its redacted findings are listed: other validators may quote the same value in full
    /// (the CDK's built-in CloudFormation checks print a bad tag value).
    /// </summary>
    public static IEnumerable<string> Lines(string reportPath)
    {
        if (!File.Exists(reportPath)) { yield return $"(no report at {reportPath})"; yield break; }
        var report = JsonNode.Parse(File.ReadAllText(reportPath))!;
        var plugins = report["pluginReports"]?.AsArray().Select(p => p!).ToList() ?? [];
        var guard = plugins.Where(p => p["pluginName"]?.GetValue<string>() == SecretLiteralGuard.PluginName
            && p["violations"]?.AsArray().Count > 0).ToList();
        if (guard.Count > 0)
        {
            var hidden = plugins.Except(guard).Sum(p => p["violations"]?.AsArray().Count ?? 0);
            if (hidden > 0) yield return $"({hidden} finding(s) of other validators hidden: they may quote the secret; fix the secret first)";
            plugins = guard;
        }
        foreach (var plugin in plugins)
            foreach (var v in plugin["violations"]?.AsArray() ?? [])
                foreach (var c in v!["violatingConstructs"]?.AsArray() ?? [])
                {
                    var paths = c!["cloudFormationResource"]?["propertyPaths"]?.AsArray().Select(p => p!.GetValue<string>()) ?? [];
                    yield return $"{plugin["pluginName"]} {v["ruleName"]}: {c["constructPath"]} ({string.Join(", ", paths)}): {v["description"]}";
                }
    }

    /// <summary>
    /// Prints the report's findings to <paramref name="error"/> (redacted as in <see cref="Lines"/>) and returns
    /// the exit code: 1 when a finding fails the synthesis, else 0 (warnings are printed and pass).
    /// </summary>
    public static int Report(string reportPath, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(error);
        var failed = Failed(reportPath);
        var lines = File.Exists(reportPath) ? Lines(reportPath).ToList() : [];
        if (lines.Count == 0) return failed ? 1 : 0;
        error.WriteLine(failed ? "error: synthesis stopped by validation:" : "warning: validation findings:");
        foreach (var line in lines) error.WriteLine("  " + line);
        return failed ? 1 : 0;
    }

    /// <summary>True when the report holds a finding that fails the synthesis (severity error, or none given).</summary>
    public static bool Failed(string reportPath)
    {
        if (!File.Exists(reportPath)) return false;
        var report = JsonNode.Parse(File.ReadAllText(reportPath))!;
        return report["pluginReports"]?.AsArray().Any(p =>
            (p!["violations"]?.AsArray() ?? []).Any(v => v!["severity"]?.GetValue<string>() is null or "error")) ?? false;
    }

    /// <summary>True for the exception the CDK throws when a validation plugin (or its built-in checks) failed the synthesis.</summary>
    public static bool IsValidationFailure(Exception e) =>
        e.Message.Contains("Validation failed", StringComparison.OrdinalIgnoreCase) || e.Message.Contains("ValidationFailed", StringComparison.Ordinal);
}
