using System.Text.Json.Nodes;
using Amazon.CDK;
using Amazon.CDK.Assertions;
using Infra.Constructs.Releases;
using Infra.Constructs.Serverless;

namespace Infra.Constructs.Tests.Serverless;

/// <summary>
/// CanaryRestApi with a release that runs itself: the canary's share and whether it was promoted are stack
/// parameters whose defaults are the promoted state; the template carries what tools/release reads.
/// </summary>
public sealed class CanaryRestApiReleaseTests
{
    private static readonly Lazy<(JsonObject Json, CanaryRestApi Api, string OriginalAlias, string CanaryAlias)> Built = new(() =>
    {
        var stack = ServerlessTestKit.NewStack();
        var (original, canary) = ServerlessTestKit.SampleFunctions(stack);
        var props = CanaryRestApiFixture.SampleProps(original, canary, CanaryRelease.None) with
        {
            Release = null,
            Progressive = new ProgressiveRelease { Id = "api-r1", Steps = [5, 50], Gates = new ReleaseGates { MaxP99 = Duration.Seconds(1) } },
        };
        var api = new CanaryRestApi(stack, "Api", props);
        api.AddReleaseAlarm(new Amazon.CDK.AWS.CloudWatch.Alarm(stack, "CanaryErrors", new Amazon.CDK.AWS.CloudWatch.AlarmProps
        {
            Metric = canary.Function.MetricErrors(),
            Threshold = 1,
            EvaluationPeriods = 1,
        }));
        string Id(VersionedFunction fn) => stack.GetLogicalId((CfnElement)fn.Alias.Node.DefaultChild!);
        return (Template.FromStack(stack).Json(), api, Id(original), Id(canary));
    });

    private static JsonObject Stage => Built.Value.Json.Single("AWS::ApiGateway::Stage");

    [Fact]
    public void The_parameters_default_to_the_promoted_canary()
    {
        var p = Built.Value.Json["Parameters"]!.AsObject();
        p["ApiCanaryPercent"]!["Type"]!.GetValue<string>().Should().Be("Number");
        p["ApiCanaryPercent"]!["Default"]!.GetValue<double>().Should().Be(0);
        p["ApiStageBackend"]!["Default"]!.GetValue<string>().Should().Be("canary");
        p["ApiStageBackend"]!["AllowedValues"]!.AsArray().Select(v => v!.GetValue<string>()).Should().Equal("canary", "original");
        p["ApiReleaseStatus"]!["Default"]!.GetValue<string>().Should().Be("done:api-r1");
    }

    [Fact]
    public void The_stage_serves_the_backend_its_parameter_names_so_a_new_declaration_moves_nothing()
    {
        // cdk deploy keeps ApiStageBackend's value: the backend live before the next release stays live until the driver promotes.
        Built.Value.Json["Conditions"]!["ApiStageServescanary0"]!.ToJsonString().Should().Be("""{"Fn::Equals":[{"Ref":"ApiStageBackend"},"canary"]}""");
        var variables = Stage["Variables"]!["Fn::If"]!.AsArray();
        variables[0]!.GetValue<string>().Should().Be("ApiStageServescanary0");
        variables[1]!["lambdaFunction"]!["Ref"]!.GetValue<string>().Should().Be(Built.Value.CanaryAlias);
        variables[1]!["mode"]!.GetValue<string>().Should().Be("canary", "the canary's own variables come with its backend");
        variables[2]!["lambdaFunction"]!["Ref"]!.GetValue<string>().Should().Be(Built.Value.OriginalAlias);
        variables[2]!["mode"]!.GetValue<string>().Should().Be("stable");
    }

    [Fact]
    public void The_canary_gets_the_percent_parameter_and_keeps_its_own_variables()
    {
        var canary = Stage["CanarySetting"]!.AsObject();
        canary["PercentTraffic"]!.ToJsonString().Should().Be("""{"Ref":"ApiCanaryPercent"}""");
        canary["StageVariableOverrides"]!["lambdaFunction"]!["Ref"]!.GetValue<string>().Should().Be(Built.Value.CanaryAlias);
        canary["UseStageCache"]!.GetValue<bool>().Should().BeTrue();
        Stage["Description"]!.GetValue<string>().Should().Be("Release api-r1: progressive (tools/release)");
    }

