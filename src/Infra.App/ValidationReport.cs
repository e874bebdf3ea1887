namespace Infra.App;

/// <summary>Reads the CDK's validation-report.json into one line per violating construct (the library's <see cref="Infra.Constructs.Startup.ValidationSummary"/>).</summary>
public static class ValidationReport
{
    /// <summary>Lines "plugin rule: construct path (property paths): description"; only the secret guard's when it found something.</summary>
    public static IEnumerable<string> Summarize(string path) => Infra.Constructs.Startup.ValidationSummary.Lines(path);
}
