using System.Text.Json.Nodes;
using Amazon.CDK;
using Amazon.CDK.Assertions;
using Constructs;
using Infra.Constructs.Serverless;

namespace Infra.Constructs.Tests.Serverless;

/// <summary>One stack with a deployment group per shift kind, synthesized once for the class.</summary>
public sealed class AliasDeploymentFixture
{
    public Stack Stack { get; }
    public Template Template { get; }
    public JsonObject Json { get; }
    public Dictionary<string, (VersionedFunction Fn, AliasDeployment Deployment)> Groups { get; } = new();
    public VersionedFunction PreHook { get; }
    public VersionedFunction PostHook { get; }
    public Amazon.CDK.AWS.SNS.Topic Alerts { get; }

    public AliasDeploymentFixture()
    {
        Stack = ServerlessTestKit.NewStack();
        PreHook = Fn("PreHookFn");
        PostHook = Fn("PostHookFn");
        Add("Default", null);
        Add("Linear10x1", TrafficShift.Linear(10, 1));
        Add("Canary25x15", TrafficShift.Canary(25, 15));
        Add("Linear20x3", TrafficShift.Linear(20, 3));
        Add("AllAtOnce", TrafficShift.AllAtOnce, hooks: true, maxErrors: 5);
        Alerts = new Amazon.CDK.AWS.SNS.Topic(Stack, "Alerts");
        Add("Notified", null, actions: [new Amazon.CDK.AWS.CloudWatch.Actions.SnsAction(Alerts)]);
        Template = Template.FromStack(Stack);
        Json = Template.Json();
    }

    private VersionedFunction Fn(string id) =>
        new(Stack, id, new VersionedFunctionProps { InlineCode = $"exports.handler = async () => ({{ body: '{id}' }});" });

    private void Add(string name, TrafficShift? shift, bool hooks = false, int? maxErrors = null, Amazon.CDK.AWS.CloudWatch.IAlarmAction[]? actions = null)
    {
        var fn = Fn(name + "Fn");
        Groups[name] = (fn, new AliasDeployment(Stack, name, new AliasDeploymentProps
        {
            Alias = fn.Alias,
            Shift = shift,
            MaxErrorsPerMinute = maxErrors,
            PreTrafficHook = hooks ? PreHook.Function : null,
            PostTrafficHook = hooks ? PostHook.Function : null,
            AlarmActions = actions,
        }));
    }

    public string Id(IConstruct c) => (string)Stack.Resolve(((CfnElement)c.Node.DefaultChild!).LogicalId);

    public JsonObject Resource(IConstruct c) => Json["Resources"]![Id(c)]!.AsObject();

    public JsonObject Group(string name) => Resource(Groups[name].Deployment.DeploymentGroup)["Properties"]!.AsObject();
}

public sealed class AliasDeploymentTests(AliasDeploymentFixture f) : IClassFixture<AliasDeploymentFixture>
{
    [Fact]
    public void ServiceRoles_MayBeAssumedOnlyForTheirApplicationsGroupsInThisAccount()
    {
        foreach (var (name, (_, deployment)) in f.Groups)
        {
            var statement = f.Resource(deployment.DeploymentGroup.Role)["Properties"]!["AssumeRolePolicyDocument"]!["Statement"]!.AsArray().Single()!;
            statement["Condition"]!["StringEquals"]!["aws:SourceAccount"]!.ToJsonString().Should().Be("{\"Ref\":\"AWS::AccountId\"}", name);
            Infra.Constructs.Tests.Support.TemplateExtensions.RenderText(statement["Condition"]!["ArnLike"]!["aws:SourceArn"]).Should()
                .StartWith("arn:${Ref:AWS::Partition}:codedeploy:${Ref:AWS::Region}:${Ref:AWS::AccountId}:deploymentgroup:${Ref:", name)
                .And.EndWith("}/*", name);
        }
    }

    private static string ConfigName(JsonObject group) => group["DeploymentConfigName"]!.ToJsonString();

    [Theory]
    [InlineData("Default", "CodeDeployDefault.LambdaCanary10Percent5Minutes")]
    [InlineData("Linear10x1", "CodeDeployDefault.LambdaLinear10PercentEvery1Minute")]
    [InlineData("AllAtOnce", "CodeDeployDefault.LambdaAllAtOnce")]
    public void Predefined_configs_are_used_where_they_match(string name, string config) =>
        ConfigName(f.Group(name)).Should().Contain(config);

