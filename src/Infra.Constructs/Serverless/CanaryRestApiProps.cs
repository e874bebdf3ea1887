using Amazon.CDK;
using Amazon.CDK.AWS.APIGateway;
using Amazon.CDK.AWS.Lambda;
using Amazon.CDK.AWS.Logs;
using Infra.Constructs.Security;

namespace Infra.Constructs.Serverless;

/// <summary>Props for <see cref="CanaryRestApi"/>.</summary>
public sealed record CanaryRestApiProps
{
    /// <summary>Name of the REST API (1-128 letters, digits, spaces and <c>-_.</c>). Default: the construct path with <c>/</c> replaced by <c>-</c>.</summary>
    public string? ApiName { get; init; }

    /// <summary>Description of the REST API. Default: none.</summary>
    public string? Description { get; init; }

    /// <summary>Name of the stage (1-128 letters, digits, <c>-</c> and <c>_</c>). Default: <c>live</c>.</summary>
    public string? StageName { get; init; }

    /// <summary>
    /// The Lambda functions the stage and its canary may call, by key (1-64 letters, digits, <c>-</c>
    /// and <c>_</c>). Give aliases or versions (e.g. <see cref="VersionedFunction.Alias"/>) so that
    /// a stage and its canary pin what they call. Each gets an invoke permission for this API's
    /// stage only. Required, at least one.
    /// </summary>
    public required IReadOnlyDictionary<string, IFunction> Backends { get; init; }

    /// <summary>Key in <see cref="Backends"/> of the function the stage calls. Default: the only backend; required when there are several.</summary>
    public string? StableBackend { get; init; }

    /// <summary>
    /// Stage variable through which the integration finds its Lambda (the integration URI is
    /// <c>.../functions/${stageVariables.NAME}/invocations</c>, the value an alias or version ARN),
    /// so the canary can call another backend (1-64 letters, digits and <c>_</c>). Default: <c>lambdaFunction</c>.
    /// </summary>
    public string? BackendVariable { get; init; }

    /// <summary>
    /// Further stage variables, passed to the Lambda in <c>event.stageVariables</c> (names: 1-64
    /// letters, digits and <c>_</c>; values: 1-512 of letters, digits and <c>-._~:/?#&amp;=,</c>).
    /// Must not contain <see cref="BackendVariable"/>. Default: none.
    /// </summary>
    public IReadOnlyDictionary<string, string>? StageVariables { get; init; }

    /// <summary>What the canary runs. Required unless <see cref="Release"/> is <see cref="CanaryRelease.None"/>.</summary>
    public StageCanary? Canary { get; init; }

    /// <summary>Where the canary is in its lifecycle. Default: <see cref="CanaryRelease.None"/>.</summary>
    public CanaryRelease? Release { get; init; }

    /// <summary>
    /// Promote <see cref="Canary"/> by a release that runs itself: the canary's share and whether it was promoted
    /// become stack parameters whose defaults are the promoted state, a <c>cdk deploy</c> keeps their current
    /// values, and <c>tools/release</c> walks the steps gated by the canary function's metrics and the alarms added
    /// with <see cref="CanaryRestApi.AddReleaseAlarm"/> (docs/progressive-delivery.md). Needs <see cref="Canary"/>;
    /// <see cref="Release"/> must be unset, None or Promoted. Default: none.
    /// </summary>
    public Releases.ProgressiveRelease? Progressive { get; init; }

    /// <summary>Steady-state requests per second for the whole stage (greater than 0, at most 10000). Default: 100.</summary>
    public double? ThrottlingRateLimit { get; init; }

    /// <summary>Requests accepted in a burst above the rate (1-5000). Default: 200.</summary>
    public int? ThrottlingBurstLimit { get; init; }

    /// <summary>
    /// Size in GB of the stage cache (<c>0.5</c>, <c>1.6</c>, <c>6.1</c>, <c>13.5</c>, <c>28.4</c>,
    /// <c>58.2</c>, <c>118</c> or <c>237</c>); turns caching on for every method. Billed per hour.
    /// Default: none, no cache.
    /// </summary>
    public string? CacheClusterSizeGb { get; init; }

