using System.Text.Json.Nodes;
using Amazon.CDK;
using Amazon.CDK.Assertions;
using Amazon.CDK.AWS.APIGateway;
using Amazon.CDK.AWS.Cognito;
using Amazon.CDK.AWS.Lambda;
using Infra.Constructs.Security;
using Infra.Constructs.Serverless;

namespace Infra.Constructs.Tests.Serverless;

/// <summary>One synthesized stack per release phase, built once for the whole test class.</summary>
public sealed class CanaryRestApiFixture
{
    /// <summary>A stack with the full sample: two backends, a stage variable the canary overrides, a cache.</summary>
    public sealed record Built(Stack Stack, CanaryRestApi Api, Template Template, JsonObject Json, string OriginalAlias, string CanaryAlias)
    {
        public JsonObject Stage => Json.Single("AWS::ApiGateway::Stage");
        public JsonObject CanarySetting => Stage["CanarySetting"]!.AsObject();
        public JsonObject Variables => Stage["Variables"]!.AsObject();
        public JsonObject Overrides => CanarySetting["StageVariableOverrides"]!.AsObject();
        public string DeploymentId => Json.Of("AWS::ApiGateway::Deployment").Single().Id;
    }

    public static CanaryRestApiProps SampleProps(VersionedFunction original, VersionedFunction canary, CanaryRelease release) => new()
    {
        Backends = new Dictionary<string, IFunction> { ["original"] = original.Alias, ["canary"] = canary.Alias },
        StableBackend = "original",
        StageVariables = new Dictionary<string, string> { ["greeting"] = "hello", ["mode"] = "stable" },
        Canary = new StageCanary { Backend = "canary", StageVariableOverrides = new Dictionary<string, string> { ["mode"] = "canary" }, UseStageCache = true },
        Release = release,
        CacheClusterSizeGb = "0.5",
        CacheTtl = Amazon.CDK.Duration.Seconds(60),
        ThrottlingRateLimit = 50,
        ThrottlingBurstLimit = 80,
        Proxy = true,
        Authorization = ApiAuthorization.Public,
    };

    public Built Started { get; } = Build(CanaryRelease.Started(10));
    public Built Promoted { get; } = Build(CanaryRelease.Promoted);
    public Built RolledBack { get; } = Build(CanaryRelease.RolledBack);
    public Built Defaults { get; } = Build(null);
    /// <summary>The full sample with the managed-rules firewall and IAM authorization.</summary>
    public Built Secured { get; } = Build(CanaryRelease.Started(10), (_, p) => p with { Firewall = WebFirewall.AwsManagedRules, FirewallRateLimit = 500, Authorization = ApiAuthorization.Iam });
    /// <summary>One backend, a Cognito user pool authorizer and an existing web ACL given by ARN.</summary>
    public Built External { get; } = Build(null, (stack, p) => p with
    {
        Authorization = ApiAuthorization.WithAuthorizer(new CognitoUserPoolsAuthorizer(stack, "Authorizer", new CognitoUserPoolsAuthorizerProps { CognitoUserPools = [new UserPool(stack, "Users")] })),
        WebAclArn = ExistingAclArn,
    });

    public const string ExistingAclArn = "arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/shared/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d";

    private static Built Build(CanaryRelease? release, Func<Stack, CanaryRestApiProps, CanaryRestApiProps>? adjust = null)
    {
        var stack = ServerlessTestKit.NewStack();
        var (original, canary) = ServerlessTestKit.SampleFunctions(stack);
        var props = release is null
            ? new CanaryRestApiProps { Backends = new Dictionary<string, IFunction> { ["original"] = original.Alias }, Authorization = ApiAuthorization.Public }
            : SampleProps(original, canary, release);
        if (adjust is not null) props = adjust(stack, props);
        var api = new CanaryRestApi(stack, "Api", props);
        var template = Template.FromStack(stack);
        string Id(VersionedFunction f) => stack.GetLogicalId((CfnElement)f.Alias.Node.DefaultChild!);
        return new Built(stack, api, template, template.Json(), Id(original), Id(canary));
    }
}

