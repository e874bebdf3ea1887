using System.Text.RegularExpressions;
using Amazon.CDK;
using Amazon.CDK.AWS.APIGateway;
using Amazon.CDK.AWS.Logs;
using Infra.Constructs.Defaults;
using Infra.Constructs.Security;
using Infra.Constructs.Validation;

namespace Infra.Constructs.Serverless;

/// <summary>
/// <see cref="CanaryRestApiProps"/> resolved: defaults applied from <see cref="ApiGatewayDefaults"/>, every value
/// checked and every error collected. <see cref="CanaryRestApi"/> resolves its props into this first and builds
/// from it; <see cref="Resolve"/> needs no construct tree.
/// </summary>
public sealed partial record CanaryRestApiSettings
{
    /// <summary>Name of the REST API.</summary>
    public required string ApiName { get; init; }

    /// <summary>Name of the stage.</summary>
    public required string StageName { get; init; }

    /// <summary>Key of the backend the stage calls.</summary>
    public required string StableBackend { get; init; }

    /// <summary>Key of the backend the canary calls (the stable one when the canary only changes variables).</summary>
    public required string CanaryBackend { get; init; }

    /// <summary>Stage variable holding the backend's ARN.</summary>
    public required string BackendVariable { get; init; }

    /// <summary>The stage's own variables (without the backend variable).</summary>
    public required IReadOnlyDictionary<string, string> StageVariables { get; init; }

    /// <summary>The canary's overrides of stage variables.</summary>
    public required IReadOnlyDictionary<string, string> CanaryOverrides { get; init; }

    /// <summary>Where the canary release stands.</summary>
    public required CanaryRelease Release { get; init; }

    /// <summary>The release that runs itself to promote the canary, or null.</summary>
    public Releases.ReleaseSettings? Progressive { get; init; }

    /// <summary>Requests per second the stage accepts.</summary>
    public required double ThrottlingRateLimit { get; init; }

    /// <summary>Burst the stage accepts.</summary>
    public required int ThrottlingBurstLimit { get; init; }

    /// <summary>Stage cache size in GB, or null for no cache.</summary>
    public string? CacheClusterSizeGb { get; init; }

    /// <summary>Seconds a cached response lives.</summary>
    public required int CacheTtlSeconds { get; init; }

    /// <summary>The canary uses the stage cache.</summary>
    public required bool CanaryUsesStageCache { get; init; }

    /// <summary>Execution log level.</summary>
    public required MethodLoggingLevel ExecutionLogLevel { get; init; }

    /// <summary>Retention of the access and execution logs.</summary>
    public required RetentionDays LogRetention { get; init; }

    /// <summary>The firewall in front of the stage.</summary>
    public required WebFirewall Firewall { get; init; }

    /// <summary>Requests per client IP in five minutes for the library's web ACL.</summary>
    public required int FirewallRateLimit { get; init; }

    /// <summary>Who may call the API.</summary>
    public required ApiAuthorization Authorization { get; init; }

