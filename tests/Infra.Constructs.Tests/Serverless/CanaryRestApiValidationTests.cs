using Amazon.CDK;
using Amazon.CDK.AWS.APIGateway;
using Amazon.CDK.AWS.Lambda;
using Amazon.CDK.AWS.Logs;
using Infra.Constructs.Security;
using Infra.Constructs.Serverless;

namespace Infra.Constructs.Tests.Serverless;

/// <summary>Every bad prop is rejected before any resource exists, naming the construct path and the property (no synth needed).</summary>
public sealed class CanaryRestApiValidationTests
{
    private const string Path = "Test/Api";

    private static Dictionary<string, IFunction> Backends(Stack stack) => new()
    {
        ["original"] = Function.FromFunctionArn(stack, "Original", "arn:aws:lambda:eu-west-1:123456789012:function:sample-original:live"),
        ["canary"] = Function.FromFunctionArn(stack, "Canary", "arn:aws:lambda:eu-west-1:123456789012:function:sample-canary:live"),
    };

    /// <summary>Valid props with a started canary; each test breaks one thing.</summary>
    private static CanaryRestApiProps Valid(Stack stack) => new()
    {
        Backends = Backends(stack),
        StableBackend = "original",
        StageVariables = new Dictionary<string, string> { ["mode"] = "stable" },
        Canary = new StageCanary { Backend = "canary", StageVariableOverrides = new Dictionary<string, string> { ["mode"] = "canary" } },
        Release = CanaryRelease.Started(10),
        Authorization = ApiAuthorization.Iam,
    };

    private static void Rejected(Func<CanaryRestApiProps, CanaryRestApiProps> breakIt, string property, string? allowedPart = null)
    {
        var stack = ServerlessTestKit.NewStack();
        var props = breakIt(Valid(stack));
        var error = ServerlessTestKit.Rejects(() => _ = new CanaryRestApi(stack, "Api", props), Path, $"CanaryRestApiProps.{property}");
        if (allowedPart is not null) error.Allowed.Should().Contain(allowedPart);
    }

    [Fact]
    public void Valid_props_are_accepted()
    {
        var stack = ServerlessTestKit.NewStack();
        var act = () => new CanaryRestApi(stack, "Api", Valid(stack));
        act.Should().NotThrow();
    }

    [Fact]
    public void Percent_above_100_is_rejected() =>
        Rejected(p => p with { Release = CanaryRelease.Started(101) }, "Release.Percent", "from 0 to 100");

    [Fact]
    public void Negative_percent_is_rejected() =>
        Rejected(p => p with { Release = CanaryRelease.Started(-1) }, "Release.Percent", "from 0 to 100");

    [Fact]
    public void NaN_percent_is_rejected() =>
        Rejected(p => p with { Release = CanaryRelease.Started(double.NaN) }, "Release.Percent");

    [Fact]
    public void Override_of_a_variable_that_does_not_exist_is_rejected() =>
        Rejected(p => p with { Canary = p.Canary! with { StageVariableOverrides = new Dictionary<string, string> { ["nope"] = "x" } } },
            "Canary.StageVariableOverrides[nope]", "existing stage variables only: mode");

    [Fact]
    public void Override_of_the_backend_variable_is_rejected() =>
        Rejected(p => p with { Canary = p.Canary! with { StageVariableOverrides = new Dictionary<string, string> { ["lambdaFunction"] = "x" } } },
            "Canary.StageVariableOverrides[lambdaFunction]", "Canary.Backend");

    [Fact]
    public void Override_with_a_bad_value_is_rejected() =>
        Rejected(p => p with { Canary = p.Canary! with { StageVariableOverrides = new Dictionary<string, string> { ["mode"] = "has space" } } },
            "Canary.StageVariableOverrides[mode]");

    [Fact]
    public void Promote_with_no_canary_is_rejected() =>
        Rejected(p => p with { Release = CanaryRelease.Promoted, Canary = null }, "Canary", "nothing to promote");

    [Fact]
    public void Promote_of_a_canary_identical_to_the_stage_is_rejected() =>
        Rejected(p => p with { Release = CanaryRelease.Promoted, Canary = new StageCanary { Backend = "original", StageVariableOverrides = new Dictionary<string, string> { ["mode"] = "stable" } } },
            "Canary", "nothing to promote");