public sealed class CanaryRestApiTests(CanaryRestApiFixture f) : IClassFixture<CanaryRestApiFixture>
{
    private static JsonNode Ref(string id) => new JsonObject { ["Ref"] = id };

    [Fact]
    public void Started_canary_gets_its_percent_of_traffic()
    {
        f.Started.CanarySetting["PercentTraffic"]!.GetValue<double>().Should().Be(10);
        f.Started.Api.Release.Should().Be(CanaryRelease.Started(10));
    }

    [Fact]
    public void Started_canary_calls_the_canary_alias_with_its_overrides_and_every_other_variable()
    {
        JsonNode.DeepEquals(f.Started.Overrides, new JsonObject
        {
            ["greeting"] = "hello",
            ["mode"] = "canary",
            ["lambdaFunction"] = Ref(f.Started.CanaryAlias),
        }).Should().BeTrue(f.Started.Overrides.ToJsonString());
    }

    [Fact]
    public void Started_stage_keeps_calling_the_original_alias()
    {
        JsonNode.DeepEquals(f.Started.Variables, new JsonObject
        {
            ["greeting"] = "hello",
            ["mode"] = "stable",
            ["lambdaFunction"] = Ref(f.Started.OriginalAlias),
        }).Should().BeTrue(f.Started.Variables.ToJsonString());
        f.Started.Api.StageBackend.Should().Be("original");
    }

    [Fact]
    public void Canary_and_stage_serve_the_same_deployment()
    {
        foreach (var b in new[] { f.Started, f.Promoted, f.RolledBack, f.Defaults })
        {
            JsonNode.DeepEquals(b.Stage["DeploymentId"], Ref(b.DeploymentId)).Should().BeTrue();
            JsonNode.DeepEquals(b.CanarySetting["DeploymentId"], Ref(b.DeploymentId)).Should().BeTrue();
        }
    }

    [Fact]
    public void Started_canary_uses_the_stage_cache_when_asked()
    {
        f.Started.CanarySetting["UseStageCache"]!.GetValue<bool>().Should().BeTrue();
        f.Started.Stage["CacheClusterEnabled"]!.GetValue<bool>().Should().BeTrue();
        f.Started.Stage["CacheClusterSize"]!.GetValue<string>().Should().Be("0.5");
        f.Started.Template.HasResourceProperties("AWS::ApiGateway::Stage", new Dictionary<string, object>
        {
            ["MethodSettings"] = Match.ArrayWith([Match.ObjectLike(new Dictionary<string, object>
            {
                ["HttpMethod"] = "*", ["ResourcePath"] = "/*", ["CachingEnabled"] = true, ["CacheTtlInSeconds"] = 60, ["CacheDataEncrypted"] = true,
            })]),
        });
    }

    [Fact]
    public void Promoted_stage_takes_the_canary_backend_and_variables()
    {
        JsonNode.DeepEquals(f.Promoted.Variables, new JsonObject
        {
            ["greeting"] = "hello",
            ["mode"] = "canary",
            ["lambdaFunction"] = Ref(f.Promoted.CanaryAlias),
        }).Should().BeTrue(f.Promoted.Variables.ToJsonString());
        f.Promoted.Api.StageBackend.Should().Be("canary");
    }

    [Theory]
    [InlineData("Promoted")]
    [InlineData("RolledBack")]
    [InlineData("Defaults")]
    public void Outside_Started_the_canary_is_cleared_not_removed(string which)
    {
        var b = which switch { "Promoted" => f.Promoted, "RolledBack" => f.RolledBack, _ => f.Defaults };
        // Present with an explicit 0 %: removing the property would leave the old canary in AWS.
        b.Stage.ContainsKey("CanarySetting").Should().BeTrue();
        b.CanarySetting["PercentTraffic"]!.GetValue<double>().Should().Be(0);
        b.CanarySetting["UseStageCache"]!.GetValue<bool>().Should().BeFalse();
        // Every variable overridden with the stage's own value: no stale override can differ.
        JsonNode.DeepEquals(b.Overrides, b.Variables).Should().BeTrue($"{b.Overrides.ToJsonString()} vs {b.Variables.ToJsonString()}");
    }