    [Fact]
    public void Other_canary_values_get_a_custom_config()
    {
        var config = f.Resource((IConstruct)f.Groups["Canary25x15"].Deployment.Config);
        config["Type"]!.GetValue<string>().Should().Be("AWS::CodeDeploy::DeploymentConfig");
        var routing = config["Properties"]!["TrafficRoutingConfig"]!.AsObject();
        routing["Type"]!.GetValue<string>().Should().Be("TimeBasedCanary");
        routing["TimeBasedCanary"]!["CanaryPercentage"]!.GetValue<int>().Should().Be(25);
        routing["TimeBasedCanary"]!["CanaryInterval"]!.GetValue<int>().Should().Be(15);
        config["Properties"]!["ComputePlatform"]!.GetValue<string>().Should().Be("Lambda");
        ConfigName(f.Group("Canary25x15")).Should().Contain(f.Id((IConstruct)f.Groups["Canary25x15"].Deployment.Config));
    }

    [Fact]
    public void Other_linear_values_get_a_custom_config()
    {
        var routing = f.Resource((IConstruct)f.Groups["Linear20x3"].Deployment.Config)["Properties"]!["TrafficRoutingConfig"]!.AsObject();
        routing["Type"]!.GetValue<string>().Should().Be("TimeBasedLinear");
        routing["TimeBasedLinear"]!["LinearPercentage"]!.GetValue<int>().Should().Be(20);
        routing["TimeBasedLinear"]!["LinearInterval"]!.GetValue<int>().Should().Be(3);
    }

    [Fact]
    public void Alias_errors_alarm_rolls_back()
    {
        var deployment = f.Groups["Default"].Deployment;
        var alarm = f.Resource((IConstruct)deployment.Alarms[0])["Properties"]!.AsObject();
        alarm["MetricName"]!.GetValue<string>().Should().Be("Errors");
        alarm["Namespace"]!.GetValue<string>().Should().Be("AWS/Lambda");
        alarm["Statistic"]!.GetValue<string>().Should().Be("Sum");
        alarm["Period"]!.GetValue<int>().Should().Be(60);
        alarm["Threshold"]!.GetValue<double>().Should().Be(1);
        alarm["ComparisonOperator"]!.GetValue<string>().Should().Be("GreaterThanOrEqualToThreshold");
        alarm["Dimensions"]!.ToJsonString().Should().Contain("\"Resource\"").And.Contain(":live");

        var group = f.Group("Default");
        group["AlarmConfiguration"]!["Enabled"]!.GetValue<bool>().Should().BeTrue();
        group["AlarmConfiguration"]!["Alarms"]!.ToJsonString().Should().Contain(f.Id((IConstruct)deployment.Alarms[0]));
        group["AutoRollbackConfiguration"]!["Enabled"]!.GetValue<bool>().Should().BeTrue();
        group["AutoRollbackConfiguration"]!["Events"]!.AsArray().Select(e => e!.GetValue<string>())
            .Should().BeEquivalentTo("DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_REQUEST", "DEPLOYMENT_STOP_ON_ALARM");
        group["DeploymentStyle"]!["DeploymentType"]!.GetValue<string>().Should().Be("BLUE_GREEN");
    }

    [Fact]
    public void Alarm_actions_are_told_when_the_errors_alarm_fires_and_none_by_default()
    {
        var notified = f.Resource((IConstruct)f.Groups["Notified"].Deployment.Alarms[0])["Properties"]!.AsObject();
        JsonNode.DeepEquals(notified["AlarmActions"], new JsonArray(new JsonObject { ["Ref"] = f.Id(f.Alerts) }))
            .Should().BeTrue(notified.ToJsonString());
        f.Resource((IConstruct)f.Groups["Default"].Deployment.Alarms[0])["Properties"]!.AsObject()
            .ContainsKey("AlarmActions").Should().BeFalse("no actions unless given; the alarm still rolls back");
    }

    [Fact]
    public void Error_threshold_is_configurable()
    {
        f.Resource((IConstruct)f.Groups["AllAtOnce"].Deployment.Alarms[0])["Properties"]!["Threshold"]!.GetValue<double>().Should().Be(5);
    }