    [Fact]
    public void Roll_back_with_no_canary_is_rejected() =>
        Rejected(p => p with { Release = CanaryRelease.RolledBack, Canary = null }, "Canary", "nothing to roll back");

    [Fact]
    public void Start_of_a_canary_identical_to_the_stage_is_rejected() =>
        Rejected(p => p with { Canary = new StageCanary() }, "Canary", "exactly what the stage runs");

    [Fact]
    public void Unknown_canary_backend_is_rejected() =>
        Rejected(p => p with { Canary = p.Canary! with { Backend = "v3" } }, "Canary.Backend", "original, canary");

    [Fact]
    public void Canary_use_of_a_stage_cache_that_does_not_exist_is_rejected() =>
        Rejected(p => p with { Canary = p.Canary! with { UseStageCache = true } }, "Canary.UseStageCache", "CacheClusterSizeGb");

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    [InlineData(10001)]
    [InlineData(double.NaN)]
    public void Bad_throttling_rate_is_rejected(double rate) =>
        Rejected(p => p with { ThrottlingRateLimit = rate }, "ThrottlingRateLimit", "greater than 0");

    [Theory]
    [InlineData(0)]
    [InlineData(5001)]
    public void Bad_throttling_burst_is_rejected(int burst) =>
        Rejected(p => p with { ThrottlingBurstLimit = burst }, "ThrottlingBurstLimit", "from 1 to 5000");

    [Theory]
    [InlineData("prod stage")]
    [InlineData("")]
    [InlineData("v1.0")]
    public void Bad_stage_name_is_rejected(string name) =>
        Rejected(p => p with { StageName = name }, "StageName", "letters, digits, - and _");

    [Fact]
    public void Too_long_stage_name_is_rejected() =>
        Rejected(p => p with { StageName = new string('s', 129) }, "StageName");

    [Fact]
    public void Bad_api_name_is_rejected() =>
        Rejected(p => p with { ApiName = "api/with/slashes" }, "ApiName");

    [Fact]
    public void Missing_backends_are_rejected() =>
        Rejected(p => p with { Backends = null! }, "Backends", "required");

    [Fact]
    public void Empty_backends_are_rejected() =>
        Rejected(p => p with { Backends = new Dictionary<string, IFunction>() }, "Backends", "at least one");

    [Fact]
    public void Bad_backend_key_is_rejected() =>
        Rejected(p => p with { Backends = new Dictionary<string, IFunction>(p.Backends!) { ["bad key"] = p.Backends!["original"] } }, "Backends");

    [Fact]
    public void Unknown_stable_backend_is_rejected() =>
        Rejected(p => p with { StableBackend = "v0" }, "StableBackend", "original, canary");

    [Fact]
    public void Missing_stable_backend_with_several_backends_is_rejected() =>
        Rejected(p => p with { StableBackend = null }, "StableBackend", "required with several backends");

    [Fact]
    public void Bad_backend_variable_name_is_rejected() =>
        Rejected(p => p with { BackendVariable = "lambda-function" }, "BackendVariable");

    [Fact]
    public void Bad_stage_variable_name_is_rejected() =>
        Rejected(p => p with { StageVariables = new Dictionary<string, string> { ["mode"] = "stable", ["bad-name"] = "x" } }, "StageVariables");

    [Fact]
    public void Bad_stage_variable_value_is_rejected() =>
        Rejected(p => p with { StageVariables = new Dictionary<string, string> { ["mode"] = "st\"able" } }, "StageVariables[mode]");

    [Fact]
    public void Stage_variable_named_like_the_backend_variable_is_rejected() =>
        Rejected(p => p with { StageVariables = new Dictionary<string, string> { ["mode"] = "stable", ["lambdaFunction"] = "x" } }, "StageVariables[lambdaFunction]", "StableBackend");

    [Fact]
    public void Bad_cache_size_is_rejected() =>
        Rejected(p => p with { CacheClusterSizeGb = "2" }, "CacheClusterSizeGb", "0.5, 1.6");

    [Fact]
    public void Cache_ttl_without_a_cache_is_rejected() =>
        Rejected(p => p with { CacheTtl = Amazon.CDK.Duration.Seconds(60) }, "CacheTtl", "unset unless");

