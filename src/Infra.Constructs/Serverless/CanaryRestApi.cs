using System.Text.Json;
using Amazon.CDK;
using Amazon.CDK.AWS.APIGateway;
using Amazon.CDK.AWS.Lambda;
using Amazon.CDK.AWS.Logs;
using Constructs;
using Infra.Constructs.Security;
using Infra.Constructs.Validation;
using ApiDeployment = Amazon.CDK.AWS.APIGateway.Deployment;
using ApiStage = Amazon.CDK.AWS.APIGateway.Stage;

namespace Infra.Constructs.Serverless;

/// <summary>
/// A regional REST API whose stage can run a canary release in front of Lambda aliases or versions.
/// <para>
/// The integration (Lambda proxy) calls the function whose ARN is in a stage variable, so the
/// canary can call another backend, or pass other stage-variable values, with the same API
/// definition. <see cref="CanaryRestApiProps.Release"/> walks the canary through its lifecycle:
/// <see cref="CanaryRelease.Started"/>(N %) sends N % of requests to the canary,
/// <see cref="CanaryRelease.Promoted"/> makes the canary's backend and variables the stage's,
/// <see cref="CanaryRelease.RolledBack"/> abandons it.
/// </para>
/// <para>
/// Clearing: the stage's <c>CanarySetting</c> is written in <em>every</em> phase and never left
/// out, because CloudFormation does not remove canary settings from a deployed stage when the
/// property disappears from the template (aws-cdk#33901): a removed canary keeps its traffic share
/// in AWS. Outside <see cref="CanaryPhase.Started"/> the canary is cleared instead: 0 % of traffic,
/// the stage's own deployment, every stage variable overridden with the stage's own value and no
/// stage cache, which is also the state API Gateway's own "promote" leaves behind. The overrides
/// always name every stage variable (the canary's full view), so an override key from an earlier
/// canary can never linger with another value.
/// </para>
/// Also: access logs (JSON) and execution logs in log groups kept a year and encrypted with a
/// customer-managed KMS key of this construct (the canary's <c>/Canary</c> groups included), X-Ray
/// tracing, stage-wide throttling, a request validator on every method, an optional stage cache
/// (always encrypted), an optional WAFv2 web ACL on the stage (<see cref="CanaryRestApiProps.Firewall"/>),
/// authorization chosen explicitly (<see cref="CanaryRestApiProps.Authorization"/>: IAM, an authorizer, or
/// <see cref="ApiAuthorization.Public"/>; no default), and invoke permissions scoped to this API's stage
/// and methods.
/// </summary>
public sealed partial class CanaryRestApi : Construct
{
    /// <summary>Stage cache sizes in GB that API Gateway offers.</summary>
    public static readonly IReadOnlyList<string> CacheSizes = ["0.5", "1.6", "6.1", "13.5", "28.4", "58.2", "118", "237"];

    /// <summary>The REST API.</summary>
    public RestApi Api { get; }

    /// <summary>The stage.</summary>
    public ApiStage Stage { get; }

    /// <summary>The stage's CloudFormation resource (carries <c>CanarySetting</c>).</summary>
    public CfnStage CfnStage { get; }

    /// <summary>The deployment the stage and its canary serve (replaced when the API definition changes).</summary>
    public ApiDeployment Deployment { get; }

    /// <summary>Access log group of the stage.</summary>
    public ILogGroup AccessLogs { get; }

    /// <summary>Access log group of the canary's requests (the stage's name + <c>/Canary</c>, as API Gateway names it).</summary>
    public ILogGroup CanaryAccessLogs { get; }

    /// <summary>Execution log group of the stage (<c>API-Gateway-Execution-Logs_{api}/{stage}</c>), created here to set its retention.</summary>
    public ILogGroup ExecutionLogs { get; }

    /// <summary>Execution log group of the canary (<c>.../Canary</c>).</summary>
    public ILogGroup CanaryExecutionLogs { get; }

    /// <summary>The KMS key that encrypts the four access and execution log groups.</summary>
    public Amazon.CDK.AWS.KMS.IKey LogKey { get; }