    [Fact]
    public void RolledBack_stage_keeps_the_original_backend_and_variables()
    {
        JsonNode.DeepEquals(f.RolledBack.Variables, f.Started.Variables).Should().BeTrue();
        f.RolledBack.Api.StageBackend.Should().Be("original");
    }

    [Fact]
    public void Stage_description_names_the_release()
    {
        f.Started.Stage["Description"]!.GetValue<string>().Should().Be("Release: Started(10%)");
        f.Promoted.Stage["Description"]!.GetValue<string>().Should().Be("Release: Promoted");
        f.RolledBack.Stage["Description"]!.GetValue<string>().Should().Be("Release: RolledBack");
        f.Defaults.Stage["Description"]!.GetValue<string>().Should().Be("Release: None");
    }

    [Fact]
    public void Integration_finds_its_lambda_through_the_stage_variable()
    {
        var uri = new Capture();
        f.Started.Template.HasResourceProperties("AWS::ApiGateway::Method", new Dictionary<string, object>
        {
            ["HttpMethod"] = "GET",
            ["AuthorizationType"] = "NONE",
            ["Integration"] = new Dictionary<string, object> { ["Type"] = "AWS_PROXY", ["IntegrationHttpMethod"] = "POST", ["Uri"] = uri },
        });
        System.Text.Json.JsonSerializer.Serialize(uri.AsObject()).Should().Contain(":lambda:path/2015-03-31/functions/${stageVariables.lambdaFunction}/invocations");
    }

    [Fact]
    public void Proxy_routes_every_path_and_default_serves_only_GET_root()
    {
        f.Started.Template.ResourceCountIs("AWS::ApiGateway::Method", 2);
        f.Started.Template.HasResourceProperties("AWS::ApiGateway::Resource", new Dictionary<string, object> { ["PathPart"] = "{proxy+}" });
        f.Started.Template.HasResourceProperties("AWS::ApiGateway::Method", new Dictionary<string, object> { ["HttpMethod"] = "ANY" });
        f.Defaults.Template.ResourceCountIs("AWS::ApiGateway::Method", 1);
        f.Defaults.Template.ResourceCountIs("AWS::ApiGateway::Resource", 0);
    }

    [Fact]
    public void Every_backend_may_be_invoked_by_this_stage_only()
    {
        var permissions = f.Started.Json.Of("AWS::Lambda::Permission");
        permissions.Should().HaveCount(4, "two backends, each for GET / and ANY /{proxy+}");
        foreach (var (_, p) in permissions)
        {
            p["Principal"]!.GetValue<string>().Should().Be("apigateway.amazonaws.com");
            p["Action"]!.GetValue<string>().Should().Be("lambda:InvokeFunction");
            p["SourceArn"]!.ToJsonString().Should().Contain("/live/");
        }
        permissions.Select(p => p.Props["FunctionName"]!.ToJsonString()).Distinct()
            .Should().BeEquivalentTo(Ref(f.Started.OriginalAlias).ToJsonString(), Ref(f.Started.CanaryAlias).ToJsonString());
        permissions.Select(p => p.Props["SourceArn"]!.ToJsonString()).Should().Contain(s => s.Contains("/live/GET/\"")).And.Contain(s => s.Contains("/live/*/*\""));
        f.Defaults.Json.Of("AWS::Lambda::Permission").Should().ContainSingle();
    }

    [Fact]
    public void Access_logs_are_JSON_in_a_log_group_with_retention()
    {
        var setting = f.Defaults.Stage["AccessLogSetting"]!.AsObject();
        setting["DestinationArn"]!.ToJsonString().Should().Contain("AccessLogs").And.Contain("Fn::GetAtt");
        var format = JsonNode.Parse(setting["Format"]!.GetValue<string>())!.AsObject();
        format["requestId"]!.GetValue<string>().Should().Be("$context.requestId");
        format["status"]!.GetValue<string>().Should().Be("$context.status");
        format["xrayTraceId"]!.GetValue<string>().Should().Be("$context.xrayTraceId");
        format["integrationLatency"]!.GetValue<string>().Should().Be("$context.integrationLatency");
    }

