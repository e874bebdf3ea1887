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
        Infra.Constructs.Startup.JsiiStartup.Tune();
        CdkApp? app = null;
        try
        {
            app = AppFactory.Create();   // the secret guard on (SecretLiteralGuard.ApplyTo)
            // The jsii Node process has started with the tuning: put NODE_OPTIONS back for the rest of the process.
            Infra.Constructs.Startup.JsiiStartup.RestoreNodeOptions();
            // The CDK only writes its validation report; this program prints it (the secret guard's
            // findings redacted, other validators' hidden when it found one) and sets the exit code.
            app.Node.SetContext(Infra.Constructs.Startup.CdkProgram.FailSynthOnValidationErrors, false);
            var environments = AppConfig.Select(key => app.Node.TryGetContext(key));
            Build(app, environments);
            if (AppConfig.CiIdentity(key => app.Node.TryGetContext(key)) is { } ci)
                AddCiIdentity(app, ci, environments);
            app.Synth();
            return Infra.Constructs.Startup.ValidationSummary.Report(Path.Combine(app.Outdir, "validation-report.json"), Console.Error);
        }
        catch (Exception e) when (e is ConfigException or InvalidPropException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 1;
        }
        catch (Exception e) when (app is not null && Infra.Constructs.Startup.ValidationSummary.IsValidationFailure(e))
        {
            // A validation plugin (the secret guard, the built-in CloudFormation checks) refused the
            // templates: print its findings instead of the jsii trace.
            Console.Error.WriteLine("error: synthesis stopped by validation:");
            foreach (var line in ValidationReport.Summarize(Path.Combine(app.Outdir, "validation-report.json")))
                Console.Error.WriteLine("  " + line);
            return 1;
        }
    }

    /// <summary>
    /// Adds the <c>Ci-Identity</c> stack (GitHub OIDC provider, diff and deploy roles) for the selected
    /// environments. Pinned to their account and region when they all share one, else environment-agnostic.
    /// </summary>
    public static CiIdentityStack AddCiIdentity(CdkApp app, CiIdentitySettings settings, IReadOnlyList<EnvironmentSettings> environments)
    {
        var accounts = environments.Select(e => e.Account).Distinct().ToList();
        var regions = environments.Select(e => e.Region).Distinct().ToList();
        var env = accounts is [{ } account] && regions is [{ } region] ? new Amazon.CDK.Environment { Account = account, Region = region } : null;
        return new CiIdentityStack(app, CiIdentityStack.Id, settings, environments, new StackProps
        {
            Env = env,
            Description = $"GitHub Actions identity of {settings.Repository}: OIDC provider, cdk diff and cdk deploy roles (Infra.Constructs)",
        });
    }

    /// <summary>Adds every selected environment to the app (also used by tests).</summary>
    public static void Build(CdkApp app, IReadOnlyList<EnvironmentSettings> environments)
    {
        var all = Environments.All.Values.ToList();
        // One owner of the API Gateway logging setting per account and region (AWS::ApiGateway::Account).
        var owners = new Dictionary<string, ApiGatewayAccountStack>(StringComparer.Ordinal);
        foreach (var settings in environments)
        {
            var id = ApiGatewayAccountStack.IdFor(settings.Account, settings.Region);
            if (!owners.TryGetValue(id, out var owner))
            {
                var env = settings.Account is null && settings.Region is null ? null : new Amazon.CDK.Environment { Account = settings.Account, Region = settings.Region };
                owner = owners[id] = new ApiGatewayAccountStack(app, id, new StackProps
                {
                    Env = env,
                    Description = "API Gateway logging role of this account and region, shared by every environment's API (Infra.Constructs)",
                    TerminationProtection = true,
                });
                Tags.Of(owner).Add("managed-by", "cdk-infra-constructs");
            }
            ReferenceEnvironment.Add(app, settings, all, owner);
        }
    }
}