    /// <summary>The request validator every method uses (request parameters and bodies).</summary>
    public IRequestValidator RequestValidator { get; }

    /// <summary>The web ACL created for <see cref="WebFirewall.AwsManagedRules"/>; null otherwise.</summary>
    public Amazon.CDK.AWS.WAFv2.CfnWebACL? WebAcl { get; }

    /// <summary>Who may call the methods (<see cref="ApiAuthorization.Public"/> when anyone may).</summary>
    public ApiAuthorization Authorization { get; }

    /// <summary>The release phase in effect.</summary>
    public CanaryRelease Release { get; }

    /// <summary>The release that runs itself to promote the canary (<see cref="CanaryRestApiProps.Progressive"/>), resolved; or null.</summary>
    public Releases.ReleaseSettings? Progressive { get; }

    /// <summary>The stack parameters that release moves; null without one.</summary>
    public CanaryReleaseParameters? Parameters { get; }

    /// <summary>Key of the backend that serves the stage in this phase (the canary's after promotion).</summary>
    public string StageBackend { get; }

    /// <summary>Stage variables as deployed (the backend variable holds a function ARN token).</summary>
    public IReadOnlyDictionary<string, string> StageVariables { get; }

    /// <summary>The canary's stage-variable overrides as deployed: always every stage variable.</summary>
    public IReadOnlyDictionary<string, string> CanaryStageVariables { get; }

    /// <summary>Name of the stage.</summary>
    public string StageName { get; }

    /// <summary>The props resolved: defaults applied, every value checked.</summary>
    public CanaryRestApiSettings Settings { get; }

    /// <summary>URL of the stage's root.</summary>
    public string Url => Stage.UrlForPath("/");

