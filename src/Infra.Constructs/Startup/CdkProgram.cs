using Amazon.CDK;
using Infra.Constructs.Validation;

namespace Infra.Constructs.Startup;

/// <summary>
/// The body of a CDK app's <c>Main</c>: builds the app, synthesizes it and turns the two expected
/// failures into a clear message and exit code 1 instead of a jsii stack trace: a bad prop
/// (<see cref="InvalidPropException"/>, one line naming the construct path and property) and a failed
/// validation (the secret guard or the CDK's own checks: their findings, redacted). Anything else is a
/// bug and propagates with its trace. Its contract, besides: right after it creates the app it turns
/// on <see cref="Guardrails.SecretLiteralGuard"/> (<see cref="Guardrails.SecretLiteralGuard.ApplyTo"/>)
/// and puts back the <c>NODE_OPTIONS</c> that <see cref="JsiiStartup.Tune"/> changed
/// (<see cref="JsiiStartup.RestoreNodeOptions"/>).
/// <code>
/// JsiiStartup.Tune();
/// return CdkProgram.Run(app =&gt; { var stack = new Stack(app, "Shop"); /* constructs */ });
/// </code>
/// </summary>
public static class CdkProgram
{
    /// <summary>aws-cdk-lib's context key: false = write the validation report without printing it or failing.</summary>
    public const string FailSynthOnValidationErrors = "@aws-cdk/core:failSynthOnValidationErrors";

    /// <summary>Runs <paramref name="build"/> on a new app, synthesizes it and returns the process exit code.</summary>
    /// <param name="build">Adds the stacks and constructs.</param>
    /// <param name="props">App props (for example an output folder); null for the CDK's defaults.</param>
    /// <param name="error">Where messages go; null for standard error.</param>
    public static int Run(Action<App> build, IAppProps? props = null, TextWriter? error = null)
    {
        ArgumentNullException.ThrowIfNull(build);
        var err = error ?? Console.Error;
        App? app = null;
        try
        {
            app = new App(props);
            // The jsii Node process has started (with the tuning): the rest of the process needs no NODE_OPTIONS change.
            JsiiStartup.RestoreNodeOptions();
            Guardrails.SecretLiteralGuard.ApplyTo(app);
            // The CDK would print its validation report itself, and other validators' lines may quote a
            // value the secret guard redacts: let it only write validation-report.json, then judge here.
            app.Node.SetContext(FailSynthOnValidationErrors, false);
            build(app);
            app.Synth();
            return ValidationSummary.Report(Path.Combine(app.Outdir, "validation-report.json"), err);
        }
        catch (InvalidPropException e)
        {
            err.WriteLine($"error: {e.Message}");
            return 1;
        }
    }
}
