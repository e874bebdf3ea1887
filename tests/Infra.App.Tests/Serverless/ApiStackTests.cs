using System.Text.Json;
using System.Text.Json.Nodes;
using Amazon.CDK;
using Amazon.CDK.Assertions;
using Infra.App.Config;
using Infra.App.Stacks;

namespace Infra.App.Tests.Serverless;

/// <summary>The <c>{Env}-Api</c> stacks of dev and prod, each synthesized once for the class.</summary>
public sealed class ApiStackFixture
{
    public (ApiStack Stack, JsonObject Json) Dev { get; } = Build(Environments.Dev);
    public (ApiStack Stack, JsonObject Json) Prod { get; } = Build(Environments.Prod);

    private static (ApiStack, JsonObject) Build(EnvironmentSettings settings)
    {
        var app = AppFactory.Create(validation: false);
        var stack = new ApiStack(app, $"{settings.Name}-Api", settings, new StackProps());
        return (stack, JsonNode.Parse(JsonSerializer.Serialize(Template.FromStack(stack).ToJSON()))!.AsObject());
    }
}

public sealed class ApiStackTests(ApiStackFixture f) : IClassFixture<ApiStackFixture>
{
    private static IEnumerable<JsonObject> Of(JsonObject t, string type) =>
        t["Resources"]!.AsObject().Where(r => r.Value!["Type"]!.GetValue<string>() == type).Select(r => r.Value!["Properties"]!.AsObject());

    [Fact]
    public void Reference_environment_adds_an_Api_stack_per_environment()
    {
        var app = AppFactory.Create(validation: false);
        var all = Environments.All.Values.ToList();
        var owner = new ApiGatewayAccountStack(app, ApiGatewayAccountStack.DefaultId, new StackProps());
        var stacks = all.Select(s => ReferenceEnvironment.Add(app, s, all, owner).Api).ToList();
        stacks.Select(s => s.StackName).Should().Equal("Dev-Api", "Prod-Api");
        stacks[1].TerminationProtection.Should().BeTrue();
        stacks.Should().OnlyContain(s => s.Dependencies.Contains(owner), "the logging role exists before any stage logs");
    }

    [Fact]
    public void Dev_stage_sends_its_configured_share_to_the_canary_function()
    {
        var stage = Of(f.Dev.Json, "AWS::ApiGateway::Stage").Single();
        stage["CanarySetting"]!["PercentTraffic"]!.GetValue<double>().Should().Be(10);
        stage["CanarySetting"]!["StageVariableOverrides"]!["lambdaFunction"]!.ToJsonString().Should().Contain("CanaryFunctionAlias");
        stage["Variables"]!["lambdaFunction"]!.ToJsonString().Should().Contain("OriginalFunctionAlias");
        f.Dev.Stack.Api.StageBackend.Should().Be("original");
    }

    [Fact]
    public void Prod_stage_has_a_cleared_canary_and_its_own_limits()
    {
        var stage = Of(f.Prod.Json, "AWS::ApiGateway::Stage").Single();
        stage["CanarySetting"]!["PercentTraffic"]!.GetValue<double>().Should().Be(0);
        JsonNode.DeepEquals(stage["CanarySetting"]!["StageVariableOverrides"], stage["Variables"]).Should().BeTrue();
        stage["MethodSettings"]![0]!["ThrottlingRateLimit"]!.GetValue<double>().Should().Be(500);
        stage["MethodSettings"]![0]!["ThrottlingBurstLimit"]!.GetValue<int>().Should().Be(1000);
        Of(f.Prod.Json, "AWS::Lambda::Function").Should().OnlyContain(fn => !fn.ContainsKey("ReservedConcurrentExecutions"),
            "no reservation: a new account's quota (10) could not keep 100 unreserved");
    }

    [Fact]
    public void Both_functions_run_the_sample_code_behind_shifted_aliases()
    {
        Of(f.Dev.Json, "AWS::Lambda::Function").Should().HaveCount(2).And.OnlyContain(fn => fn["Runtime"]!.GetValue<string>() == "nodejs24.x");
        Of(f.Dev.Json, "AWS::CodeDeploy::DeploymentGroup").Select(g => g["DeploymentConfigName"]!.ToJsonString())
            .Should().HaveCount(2).And.OnlyContain(c => c.Contains("LambdaAllAtOnce"));
        Of(f.Prod.Json, "AWS::CodeDeploy::DeploymentGroup").Select(g => g["DeploymentConfigName"]!.ToJsonString())
            .Should().HaveCount(2).And.OnlyContain(c => c.Contains("LambdaCanary10Percent5Minutes"));
    }

    [Fact]
    public void Outputs_name_the_url_and_the_release_step()
    {
        var outputs = f.Dev.Json["Outputs"]!.AsObject();
        outputs["Release"]!["Value"]!.GetValue<string>().Should().Be("Started(10%)");
        outputs["StageBackend"]!["Value"]!.GetValue<string>().Should().Be("original");
        outputs.ContainsKey("Url").Should().BeTrue();
    }

    [Fact]
    public void Prod_stage_is_behind_a_managed_rules_web_acl_and_dev_is_not()
    {
        Of(f.Prod.Json, "AWS::WAFv2::WebACL").Should().ContainSingle().Which["Scope"]!.GetValue<string>().Should().Be("REGIONAL");
        Of(f.Prod.Json, "AWS::WAFv2::WebACLAssociation").Single()["ResourceArn"]!.ToJsonString().Should().Contain("/stages/").And.Contain("ApiDeploymentStagelive");
        Of(f.Prod.Json, "AWS::WAFv2::LoggingConfiguration").Should().ContainSingle();
        Of(f.Dev.Json, "AWS::WAFv2::WebACL").Should().BeEmpty();
        Of(f.Dev.Json, "AWS::WAFv2::WebACLAssociation").Should().BeEmpty();
    }

    [Fact]
    public void Every_log_group_is_kept_a_year_and_encrypted_with_a_customer_managed_key()
    {
        foreach (var json in new[] { f.Dev.Json, f.Prod.Json })
        {
            var groups = Of(json, "AWS::Logs::LogGroup").ToList();
            groups.Should().HaveCountGreaterThanOrEqualTo(6, "two function groups and four API groups");
            groups.Should().OnlyContain(g => g["RetentionInDays"]!.GetValue<int>() >= 365);
            groups.Should().OnlyContain(g => g["KmsKeyId"]!.ToJsonString().Contains("Fn::GetAtt"));
        }
        Of(f.Dev.Json, "AWS::KMS::Key").Should().HaveCount(3, "one per function and one for the API's logs");
        Of(f.Prod.Json, "AWS::KMS::Key").Should().HaveCount(4, "and one for the WAF logs");
    }

    [Fact]
    public void No_function_reserves_concurrency_and_every_method_has_a_request_validator()
    {
        Of(f.Dev.Json, "AWS::Lambda::Function").Should().OnlyContain(fn => !fn.ContainsKey("ReservedConcurrentExecutions"));
        foreach (var json in new[] { f.Dev.Json, f.Prod.Json })
        {
            Of(json, "AWS::ApiGateway::RequestValidator").Should().ContainSingle();
            Of(json, "AWS::ApiGateway::Method").Should().OnlyContain(m => m.ContainsKey("RequestValidatorId"));
        }
    }

    [Fact]
    public void Lambda_folders_are_found_from_the_test_binaries() =>
        File.Exists(Path.Combine(ApiStack.LambdaFolder("original"), "index.mjs")).Should().BeTrue();
}