    /// <summary>Creates the API, its stage, logs and permissions.</summary>
    public CanaryRestApi(Construct scope, string id, CanaryRestApiProps props) : base(scope, id)
    {
        PropChecks.RequireProps(this, props);
        var check = new PropChecks(this, nameof(CanaryRestApiProps));

        var settings = CanaryRestApiSettings.Resolve(props, check, Node.Path.Replace('/', '-'));
        check.ThrowIfAny();
        Settings = settings;
        var (apiName, stageName, backendVariable) = (settings.ApiName, settings.StageName, settings.BackendVariable);
        StageName = stageName;
        var backends = props.Backends;
        _backends = backends;
        var (stable, canaryBackend) = (settings.StableBackend, settings.CanaryBackend);
        var (variables, overrides, release) = (settings.StageVariables, settings.CanaryOverrides, settings.Release);
        Release = release;
        var canary = props.Canary;
        var (rate, burst, cacheSize, cacheTtl) = (settings.ThrottlingRateLimit, settings.ThrottlingBurstLimit, settings.CacheClusterSizeGb, settings.CacheTtlSeconds);
        var useStageCache = settings.CanaryUsesStageCache;
        var (logLevel, retention, firewall, rateLimit) = (settings.ExecutionLogLevel, settings.LogRetention, settings.Firewall, settings.FirewallRateLimit);
        var auth = settings.Authorization;
        var authorizer = auth.Authorizer;
        var authorization = authorizer is null ? auth.Type : authorizer.AuthorizationType ?? AuthorizationType.CUSTOM;
        Authorization = auth;

        // The stage's and the canary's full stage variables (the backend variable holds an ARN).
        var stageVars = new Dictionary<string, string>(variables, StringComparer.Ordinal) { [backendVariable] = backends[stable].FunctionArn };
        var canaryVars = new Dictionary<string, string>(stageVars, StringComparer.Ordinal) { [backendVariable] = backends[canaryBackend].FunctionArn };
        foreach (var (name, value) in overrides) canaryVars[name] = value;
        // With a release that runs itself, the template declares the promoted state (the parameters' defaults).
        var progressive = settings.Progressive;
        var promoted = release.Phase == CanaryPhase.Promoted || progressive is not null;
        StageBackend = promoted ? canaryBackend : stable;
        StageVariables = promoted ? canaryVars : stageVars;
        // Started: the canary's view. Otherwise cleared: a copy of the stage's own variables.
        CanaryStageVariables = release.IsActive ? canaryVars : new Dictionary<string, string>(StageVariables, StringComparer.Ordinal);

        var ownsAccountLogging = props.CreateCloudWatchRole ?? true;
        if (ownsAccountLogging)
            ApiGatewayAccountLogging.ClaimOwnership(this, nameof(CanaryRestApiProps), nameof(props.CreateCloudWatchRole));
        LogKey = EncryptionKeys.ForLogs(this, "LogsKey", "access and execution logs of the API " + Node.Path);
        AccessLogs = new LogGroup(this, "AccessLogs", new LogGroupProps { Retention = retention, EncryptionKey = LogKey });
        Api = new RestApi(this, "Api", new RestApiProps
        {
            RestApiName = apiName,
            Description = props.Description,
            EndpointTypes = [EndpointType.REGIONAL],
            CloudWatchRole = ownsAccountLogging,
            Deploy = true,
            DeployOptions = new StageOptions
            {
                StageName = stageName,
                Variables = StageVariables.ToDictionary(kv => kv.Key, kv => kv.Value),
                TracingEnabled = props.Tracing ?? true,
                AccessLogDestination = new LogGroupLogDestination(AccessLogs),
                AccessLogFormat = AccessLogFormat.Custom(AccessLogJson()),
                LoggingLevel = logLevel,
                DataTraceEnabled = props.DataTrace ?? false,
                MetricsEnabled = true,
                ThrottlingRateLimit = rate,
                ThrottlingBurstLimit = burst,
                CacheClusterEnabled = cacheSize is not null,
                CacheClusterSize = cacheSize,
                CachingEnabled = cacheSize is not null,
                CacheTtl = cacheSize is not null ? Durations.Seconds(cacheTtl) : null,
                // A cache holds response data: always encrypted at rest, never an option.
                CacheDataEncrypted = cacheSize is not null ? true : null,
            },
        });
        Stage = Api.DeploymentStage;
        CfnStage = (CfnStage)Stage.Node.DefaultChild!;
        Deployment = Api.LatestDeployment!;

        // Set on the stage only: CDK copies DeployOptions.Description to the deployment, which a
        // release step must not touch.
        CfnStage.Description = progressive is null ? $"Release: {release}" : $"Release {progressive.Id}: progressive (tools/release)";
        CfnStage.CanarySetting = new CfnStage.CanarySettingProperty
        {
            DeploymentId = Deployment.DeploymentId,
            PercentTraffic = release.IsActive ? release.Percent : 0,
            StageVariableOverrides = CanaryStageVariables.ToDictionary(kv => kv.Key, kv => kv.Value),
            UseStageCache = release.IsActive && useStageCache,
        };
        if (progressive is not null)
        {
            Progressive = progressive;
            Parameters = ParameterizeCanary(progressive, stageVars, canaryVars, useStageCache);
        }

        // API Gateway writes canary access logs to "<access log group>/Canary" and execution logs to
        // fixed names, creating the groups without retention if they are missing: create them first.
        CanaryAccessLogs = new LogGroup(this, "CanaryAccessLogs", new LogGroupProps
        {
            LogGroupName = $"{AccessLogs.LogGroupName}/Canary",
            Retention = retention,
            EncryptionKey = LogKey,
        });
        var executionLogName = $"API-Gateway-Execution-Logs_{Api.RestApiId}/{stageName}";
        ExecutionLogs = new LogGroup(this, "ExecutionLogs", new LogGroupProps { LogGroupName = executionLogName, Retention = retention, EncryptionKey = LogKey });
        CanaryExecutionLogs = new LogGroup(this, "CanaryExecutionLogs", new LogGroupProps { LogGroupName = $"{executionLogName}/Canary", Retention = retention, EncryptionKey = LogKey });
        Stage.Node.AddDependency(CanaryAccessLogs, ExecutionLogs, CanaryExecutionLogs);

        var integration = new Integration(new IntegrationProps
        {
            Type = IntegrationType.AWS_PROXY,
            IntegrationHttpMethod = "POST",
            Uri = $"arn:{Aws.PARTITION}:apigateway:{Aws.REGION}:lambda:path/2015-03-31/functions/${{stageVariables.{backendVariable}}}/invocations",
        });
        // Validates the request parameters and bodies a method declares (this construct declares none;
        // methods added to Api with RequestParameters or RequestModels get them checked before the Lambda runs).
        RequestValidator = Api.AddRequestValidator("RequestValidator", new RequestValidatorOptions
        {
            ValidateRequestParameters = true,
            ValidateRequestBody = true,
        });
        var methodOptions = new MethodOptions
        {
            AuthorizationType = authorization,
            Authorizer = authorizer,
            RequestValidator = RequestValidator,
        };
        Api.Root.AddMethod("GET", integration, methodOptions);
        var sourceArns = new List<string> { Api.ArnForExecuteApi("GET", "/", stageName) };
        if (props.Proxy ?? false)
        {
            Api.Root.AddResource("{proxy+}").AddMethod("ANY", integration, methodOptions);
            sourceArns.Add(Api.ArnForExecuteApi("*", "/*", stageName));
        }

        // Every backend may be called by this stage (the canary is the same stage), by these methods only.
        foreach (var key in backends.Keys.OrderBy(k => k, StringComparer.Ordinal))
        {
            for (var i = 0; i < sourceArns.Count; i++)
            {
                _ = new CfnPermission(this, i == 0 ? $"Invoke{key}" : $"Invoke{key}Proxy", new CfnPermissionProps
                {
                    Action = "lambda:InvokeFunction",
                    FunctionName = backends[key].FunctionArn,
                    Principal = "apigateway.amazonaws.com",
                    SourceArn = sourceArns[i],
                });
            }
        }

        // Regional web ACL on the stage (the canary is part of the stage, so it is covered too).
        WebAcl = firewall == WebFirewall.AwsManagedRules ? ManagedRulesWebAcl.Create(this, $"the API stage {stageName} of {Node.Path}", rateLimit) : null;
        if ((props.WebAclArn ?? WebAcl?.AttrArn) is { } aclArn)
            ManagedRulesWebAcl.Associate(this, Stage.StageArn, aclArn);
    }

