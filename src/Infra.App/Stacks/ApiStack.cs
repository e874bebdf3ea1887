using Amazon.CDK;
using Amazon.CDK.AWS.CodeDeploy;
using Amazon.CDK.AWS.Lambda;
using Constructs;
using Infra.App.Config;
using Infra.Constructs.Serverless;

namespace Infra.App.Stacks;

/// <summary>
/// The sample serverless API of one environment: two versions of a function (original and canary,
/// from <c>src/lambda/</c>), each behind an alias that CodeDeploy shifts, and a REST API whose
/// stage runs the canary release set in <see cref="EnvironmentSettings.Api"/>.
/// </summary>
public sealed class ApiStack : Stack
{
    /// <summary>The original function.</summary>
    public VersionedFunction Original { get; }

    /// <summary>The new function, released as the stage's canary.</summary>
    public VersionedFunction Canary { get; }

    /// <summary>The API.</summary>
    public CanaryRestApi Api { get; }

    /// <summary>Traffic shifting of each function's alias.</summary>
    public IReadOnlyList<AliasDeployment> AliasDeployments { get; }

    /// <summary>Creates the stack.</summary>
    /// <param name="scope">The app.</param>
    /// <param name="id">Stack name.</param>
    /// <param name="settings">The environment.</param>
    /// <param name="props">Stack props.</param>
    /// <param name="alarmAction">Where the API's alarms notify.</param>
    /// <param name="ownsApiGatewayAccount">Whether this stack sets the account's API Gateway logging role (false when an <see cref="ApiGatewayAccountStack"/> does).</param>
    public ApiStack(Construct scope, string id, EnvironmentSettings settings, IStackProps props, Amazon.CDK.AWS.CloudWatch.IAlarmAction? alarmAction = null, bool ownsApiGatewayAccount = true) : base(scope, id, props)
    {
        var api = settings.Api;
        Original = Function("OriginalFunction", "original", "Sample: the original function (Math.ceil)", api);
        Canary = Function("CanaryFunction", "canary", "Sample: the new function (Math.floor), released as the canary", api);

        var application = new LambdaApplication(this, "CodeDeployApp", new LambdaApplicationProps { ApplicationName = $"{settings.Name}-api" });
        AliasDeployments =
        [
            new AliasDeployment(this, "OriginalAliasDeployment", new AliasDeploymentProps { Alias = Original.Alias, Shift = api.AliasShift, Application = application, AlarmActions = alarmAction is null ? null : [alarmAction] }),
            new AliasDeployment(this, "CanaryAliasDeployment", new AliasDeploymentProps { Alias = Canary.Alias, Shift = api.AliasShift, Application = application, AlarmActions = alarmAction is null ? null : [alarmAction] }),
        ];

        Api = new CanaryRestApi(this, "Api", new CanaryRestApiProps
        {
            ApiName = $"{settings.Name}-sample-api",
            Description = $"Sample API of '{settings.Name}' with a stage canary in front of Lambda aliases",
            Backends = new Dictionary<string, IFunction> { ["original"] = Original.Alias, ["canary"] = Canary.Alias },
            StableBackend = api.StableBackend,
            Canary = new StageCanary { Backend = api.CanaryBackend },
            Release = api.Progressive is null ? api.Release : null,
            Progressive = api.Progressive,
            ThrottlingRateLimit = api.ThrottlingRateLimit,
            ThrottlingBurstLimit = api.ThrottlingBurstLimit,
            CreateCloudWatchRole = ownsApiGatewayAccount,
            Firewall = api.Firewall,
            // An explicit choice (CanaryRestApi has no default): the sample is deliberately public and
            // read-only; see ApiSettings.Authorization before copying this for a real API.
            Authorization = api.Authorization,
        });

        // A release step fails when the canary alias's own alarms fire.
        foreach (var alarm in AliasDeployments[1].Alarms) Api.AddReleaseAlarm(alarm);

        Output("Url", Api.Url, "Root of the stage (GET answers with the backend's text)");
        Output("StageName", Api.StageName, "Stage carrying the canary");
        Output("RestApiId", Api.Api.RestApiId, "REST API id (aws apigateway get-stage --rest-api-id ...)");
        Output("Release", api.Progressive is { } p ? $"Progressive({p.Id})" : api.Release.ToString(), "Canary release step in effect");
        Output("StageBackend", Api.StageBackend, "Backend serving the stage's (non-canary) requests");
        Output("CodeDeployApplication", application.ApplicationName, "CodeDeploy application of the alias traffic shifting");
    }

    private VersionedFunction Function(string id, string folder, string description, ApiSettings api) =>
        new(this, id, new VersionedFunctionProps
        {
            CodePath = LambdaFolder(folder),
            Description = description,
            ReservedConcurrency = api.ReservedConcurrency,
        });

    /// <summary><c>src/lambda/{name}</c> of the repository (found from the working directory, as under <c>cdk synth</c>, or from the binaries, as under tests).</summary>
    public static string LambdaFolder(string name)
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "src", "lambda", name);
                if (File.Exists(Path.Combine(dir.FullName, "Infra.sln")) && Directory.Exists(candidate)) return candidate;
            }
        }
        throw new ConfigException($"Lambda code folder src/lambda/{name} not found above {Directory.GetCurrentDirectory()} or {AppContext.BaseDirectory}.");
    }

    private void Output(string id, string value, string description) =>
        _ = new CfnOutput(this, id, new CfnOutputProps { Value = value, Description = description });
}