    [Fact]
    public void Stage_and_canary_log_groups_exist_with_retention_before_the_stage()
    {
        var groups = f.Defaults.Json.Of("AWS::Logs::LogGroup").Where(g => !g.Id.StartsWith("Original", StringComparison.Ordinal) && !g.Id.StartsWith("Canary" + "Logs", StringComparison.Ordinal)).ToList();
        groups.Where(g => g.Id.StartsWith("Api", StringComparison.Ordinal)).Should().HaveCount(4);
        foreach (var (_, g) in groups.Where(g => g.Id.StartsWith("Api", StringComparison.Ordinal)))
            g["RetentionInDays"]!.GetValue<int>().Should().Be(365);
        var names = groups.Select(g => g.Props["LogGroupName"]?.ToJsonString() ?? "").ToList();
        names.Should().Contain(n => n.Contains("API-Gateway-Execution-Logs_") && n.Contains("/live\""));
        names.Should().Contain(n => n.Contains("API-Gateway-Execution-Logs_") && n.Contains("/live/Canary\""));
        names.Should().Contain(n => n.Contains("AccessLogs") && n.Contains("/Canary\""));

        var stage = f.Defaults.Json["Resources"]!.AsObject().Single(r => r.Value!["Type"]!.GetValue<string>() == "AWS::ApiGateway::Stage").Value!;
        stage["DependsOn"]!.AsArray().Select(d => d!.GetValue<string>()).Should().Contain(d => d.StartsWith("ApiExecutionLogs", StringComparison.Ordinal))
            .And.Contain(d => d.StartsWith("ApiCanaryExecutionLogs", StringComparison.Ordinal))
            .And.Contain(d => d.StartsWith("ApiCanaryAccessLogs", StringComparison.Ordinal));
    }

    [Fact]
    public void Execution_logging_metrics_and_throttling_default_for_every_method()
    {
        f.Defaults.Template.HasResourceProperties("AWS::ApiGateway::Stage", new Dictionary<string, object>
        {
            ["StageName"] = "live",
            ["TracingEnabled"] = true,
            ["CacheClusterEnabled"] = false,
            ["MethodSettings"] = Match.ArrayWith([Match.ObjectLike(new Dictionary<string, object>
            {
                ["HttpMethod"] = "*", ["ResourcePath"] = "/*",
                ["LoggingLevel"] = "INFO", ["DataTraceEnabled"] = false, ["MetricsEnabled"] = true,
                ["ThrottlingRateLimit"] = 100, ["ThrottlingBurstLimit"] = 200, ["CachingEnabled"] = false,
            })]),
        });
        f.Defaults.CanarySetting["UseStageCache"]!.GetValue<bool>().Should().BeFalse();
    }

    [Fact]
    public void Throttling_is_configurable()
    {
        f.Started.Template.HasResourceProperties("AWS::ApiGateway::Stage", new Dictionary<string, object>
        {
            ["MethodSettings"] = Match.ArrayWith([Match.ObjectLike(new Dictionary<string, object> { ["ThrottlingRateLimit"] = 50, ["ThrottlingBurstLimit"] = 80 })]),
        });
    }

    [Fact]
    public void Api_is_regional_and_the_account_gets_its_logging_role()
    {
        f.Defaults.Template.HasResourceProperties("AWS::ApiGateway::RestApi", new Dictionary<string, object>
        {
            ["Name"] = "Test-Api",
            ["EndpointConfiguration"] = new Dictionary<string, object> { ["Types"] = new[] { "REGIONAL" } },
        });
        f.Defaults.Template.ResourceCountIs("AWS::ApiGateway::Account", 1);
    }

    [Fact]
    public void Url_points_at_the_stage()
    {
        f.Defaults.Stack.Resolve(f.Defaults.Api.Url).ToString().Should().NotBeNull();
        f.Defaults.Api.StageName.Should().Be("live");
    }

