using Amazon.CDK;
using Infra.Constructs.Guardrails;
using CdkApp = Amazon.CDK.App;

namespace Infra.App;

/// <summary>
/// Creates the CDK app with the project's feature flags set in code, so that <c>cdk synth</c> and the
/// tests (which create apps without the CLI) produce the same templates and run the same checks.
/// </summary>
public static class AppFactory
{
    /// <summary>Feature flags the templates depend on.</summary>
    public static readonly IReadOnlyDictionary<string, object> FeatureFlags = new Dictionary<string, object>
    {
        // Keep exports protected from removal while a consumer stack still uses them.
        ["@aws-cdk/core:defaultCrossStackReferences"] = "strong",
        ["@aws-cdk/core:target-partitions"] = new[] { "aws" },
        ["@aws-cdk/aws-iam:minimizePolicies"] = true,
        ["@aws-cdk/core:validateSnapshotRemovalPolicy"] = true,
        ["@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy"] = true,
        ["@aws-cdk/aws-ec2:launchTemplateDefaultUserData"] = true,
        ["@aws-cdk/aws-codedeploy:removeAlarmsFromDeploymentGroup"] = true,
    };

    /// <summary>
    /// Creates an app with the secret guard on. <paramref name="context"/> adds or overrides context
    /// values (tests); <paramref name="validation"/> runs the built-in CloudFormation validation at synth.
    /// </summary>
    public static CdkApp Create(IDictionary<string, object>? context = null, bool? validation = null, string? outdir = null)
    {
        var merged = new Dictionary<string, object>(FeatureFlags);
        foreach (var (k, v) in context ?? new Dictionary<string, object>()) merged[k] = v;
        var app = new CdkApp(new AppProps { Context = merged, BuiltinCloudFormationValidation = validation, Outdir = outdir, AnalyticsReporting = false });
        // The library's constructs leave the user's app alone: this app turns its secret guard on itself.
        SecretLiteralGuard.ApplyTo(app);
        return app;
    }
}