    /// <summary>
    /// Applies the defaults and checks <paramref name="props"/>, collecting every error in <paramref name="check"/>
    /// (the caller throws them together with <see cref="PropChecks.ThrowIfAny"/>). <paramref name="defaultApiName"/>
    /// names the API when <see cref="CanaryRestApiProps.ApiName"/> is unset (the construct path, '/' as '-').
    /// </summary>
    public static CanaryRestApiSettings Resolve(CanaryRestApiProps props, PropChecks check, string defaultApiName)
    {
        ArgumentNullException.ThrowIfNull(props);
        ArgumentNullException.ThrowIfNull(check);
        var apiName = props.ApiName ?? defaultApiName;
        check.Matches(nameof(props.ApiName), apiName, ApiNamePattern(), "1-128 letters, digits, spaces and -_.");
        var stageName = props.StageName ?? ApiGatewayDefaults.StageName;
        check.Matches(nameof(props.StageName), stageName, StageNamePattern(), "1-128 letters, digits, - and _");

        // Without backends nothing below can be checked sensibly: stop here.
        var backends = check.Required(nameof(props.Backends), props.Backends);
        if (backends.Count == 0)
            throw check.Fail(nameof(props.Backends), backends.Keys, "at least one Lambda alias or version, by key");
        foreach (var (key, fn) in backends)
        {
            check.Matches(nameof(props.Backends), key, KeyPattern(), "keys of 1-64 letters, digits, - and _");
            if (fn is null) check.Reject($"{nameof(props.Backends)}[{key}]", null, "a Lambda alias or version");
        }
        var first = backends.Keys.First();
        string Backend(string property, string key)
        {
            if (backends.ContainsKey(key)) return key;
            check.Reject(property, key, $"a key of Backends: {string.Join(", ", backends.Keys)}");
            return first;
        }
        string stable;
        if (props.StableBackend is { } sb) stable = Backend(nameof(props.StableBackend), sb);
        else if (backends.Count == 1) stable = first;
        else
        {
            check.Reject(nameof(props.StableBackend), null, $"a key of Backends ({string.Join(", ", backends.Keys)}); required with several backends");
            stable = first;
        }

        var backendVariable = props.BackendVariable ?? ApiGatewayDefaults.BackendVariable;
        check.Matches(nameof(props.BackendVariable), backendVariable, VariableNamePattern(), "1-64 letters, digits and _");
        var variables = props.StageVariables ?? new Dictionary<string, string>();
        foreach (var (name, value) in variables)
        {
            check.Matches(nameof(props.StageVariables), name, VariableNamePattern(), "names of 1-64 letters, digits and _");
            CheckValue(check, $"{nameof(props.StageVariables)}[{name}]", value);
        }
        if (variables.ContainsKey(backendVariable))
            check.Reject($"{nameof(props.StageVariables)}[{backendVariable}]", variables[backendVariable], $"no entry: {backendVariable} is the BackendVariable, set through StableBackend and Canary.Backend");

        var release = props.Release ?? CanaryRelease.None;
        if (!Enum.IsDefined(release.Phase))
            check.Reject(nameof(props.Release), release, "None, Started(percent), Promoted or RolledBack");
        if (release.Phase == CanaryPhase.Started)
            check.InRange($"{nameof(props.Release)}.{nameof(CanaryRelease.Percent)}", release.Percent, 0, 100);

        var canary = props.Canary;
        if (canary is null && release.Phase != CanaryPhase.None)
            check.Reject(nameof(props.Canary), null, $"a StageCanary when Release is {release}: {Nothing(release.Phase)}");
        var canaryBackend = canary?.Backend is { } cb ? Backend($"{nameof(props.Canary)}.{nameof(StageCanary.Backend)}", cb) : stable;
        var overrides = canary?.StageVariableOverrides ?? new Dictionary<string, string>();
        var overridesKnown = true;
        foreach (var (name, value) in overrides)
        {
            var property = $"{nameof(props.Canary)}.{nameof(StageCanary.StageVariableOverrides)}[{name}]";
            if (name == backendVariable)
            {
                check.Reject(property, value, $"no entry for {backendVariable}: the canary's function is chosen with Canary.Backend");
                overridesKnown = false;
            }
            else if (!variables.ContainsKey(name))
            {
                check.Reject(property, value, variables.Count == 0
                    ? "overrides of existing stage variables only, and StageVariables is empty"
                    : $"overrides of existing stage variables only: {string.Join(", ", variables.Keys)}");
                overridesKnown = false;
            }
            CheckValue(check, property, value);
        }
        var differs = canaryBackend != stable || !overridesKnown || overrides.Any(o => variables[o.Key] != o.Value);
        if (canary is not null && release.Phase != CanaryPhase.None && !differs)
            check.Reject(nameof(props.Canary), "(same backend and stage variables as the stage)",
                $"a canary whose Backend or StageVariableOverrides differ from the stage's when Release is {release}: {Nothing(release.Phase)}");

        var progressive = Releases.ReleaseSettings.Resolve(props.Progressive, check, nameof(props.Progressive),
            new Releases.ReleaseSettings.StepRules(ReleaseDefaults.ApiSteps, WholePercents: false, EndsAtAll: false));
        if (progressive is not null)
        {
            if (props.Release is { Phase: not (CanaryPhase.None or CanaryPhase.Promoted) })
                check.Reject(nameof(props.Release), props.Release, "unset, None or Promoted with Progressive (the release's steps set the canary's share)");
            if (canary is null)
                check.Reject(nameof(props.Canary), null, "a StageCanary with Progressive: the release promotes it");
            else if (canaryBackend == stable)
                // The stage's backend is a parameter naming a backend (what is live stays live across declarations),
                // so a release promotes a backend: a canary of stage variables alone has nothing to name.
                check.Reject($"{nameof(props.Canary)}.{nameof(StageCanary.Backend)}", canaryBackend, $"a backend other than StableBackend ({stable}) with Progressive: a release promotes a backend");
        }

        var rate = props.ThrottlingRateLimit ?? ApiGatewayDefaults.ThrottlingRateLimit;
        if (double.IsNaN(rate) || rate <= 0 || rate > ApiGatewayDefaults.MaxThrottlingRateLimit)
            check.Reject(nameof(props.ThrottlingRateLimit), rate, $"requests per second greater than 0 and at most {ApiGatewayDefaults.MaxThrottlingRateLimit} (API Gateway's account limit)");
        var burst = props.ThrottlingBurstLimit ?? ApiGatewayDefaults.ThrottlingBurstLimit;
        check.InRange(nameof(props.ThrottlingBurstLimit), burst, 1, ApiGatewayDefaults.MaxThrottlingBurstLimit);

        var cacheSize = props.CacheClusterSizeGb;
        if (cacheSize is not null && !CanaryRestApi.CacheSizes.Contains(cacheSize))
            check.Reject(nameof(props.CacheClusterSizeGb), cacheSize, string.Join(", ", CanaryRestApi.CacheSizes));
        if (props.CacheTtl is not null && cacheSize is null)
            check.Reject(nameof(props.CacheTtl), props.CacheTtl.ToHumanString(), "unset unless CacheClusterSizeGb turns the stage cache on");
        var cacheTtl = check.Seconds(nameof(props.CacheTtl), props.CacheTtl, 0, 3600) ?? ApiGatewayDefaults.CacheTtlSeconds;
        var useStageCache = canary?.UseStageCache ?? false;
        if (useStageCache && cacheSize is null)
            check.Reject($"{nameof(props.Canary)}.{nameof(StageCanary.UseStageCache)}", true, "false unless CacheClusterSizeGb turns the stage cache on");

        var logLevel = props.ExecutionLogLevel ?? ApiGatewayDefaults.ExecutionLogLevel;
        if (!Enum.IsDefined(logLevel))
            check.Reject(nameof(props.ExecutionLogLevel), logLevel, "OFF, ERROR or INFO");
        var retention = props.LogRetention ?? ApiGatewayDefaults.LogRetention;
        if (!Enum.IsDefined(retention) || retention == RetentionDays.INFINITE)
            check.Reject(nameof(props.LogRetention), retention, "a RetentionDays value other than INFINITE (logs must expire)");

        var firewall = props.Firewall ?? WebFirewall.None;
        if (!Enum.IsDefined(firewall))
            check.Reject(nameof(props.Firewall), firewall, "None or AwsManagedRules");
        var rateLimit = ManagedRulesWebAcl.RateLimit(check, nameof(props.FirewallRateLimit), props.FirewallRateLimit, firewall == WebFirewall.AwsManagedRules);
        if (props.WebAclArn is { } givenAcl && !Token.IsUnresolved(givenAcl))
            check.Matches(nameof(props.WebAclArn), givenAcl, ManagedRulesWebAcl.RegionalArnPattern(), ManagedRulesWebAcl.RegionalArnDescription);
        if (firewall == WebFirewall.AwsManagedRules && props.WebAclArn is not null)
            check.Reject(nameof(props.WebAclArn), props.WebAclArn, "unset when Firewall is AwsManagedRules (one web ACL per stage)");

        var auth = props.Authorization
            ?? throw check.Fail(nameof(props.Authorization), null,
                "ApiAuthorization.Iam (SigV4-signed callers), ApiAuthorization.WithAuthorizer(authorizer) (Cognito or Lambda) or ApiAuthorization.Public (anyone on the internet may call it); there is no default");
        if (auth.Name == "WithAuthorizer" && auth.Authorizer is null)
            check.Reject($"{nameof(props.Authorization)}.{nameof(ApiAuthorization.Authorizer)}", null, "an authorizer: a CognitoUserPoolsAuthorizer, TokenAuthorizer or RequestAuthorizer");

        return new CanaryRestApiSettings
        {
            ApiName = apiName,
            StageName = stageName,
            StableBackend = stable,
            CanaryBackend = canaryBackend,
            BackendVariable = backendVariable,
            StageVariables = variables,
            CanaryOverrides = overrides,
            Release = release,
            Progressive = progressive,
            ThrottlingRateLimit = rate,
            ThrottlingBurstLimit = burst,
            CacheClusterSizeGb = cacheSize,
            CacheTtlSeconds = cacheTtl,
            CanaryUsesStageCache = useStageCache,
            ExecutionLogLevel = logLevel,
            LogRetention = retention,
            Firewall = firewall,
            FirewallRateLimit = rateLimit,
            Authorization = auth,
        };
    }