    [Fact]
    public void The_template_tells_tools_release_what_to_do()
    {
        var entry = Built.Value.Json["Metadata"]!["Infra::Releases"]!.AsArray().Single()!.AsObject();
        entry["kind"]!.GetValue<string>().Should().Be("api-canary");
        entry["steps"]!.AsArray().Select(s => s!.GetValue<double>()).Should().Equal(5, 50);
        entry["gates"]!["maxP99Seconds"]!.GetValue<double>().Should().Be(1);
        entry["parameters"]!.ToJsonString().Should().Be("""{"percent":"ApiCanaryPercent","stageBackend":"ApiStageBackend","status":"ApiReleaseStatus"}""");
        entry["final"]!.ToJsonString().Should().Be("""{"percent":0,"stageBackend":"canary","status":"done:api-r1"}""");
        entry["stage"]!.GetValue<string>().Should().Be(Built.Value.Api.StageName);
        var resources = Built.Value.Json["Resources"]!.AsObject();
        resources[entry["restApi"]!.GetValue<string>()]!["Type"]!.GetValue<string>().Should().Be("AWS::ApiGateway::RestApi");
        foreach (var side in new[] { "stable", "canary" })
            resources[entry[side]!["function"]!.GetValue<string>()]!["Type"]!.GetValue<string>().Should().Be("AWS::Lambda::Function", "Lambda publishes metrics per function");
        entry["stable"]!["function"]!.GetValue<string>().Should().StartWith("OriginalFunction");
        entry["canary"]!["function"]!.GetValue<string>().Should().StartWith("CanaryFunction");
        entry["canary"]!["alarms"]!.AsArray().Single()!.GetValue<string>().Should().StartWith("CanaryErrors");
    }

    [Fact]
    public void A_started_release_with_progressive_is_rejected()
    {
        var stack = ServerlessTestKit.NewStack();
        var (original, canary) = ServerlessTestKit.SampleFunctions(stack);
        var props = CanaryRestApiFixture.SampleProps(original, canary, CanaryRelease.Started(10)) with { Progressive = new ProgressiveRelease { Id = "r1" } };
        ServerlessTestKit.Rejects(() => _ = new CanaryRestApi(stack, "Api", props), "Test/Api", "CanaryRestApiProps.Release").Message.Should().Contain("with Progressive");
    }

    [Fact]
    public void Progressive_without_a_canary_is_rejected()
    {
        var stack = ServerlessTestKit.NewStack();
        var (original, canary) = ServerlessTestKit.SampleFunctions(stack);
        var props = CanaryRestApiFixture.SampleProps(original, canary, CanaryRelease.None) with { Canary = null, Release = null, Progressive = new ProgressiveRelease { Id = "r1" } };
        ServerlessTestKit.Rejects(() => _ = new CanaryRestApi(stack, "Api", props), "Test/Api", "CanaryRestApiProps.Canary").Message.Should().Contain("the release promotes it");
    }

    [Fact]
    public void A_progressive_canary_of_stage_variables_alone_is_rejected()
    {
        var stack = ServerlessTestKit.NewStack();
        var (original, canary) = ServerlessTestKit.SampleFunctions(stack);
        var props = CanaryRestApiFixture.SampleProps(original, canary, CanaryRelease.None) with
        {
            Release = null,
            Canary = new StageCanary { StageVariableOverrides = new Dictionary<string, string> { ["mode"] = "canary" } },
            Progressive = new ProgressiveRelease { Id = "r1" },
        };
        ServerlessTestKit.Rejects(() => _ = new CanaryRestApi(stack, "Api", props), "Test/Api", "CanaryRestApiProps.Canary.Backend")
            .Message.Should().Contain("a release promotes a backend");
    }
}