    [Fact]
    public void Access_and_execution_logs_are_encrypted_with_one_key_of_the_api()
    {
        var apiGroups = f.Defaults.Json.Of("AWS::Logs::LogGroup").Where(g => g.Id.StartsWith("Api", StringComparison.Ordinal)).ToList();
        apiGroups.Should().HaveCount(4);
        var keyId = f.Defaults.Stack.GetLogicalId((CfnElement)f.Defaults.Api.LogKey.Node.DefaultChild!);
        foreach (var (id, g) in apiGroups)
            JsonNode.DeepEquals(g["KmsKeyId"], new JsonObject { ["Fn::GetAtt"] = new JsonArray(keyId, "Arn") }).Should().BeTrue(id);
        var key = f.Defaults.Json["Resources"]![keyId]!.AsObject();
        key["Properties"]!["EnableKeyRotation"]!.GetValue<bool>().Should().BeTrue();
        key["Properties"]!["KeyPolicy"]!.ToJsonString().Should().Contain("CloudWatchLogsOfThisAccountAndRegion");
        f.Defaults.Json.Of("AWS::KMS::Key").Where(k => k.Id.StartsWith("Api", StringComparison.Ordinal)).Should().ContainSingle("one key per construct, not per log group");
    }

    [Fact]
    public void Every_method_uses_a_request_validator_for_parameters_and_bodies()
    {
        foreach (var b in new[] { f.Defaults, f.Started })
        {
            var validators = b.Json.Of("AWS::ApiGateway::RequestValidator");
            validators.Should().ContainSingle();
            validators[0].Props["ValidateRequestParameters"]!.GetValue<bool>().Should().BeTrue();
            validators[0].Props["ValidateRequestBody"]!.GetValue<bool>().Should().BeTrue();
            foreach (var (id, m) in b.Json.Of("AWS::ApiGateway::Method"))
                JsonNode.DeepEquals(m["RequestValidatorId"], new JsonObject { ["Ref"] = validators[0].Id }).Should().BeTrue(id);
        }
    }

    [Fact]
    public void No_firewall_by_default_and_public_only_when_asked()
    {
        f.Defaults.Template.ResourceCountIs("AWS::WAFv2::WebACL", 0);
        f.Defaults.Template.ResourceCountIs("AWS::WAFv2::WebACLAssociation", 0);
        f.Defaults.Api.WebAcl.Should().BeNull();
        f.Defaults.Api.Authorization.Should().BeSameAs(ApiAuthorization.Public);
        f.Defaults.Api.Authorization.IsPublic.Should().BeTrue();
        f.Defaults.Json.Of("AWS::ApiGateway::Method").Should().OnlyContain(m => m.Props["AuthorizationType"]!.GetValue<string>() == "NONE");
    }

    [Fact]
    public void Managed_rules_firewall_is_a_regional_web_acl_on_the_stage()
    {
        var acl = f.Secured.Json.Single("AWS::WAFv2::WebACL");
        acl["Scope"]!.GetValue<string>().Should().Be("REGIONAL");
        acl["DefaultAction"]!.AsObject().ContainsKey("Allow").Should().BeTrue();
        acl["Rules"]!.AsArray().Select(r => r!["Name"]!.GetValue<string>())
            .Should().Equal("RateLimitPerIp", "AWSManagedRulesAmazonIpReputationList", "AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet");
        acl["Rules"]!.AsArray().Select(r => r!["Priority"]!.GetValue<int>()).Should().Equal(0, 1, 2, 3);
        acl["Description"]!.GetValue<string>().Should().Be("AWS managed rules in front of the API stage live of Test/Api");

        var association = f.Secured.Json.Single("AWS::WAFv2::WebACLAssociation");
        var aclId = f.Secured.Json.Of("AWS::WAFv2::WebACL").Single().Id;
        JsonNode.DeepEquals(association["WebACLArn"], new JsonObject { ["Fn::GetAtt"] = new JsonArray(aclId, "Arn") }).Should().BeTrue();
        var stageId = f.Secured.Json.Of("AWS::ApiGateway::Stage").Single().Id;
        var apiId = f.Secured.Json.Of("AWS::ApiGateway::RestApi").Single().Id;
        var arn = association["ResourceArn"]!.ToJsonString();
        arn.Should().Contain(":apigateway:").And.Contain("::/restapis/").And.Contain("/stages/")
            .And.Contain($"{{\"Ref\":\"{apiId}\"}}").And.Contain($"{{\"Ref\":\"{stageId}\"}}");
    }

