// bench/run only: synthesizes the reference app the way src/Infra.App/Program.cs does (AppFactory,
// AppConfig, Program.Build, the validation report), run like `cdk synth` runs an app (CDK_OUTDIR,
// CDK_CONTEXT_JSON), plus the benchmark's two switches, kept out of the production app:
//   INFRA_BENCH_TIMINGS=1      prints "[timings] PHASE UNIX-MS" to stderr (main, app, tree, synth);
//   -c benchEnvironments=N     with -c env=NAME: N copies of that one environment (growth, docs/performance.md).
// Errors propagate with their trace: this is a measuring tool, not a user's entry point.
using System.Globalization;
using Infra.App;
using ReferenceApp = Infra.App.Program;   // this file's top-level statements are a class Program of their own
using Infra.App.Config;
using Infra.Constructs.Startup;

const int maxCopies = 50;
var timings = System.Environment.GetEnvironmentVariable("INFRA_BENCH_TIMINGS") == "1";
void Mark(string phase)
{
    if (timings) Console.Error.WriteLine(FormattableString.Invariant($"[timings] {phase} {DateTime.UtcNow.Subtract(DateTime.UnixEpoch).TotalMilliseconds:F1}"));
}

Mark("main");
JsiiStartup.Tune();
var app = AppFactory.Create();
JsiiStartup.RestoreNodeOptions();
app.Node.SetContext(CdkProgram.FailSynthOnValidationErrors, false);
Mark("app");
var environments = AppConfig.Select(key => app.Node.TryGetContext(key));
ReferenceApp.Build(app, Copies(environments, app.Node.TryGetContext("benchEnvironments")));
Mark("tree");
app.Synth();
Mark("synth");
return ValidationSummary.Report(Path.Combine(app.Outdir, "validation-report.json"), Console.Error);

// Copy i of the one selected environment: its own name (stack prefix) and a VPC range of its own.
static IReadOnlyList<EnvironmentSettings> Copies(IReadOnlyList<EnvironmentSettings> selected, object? value)
{
    if (value is null) return selected;
    var text = Convert.ToString(value, CultureInfo.InvariantCulture)!;
    if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1 || n > maxCopies)
        throw new ArgumentException($"Invalid -c benchEnvironments={text}. Valid: a whole number from 1 to {maxCopies}.");
    if (selected.Count != 1)
        throw new ArgumentException($"-c benchEnvironments={text} copies one environment, but {selected.Count} are selected. Valid: add -c env=NAME, e.g. -c env=dev.");
    var first = selected[0];
    return [first, .. Enumerable.Range(2, n - 1).Select(i => first with { Name = $"{first.Name}{i}", VpcCidr = $"10.{98 + i}.0.0/16" })];
}