    [Fact]
    public void Alias_updates_go_through_CodeDeploy_with_the_hooks()
    {
        var alias = f.Resource(f.Groups["AllAtOnce"].Fn.Alias);
        var update = alias["UpdatePolicy"]!["CodeDeployLambdaAliasUpdate"]!.AsObject();
        update["DeploymentGroupName"]!.ToJsonString().Should().Contain(f.Id(f.Groups["AllAtOnce"].Deployment.DeploymentGroup));
        update["BeforeAllowTrafficHook"]!.ToJsonString().Should().Contain(f.Id(f.PreHook.Function));
        update["AfterAllowTrafficHook"]!.ToJsonString().Should().Contain(f.Id(f.PostHook.Function));
        f.Resource(f.Groups["Default"].Fn.Alias)["UpdatePolicy"]!["CodeDeployLambdaAliasUpdate"]!.AsObject()
            .ContainsKey("BeforeAllowTrafficHook").Should().BeFalse();
    }

    [Fact]
    public void Hooks_may_report_their_result_to_CodeDeploy()
    {
        f.Template.HasResourceProperties("AWS::IAM::Policy", new Dictionary<string, object>
        {
            ["PolicyDocument"] = Match.ObjectLike(new Dictionary<string, object>
            {
                ["Statement"] = Match.ArrayWith([Match.ObjectLike(new Dictionary<string, object> { ["Action"] = "codedeploy:PutLifecycleEventHookExecutionStatus" })]),
            }),
            ["Roles"] = Match.ArrayWith([new Dictionary<string, object> { ["Ref"] = f.Id(f.PreHook.Role) }]),
        });
    }
}

public sealed class AliasDeploymentValidationTests
{
    private const string Path = "Test/Shift";

    private static void Rejected(Func<VersionedFunction, VersionedFunction, AliasDeploymentProps> props, string property, string? allowedPart = null)
    {
        var stack = ServerlessTestKit.NewStack();
        var fn = new VersionedFunction(stack, "Fn", new VersionedFunctionProps { InlineCode = "exports.handler = async () => ({});" });
        var hook = new VersionedFunction(stack, "Hook", new VersionedFunctionProps { InlineCode = "exports.handler = async () => ({});" });
        var error = ServerlessTestKit.Rejects(() => _ = new AliasDeployment(stack, "Shift", props(fn, hook)), Path, $"AliasDeploymentProps.{property}");
        if (allowedPart is not null) error.Allowed.Should().Contain(allowedPart);
    }

    [Fact]
    public void Missing_alias_is_rejected() => Rejected((_, _) => new AliasDeploymentProps { Alias = null! }, "Alias", "required");

    [Theory]
    [InlineData(0)]
    [InlineData(100)]
    public void Canary_percent_outside_1_to_99_is_rejected(int percent) =>
        Rejected((fn, _) => new AliasDeploymentProps { Alias = fn.Alias, Shift = TrafficShift.Canary(percent, 5) }, "Shift.Percent", "from 1 to 99");

    [Fact]
    public void Linear_percent_outside_1_to_99_is_rejected() =>
        Rejected((fn, _) => new AliasDeploymentProps { Alias = fn.Alias, Shift = TrafficShift.Linear(150, 5) }, "Shift.Percent");

    [Theory]
    [InlineData(0)]
    [InlineData(2881)]
    public void Interval_outside_1_to_2880_minutes_is_rejected(int minutes) =>
        Rejected((fn, _) => new AliasDeploymentProps { Alias = fn.Alias, Shift = TrafficShift.Linear(10, minutes) }, "Shift.IntervalMinutes", "from 1 to 2880");

    [Fact]
    public void Zero_error_threshold_is_rejected() =>
        Rejected((fn, _) => new AliasDeploymentProps { Alias = fn.Alias, MaxErrorsPerMinute = 0 }, "MaxErrorsPerMinute", "from 1 to 100000");

    [Fact]
    public void Null_alarm_action_is_rejected() =>
        Rejected((fn, _) => new AliasDeploymentProps { Alias = fn.Alias, AlarmActions = [null!] }, "AlarmActions", "none of them null");

    [Fact]
    public void Same_function_for_both_hooks_is_rejected() =>
        Rejected((fn, hook) => new AliasDeploymentProps { Alias = fn.Alias, PreTrafficHook = hook.Function, PostTrafficHook = hook.Function }, "PostTrafficHook");
}