    [Fact]
    public void Cache_ttl_out_of_range_is_rejected() =>
        Rejected(p => p with { CacheClusterSizeGb = "0.5", CacheTtl = Amazon.CDK.Duration.Seconds(3601) }, "CacheTtl", "from 0 to 3600");

    [Fact]
    public void Logs_that_never_expire_are_rejected() =>
        Rejected(p => p with { LogRetention = RetentionDays.INFINITE }, "LogRetention", "other than INFINITE");

    [Fact]
    public void Undefined_log_level_is_rejected() =>
        Rejected(p => p with { ExecutionLogLevel = (MethodLoggingLevel)42 }, "ExecutionLogLevel", "OFF, ERROR or INFO");

    [Fact]
    public void Unknown_firewall_is_rejected() =>
        Rejected(p => p with { Firewall = (WebFirewall)9 }, "Firewall", "None or AwsManagedRules");

    [Fact]
    public void Malformed_web_acl_arn_is_rejected() =>
        Rejected(p => p with { WebAclArn = "arn:aws:wafv2:eu-west-1:123456789012:global/webacl/x/0a1b" }, "WebAclArn", "regional WAFv2 web ACL ARN");

    [Fact]
    public void Web_acl_arn_together_with_managed_rules_is_rejected() =>
        Rejected(p => p with { Firewall = WebFirewall.AwsManagedRules, WebAclArn = CanaryRestApiFixture.ExistingAclArn }, "WebAclArn", "unset when Firewall is AwsManagedRules");

    [Fact]
    public void Unset_authorization_is_rejected_naming_the_choices()
    {
        var stack = ServerlessTestKit.NewStack();
        var props = Valid(stack) with { Authorization = null! };
        var error = ServerlessTestKit.Rejects(() => _ = new CanaryRestApi(stack, "Api", props), Path, "CanaryRestApiProps.Authorization");
        error.Message.Should().Contain("(not set)");
        error.Allowed.Should().Contain("ApiAuthorization.Iam").And.Contain("ApiAuthorization.WithAuthorizer").And.Contain("ApiAuthorization.Public").And.Contain("no default");
    }

    [Fact]
    public void An_authorizer_choice_without_an_authorizer_is_rejected() =>
        Rejected(p => p with { Authorization = ApiAuthorization.WithAuthorizer(null!) }, "Authorization.Authorizer", "CognitoUserPoolsAuthorizer");

    [Fact]
    public void A_lambda_authorizer_sets_custom_authorization()
    {
        var stack = ServerlessTestKit.NewStack();
        var authorizer = new TokenAuthorizer(stack, "Authorizer", new TokenAuthorizerProps
        {
            Handler = Function.FromFunctionArn(stack, "AuthFn", "arn:aws:lambda:eu-west-1:123456789012:function:authorizer"),
        });
        var api = new CanaryRestApi(stack, "Api", Valid(stack) with { Authorization = ApiAuthorization.WithAuthorizer(authorizer) });
        api.Authorization.IsPublic.Should().BeFalse();
        Amazon.CDK.Assertions.Template.FromStack(stack).HasResourceProperties("AWS::ApiGateway::Method", new Dictionary<string, object> { ["AuthorizationType"] = "CUSTOM" });
    }

    [Theory]
    [InlineData(9)]
    [InlineData(2_000_000_001)]
    public void Firewall_rate_limit_outside_wafs_limits_is_rejected(int limit) =>
        Rejected(p => p with { Firewall = WebFirewall.AwsManagedRules, FirewallRateLimit = limit }, "FirewallRateLimit", "from 10 to 2000000000");

    [Fact]
    public void Firewall_rate_limit_without_the_managed_rules_firewall_is_rejected() =>
        Rejected(p => p with { WebAclArn = CanaryRestApiFixture.ExistingAclArn, FirewallRateLimit = 100 }, "FirewallRateLimit", "unset unless Firewall is AwsManagedRules");

    [Fact]
    public void Message_names_path_property_value_and_what_is_allowed()
    {
        var stack = ServerlessTestKit.NewStack();
        var act = () => new CanaryRestApi(stack, "Api", Valid(stack) with { Release = CanaryRelease.Started(150) });
        act.Should().Throw<Infra.Constructs.Validation.InvalidPropException>()
            .WithMessage("Test/Api: invalid CanaryRestApiProps.Release.Percent = 150. Allowed: a number from 0 to 100*");
    }
}