    private static string Nothing(CanaryPhase phase) => phase switch
    {
        CanaryPhase.Promoted => "there is nothing to promote",
        CanaryPhase.RolledBack => "there is nothing to roll back",
        _ => "the canary would run exactly what the stage runs",
    };

    private static void CheckValue(PropChecks check, string property, string? value)
    {
        if (value is null)
        {
            check.Reject(property, null, "a value of 1-512 letters, digits and -._~:/?#&=,");
            return;
        }
        if (!Token.IsUnresolved(value))
            check.Matches(property, value, VariableValuePattern(), "a value of 1-512 letters, digits and -._~:/?#&=,");
    }

    [GeneratedRegex(@"^[A-Za-z0-9 _.\-]{1,128}$")]
    private static partial Regex ApiNamePattern();

    [GeneratedRegex(@"^[A-Za-z0-9_\-]{1,128}$")]
    private static partial Regex StageNamePattern();

    [GeneratedRegex(@"^[A-Za-z0-9_\-]{1,64}$")]
    private static partial Regex KeyPattern();

    [GeneratedRegex(@"^[A-Za-z0-9_]{1,64}$")]
    private static partial Regex VariableNamePattern();

    [GeneratedRegex(@"^[A-Za-z0-9\-._~:/?#&=,]{1,512}$")]
    private static partial Regex VariableValuePattern();
}
