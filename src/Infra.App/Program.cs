using Amazon.CDK;
using Infra.App.Config;
using Infra.App.Stacks;
using Infra.Constructs.Validation;
using CdkApp = Amazon.CDK.App;

namespace Infra.App;

/// <summary>Entry point of the reference app: <c>cdk synth [-c env=dev|prod|all] [-c activeColor=...]</c>.</summary>
public static class Program
{
    /// <summary>Synthesizes the selected environments; prints configuration errors without a stack trace.</summary>
    public static int Main()
    {
        CdkApp? app = null;
        try
        {
            app = AppFactory.Create();
            var environments = AppConfig.Select(key => app.Node.TryGetContext(key));
            Build(app, environments);
            app.Synth();
            return 0;
        }
        catch (Exception e) when (e is ConfigException or InvalidPropException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 1;
        }
        catch (Exception e) when (app is not null && e.Message.Contains("Validation failed", StringComparison.Ordinal))
        {
            // A validation plugin (the secret guard, the built-in CloudFormation checks) refused the
            // templates: print its findings instead of the jsii trace.
            Console.Error.WriteLine("error: synthesis stopped by validation:");
            foreach (var line in ValidationReport.Summarize(Path.Combine(app.Outdir, "validation-report.json")))
                Console.Error.WriteLine("  " + line);
            return 1;
        }
    }

    /// <summary>Adds every selected environment to the app (also used by tests).</summary>
    public static void Build(CdkApp app, IReadOnlyList<EnvironmentSettings> environments)
    {
        var all = Environments.All.Values.ToList();
        foreach (var settings in environments)
            ReferenceEnvironment.Add(app, settings, all);
    }
}