    [Fact]
    public void Managed_rules_firewall_logs_to_an_encrypted_waf_log_group_kept_a_year()
    {
        var logging = f.Secured.Json.Single("AWS::WAFv2::LoggingConfiguration");
        var group = f.Secured.Json.Of("AWS::Logs::LogGroup").Single(g => g.Id.StartsWith("ApiWebAclLogs", StringComparison.Ordinal));
        logging["LogDestinationConfigs"]!.ToJsonString().Should().Contain(group.Id);
        group.Props["LogGroupName"]!.GetValue<string>().Should().StartWith("aws-waf-logs-");
        group.Props["RetentionInDays"]!.GetValue<int>().Should().Be(365);
        group.Props["KmsKeyId"]!.ToJsonString().Should().Contain("ApiWebAclLogsKey");
    }

    [Fact]
    public void Managed_rules_firewall_blocks_an_ip_above_the_given_rate()
    {
        var rule = f.Secured.Json.Single("AWS::WAFv2::WebACL")["Rules"]!.AsArray()[0]!.AsObject();
        JsonNode.DeepEquals(rule, JsonNode.Parse("""
            {"Name":"RateLimitPerIp","Priority":0,"Action":{"Block":{}},
             "Statement":{"RateBasedStatement":{"AggregateKeyType":"IP","Limit":500,"EvaluationWindowSec":300}},
             "VisibilityConfig":{"CloudWatchMetricsEnabled":true,"MetricName":"RateLimitPerIp","SampledRequestsEnabled":true}}
            """)).Should().BeTrue(rule.ToJsonString());
    }

    [Fact]
    public void Managed_rules_firewall_logs_redact_authorization_and_cookie_headers()
    {
        var logging = f.Secured.Json.Single("AWS::WAFv2::LoggingConfiguration");
        JsonNode.DeepEquals(logging["RedactedFields"], JsonNode.Parse("""
            [{"SingleHeader":{"Name":"authorization"}},{"SingleHeader":{"Name":"cookie"}}]
            """)).Should().BeTrue(logging.ToJsonString());
    }

    [Fact]
    public void IAM_authorization_applies_to_every_method()
    {
        var methods = f.Secured.Json.Of("AWS::ApiGateway::Method");
        methods.Should().HaveCount(2);
        methods.Should().OnlyContain(m => m.Props["AuthorizationType"]!.GetValue<string>() == "AWS_IAM");
    }

    [Fact]
    public void An_authorizer_sets_its_type_on_every_method()
    {
        var authorizer = f.External.Json.Of("AWS::ApiGateway::Authorizer").Single();
        authorizer.Props["Type"]!.GetValue<string>().Should().Be("COGNITO_USER_POOLS");
        var method = f.External.Json.Single("AWS::ApiGateway::Method");
        method["AuthorizationType"]!.GetValue<string>().Should().Be("COGNITO_USER_POOLS");
        JsonNode.DeepEquals(method["AuthorizerId"], new JsonObject { ["Ref"] = authorizer.Id }).Should().BeTrue(method.ToJsonString());
    }

    [Fact]
    public void An_existing_web_acl_is_associated_by_arn()
    {
        f.External.Template.ResourceCountIs("AWS::WAFv2::WebACL", 0);
        f.External.Json.Single("AWS::WAFv2::WebACLAssociation")["WebACLArn"]!.GetValue<string>().Should().Be(CanaryRestApiFixture.ExistingAclArn);
    }
}