    /// <summary>One JSON object per request; the canary's requests go to the <c>/Canary</c> group in the same format.</summary>
    private readonly IReadOnlyDictionary<string, IFunction> _backends;

    private static string AccessLogJson() => JsonSerializer.Serialize(new Dictionary<string, string>
    {
        ["requestId"] = AccessLogField.ContextRequestId(),
        ["extendedRequestId"] = AccessLogField.ContextExtendedRequestId(),
        ["requestTime"] = AccessLogField.ContextRequestTime(),
        ["sourceIp"] = AccessLogField.ContextIdentitySourceIp(),
        ["userAgent"] = AccessLogField.ContextIdentityUserAgent(),
        ["httpMethod"] = AccessLogField.ContextHttpMethod(),
        ["resourcePath"] = AccessLogField.ContextResourcePath(),
        ["protocol"] = AccessLogField.ContextProtocol(),
        ["stage"] = AccessLogField.ContextStage(),
        ["status"] = AccessLogField.ContextStatus(),
        ["responseLength"] = AccessLogField.ContextResponseLength(),
        ["responseLatency"] = AccessLogField.ContextResponseLatency(),
        ["integrationStatus"] = AccessLogField.ContextIntegrationStatus(),
        ["integrationLatency"] = AccessLogField.ContextIntegrationLatency(),
        ["integrationError"] = AccessLogField.ContextIntegrationErrorMessage(),
        ["errorMessage"] = AccessLogField.ContextErrorMessage(),
        ["xrayTraceId"] = AccessLogField.ContextXrayTraceId(),
    });
}