    /// <summary>How long a cached response is served (whole seconds, 0-3600), only with <see cref="CacheClusterSizeGb"/>. Default: 300 seconds.</summary>
    public Duration? CacheTtl { get; init; }

    /// <summary>Execution logging level (to <c>API-Gateway-Execution-Logs_{api}/{stage}</c>). Default: <see cref="MethodLoggingLevel.INFO"/>.</summary>
    public MethodLoggingLevel? ExecutionLogLevel { get; init; }

    /// <summary>Log full requests and responses in the execution log (may log personal data). Default: false.</summary>
    public bool? DataTrace { get; init; }

    /// <summary>
    /// How long access and execution logs are kept (not INFINITE). The four log groups are encrypted
    /// with one customer-managed KMS key of this construct. Default: one year.
    /// </summary>
    public RetentionDays? LogRetention { get; init; }

    /// <summary>X-Ray tracing of the stage (and its canary). Default: true.</summary>
    public bool? Tracing { get; init; }

    /// <summary>
    /// Create the account's API Gateway CloudWatch Logs role and setting (<c>AWS::ApiGateway::Account</c>),
    /// without which execution logging fails. The setting is one per account and region (a second one
    /// overwrites the first, and deleting its stack leaves the others without logging): with several APIs
    /// or environments, create one <see cref="ApiGatewayAccountLogging"/> in a long-lived stack and set this
    /// false everywhere. Two owners for one account and region in one app are rejected at synth.
    /// Default: true (a single API in its account works alone).
    /// </summary>
    public bool? CreateCloudWatchRole { get; init; }

    /// <summary>Also route every path (<c>ANY /{proxy+}</c>) to the backend, not only <c>GET /</c>. Default: false.</summary>
    public bool? Proxy { get; init; }

    /// <summary>
    /// Web application firewall on the stage (and so on its canary). Default: <see cref="WebFirewall.None"/>.
    /// <see cref="WebFirewall.AwsManagedRules"/> creates a REGIONAL WAFv2 web ACL with the AWS managed
    /// IP-reputation, common and known-bad-inputs rule groups and a per-IP rate-based rule (see
    /// <see cref="FirewallRateLimit"/>), associated with the stage, logging to an <c>aws-waf-logs-</c> log
    /// group kept a year, encrypted with its own KMS key, with the <c>Authorization</c> and <c>Cookie</c>
    /// headers redacted (about USD 6/month plus requests).
    /// </summary>
    public WebFirewall? Firewall { get; init; }

    /// <summary>
    /// Requests one client IP may send in five minutes before the web ACL blocks it, while its rate stays
    /// above the limit (10 to 2,000,000,000); only with <see cref="WebFirewall.AwsManagedRules"/>. The
    /// stage's own throttling (<see cref="ThrottlingRateLimit"/>) still caps all clients together.
    /// Default: 2000 (<see cref="Defaults.FirewallDefaults.RateLimitPer5Minutes"/>).
    /// </summary>
    public int? FirewallRateLimit { get; init; }

    /// <summary>
    /// ARN of an existing regional WAFv2 web ACL to associate with the stage (e.g. one shared by several
    /// APIs). Default: none. Rejected together with <see cref="WebFirewall.AwsManagedRules"/>.
    /// </summary>
    public string? WebAclArn { get; init; }

    /// <summary>
    /// Who may call the API's methods: <see cref="ApiAuthorization.Iam"/> (SigV4-signed requests of
    /// principals allowed <c>execute-api:Invoke</c>), <see cref="ApiAuthorization.WithAuthorizer"/> (a
    /// Cognito user pool or Lambda authorizer), or <see cref="ApiAuthorization.Public"/> (no authorization:
    /// anyone on the internet may call it). Required: a public API is a choice written down, never a
    /// default.
    /// </summary>
    public required ApiAuthorization Authorization { get; init; }
}
