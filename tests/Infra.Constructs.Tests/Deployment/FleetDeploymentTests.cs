using System.Text.Json.Nodes;
using Amazon.CDK;
using Amazon.CDK.Assertions;
using Amazon.CDK.AWS.CloudWatch;
using Amazon.CDK.AWS.CodeDeploy;
using Infra.Constructs.Compute;
using Infra.Constructs.Deployment;
using Infra.Constructs.Monitoring;
using Infra.Constructs.Tests.Support;

namespace Infra.Constructs.Tests.Deployment;

public class FleetDeploymentTests(FleetDeploymentTests.Fixture f) : IClassFixture<FleetDeploymentTests.Fixture>
{
    /// <summary>What every deployment needs: a routed fleet (4 servers at most), an application and a revision bucket.</summary>
    public sealed record Pieces(WebFleet Fleet, IServerApplication Application, RevisionBucket Revisions)
    {
        public static Pieces In(Stack stack) => new(FleetFactory.Routed(stack), new ServerApplication(stack, "App"), new RevisionBucket(stack, "Revisions"));

        /// <summary>Without the load balancer: enough for props that are rejected before the alarms are made.</summary>
        public static Pieces Unrouted(Stack stack) => new(new WebFleet(stack, "Fleet", FleetFactory.Props(stack)), new ServerApplication(stack, "App"), new RevisionBucket(stack, "Revisions"));
    }

    public sealed class Fixture
    {
        /// <summary>Only the required props.</summary>
        public Template Default { get; }
        public JsonObject DefaultJson { get; }
        public FleetDeployment DefaultDeployment { get; }
        /// <summary>
        /// One fleet with a deployment per other option: Tuned (half at a time, given alarms with their own
        /// thresholds, an extra alarm added twice and one of its own alarms added again), AllAtOnce,
        /// CustomCount (3 healthy hosts) and CustomPercent (75% healthy), all on the same fleet alarms.
        /// </summary>
        public Template Options { get; }
        public JsonObject OptionsJson { get; }
        public FleetDeployment Tuned { get; }

        public Fixture()
        {
            FleetDeployment? deployment = null, tuned = null;
            Default = TestStacks.Synth(s =>
            {
                var p = Pieces.In(s);
                deployment = new FleetDeployment(s, "Deployment", new FleetDeploymentProps { Fleet = p.Fleet, Application = p.Application, Revisions = p.Revisions });
            });
            DefaultDeployment = deployment!;
            DefaultJson = Default.Json();
            Options = TestStacks.Synth(s =>
            {
                var p = Pieces.In(s);
                var extra = new Alarm(s, "ExtraAlarm", new AlarmProps { Metric = new Metric(new MetricProps { Namespace = "App", MetricName = "Errors" }), Threshold = 1, EvaluationPeriods = 1 });
                var alarms = new FleetAlarms(s, "TunedAlarms", new FleetAlarmsProps
                {
                    Fleet = p.Fleet,
                    Thresholds = new AlarmThresholds { Max5xxPercent = 2.5, MaxUnhealthyHosts = 2, MaxP99Latency = Amazon.CDK.Duration.Millis(750) },
                });
                tuned = new FleetDeployment(s, "Tuned", new FleetDeploymentProps
                {
                    Fleet = p.Fleet,
                    Application = p.Application,
                    Revisions = p.Revisions,
                    Config = RollingConfig.HalfAtATime,
                    Alarms = alarms,
                });
                tuned.AddAlarm(extra);
                tuned.AddAlarm(extra);
                tuned.AddAlarm(alarms.Target5xxRate);
                // More groups on the same fleet share the tuned group's alarms (the fleet's refresh takes at most 10).
                new FleetDeployment(s, "AllAtOnce", new FleetDeploymentProps { Fleet = p.Fleet, Application = p.Application, Revisions = p.Revisions, Config = RollingConfig.AllAtOnce, Alarms = tuned.FleetAlarms });
                new FleetDeployment(s, "CustomCount", new FleetDeploymentProps { Fleet = p.Fleet, Application = p.Application, Revisions = p.Revisions, Config = RollingConfig.Custom, MinimumHealthyHosts = 3, Alarms = tuned.FleetAlarms });
                new FleetDeployment(s, "CustomPercent", new FleetDeploymentProps
                {
                    Fleet = p.Fleet,
                    Application = p.Application,
                    Revisions = p.Revisions,
                    Alarms = tuned.FleetAlarms,
                    Config = RollingConfig.Custom,
                    MinimumHealthyHosts = 75,
                    MinimumHealthyHostsArePercent = true,
                });
            });
            Tuned = tuned!;
            OptionsJson = Options.Json();
        }
    }

    [Fact]
    public void ServiceRole_MayBeAssumedOnlyForThisApplicationsGroupsInThisAccount()
    {
        var roleId = (string)Amazon.CDK.Stack.Of(f.DefaultDeployment).Resolve(((Amazon.CDK.CfnElement)f.DefaultDeployment.DeploymentGroup.Role!.Node.DefaultChild!).LogicalId);
        var role = f.DefaultJson["Resources"]![roleId]!["Properties"]!;
        var statement = role["AssumeRolePolicyDocument"]!["Statement"]!.AsArray().Single()!;
        statement["Principal"]!["Service"]!.GetValue<string>().Should().Be("codedeploy.amazonaws.com");
        statement["Condition"]!["StringEquals"]!["aws:SourceAccount"]!.ToJsonString().Should().Be("{\"Ref\":\"AWS::AccountId\"}");
        TemplateExtensions.RenderText(statement["Condition"]!["ArnLike"]!["aws:SourceArn"]).Should()
            .MatchRegex(@"^arn:\$\{Ref:AWS::Partition\}:codedeploy:\$\{Ref:AWS::Region\}:\$\{Ref:AWS::AccountId\}:deploymentgroup:\$\{Ref:App[0-9A-F]+\}/\*$");
        // AWS documents no narrower action set for EC2/Auto Scaling deployments: the managed policy stays (docs/security.md).
        role["ManagedPolicyArns"]!.ToJsonString().Should().Contain("service-role/AWSCodeDeployRole");
    }

    [Fact]
    public void Alarms_AlsoStopTheFleetsInstanceRefresh()
    {
        var alarms = f.DefaultJson.FullResourcesOf("AWS::AutoScaling::AutoScalingGroup").Single().Resource["UpdatePolicy"]!["AutoScalingInstanceRefresh"]!["Preferences"]!["AlarmSpecification"]!["Alarms"]!
            .AsArray().Select(a => a!["Ref"]!.GetValue<string>());
        alarms.Should().BeEquivalentTo(f.DefaultJson.ResourcesOf("AWS::CloudWatch::Alarm").Select(a => a.Id), "a bad image rolls back on the alarms that roll back a bad revision");
        var shared = f.OptionsJson.FullResourcesOf("AWS::AutoScaling::AutoScalingGroup").Single().Resource["UpdatePolicy"]!["AutoScalingInstanceRefresh"]!["Preferences"]!["AlarmSpecification"]!["Alarms"]!.AsArray();
        shared.Should().HaveCount(4, "the tuned group's three alarms and the extra one, each once though four groups use them");
    }

    private static Dictionary<string, object> Ref(string logicalIdPrefix) => new() { ["Ref"] = Match.StringLikeRegexp($"^{logicalIdPrefix}") };

    /// <summary>The deployment group of the deployment <paramref name="id"/>.</summary>
    private static JsonObject GroupOf(JsonObject template, string id) =>
        template.ResourcesOf("AWS::CodeDeploy::DeploymentGroup").Single(r => r.Id.StartsWith($"{id}Group", StringComparison.Ordinal)).Props;

    [Fact]
    public void Group_DeploysInPlaceToTheFleetsGroupBehindItsTargetGroup()
    {
        f.Default.ResourceCountIs("AWS::CodeDeploy::DeploymentGroup", 1);
        f.Default.HasResourceProperties("AWS::CodeDeploy::DeploymentGroup", new Dictionary<string, object>
        {
            ["ApplicationName"] = Ref("App"),
            ["AutoScalingGroups"] = new object[] { Ref("FleetGroupASG") },
            ["LoadBalancerInfo"] = new Dictionary<string, object>
            {
                ["TargetGroupInfoList"] = new object[] { new Dictionary<string, object> { ["Name"] = new Dictionary<string, object> { ["Fn::GetAtt"] = new object[] { Match.StringLikeRegexp("^FleetTargetGroup"), "TargetGroupName" } } } },
            },
            ["DeploymentStyle"] = new Dictionary<string, object> { ["DeploymentOption"] = "WITH_TRAFFIC_CONTROL" },
            ["ServiceRoleArn"] = Match.AnyValue(),
        });
    }

    [Fact]
    public void Group_RollsBackOnFailureOnStopAndOnAlarm() =>
        f.Default.HasResourceProperties("AWS::CodeDeploy::DeploymentGroup", new Dictionary<string, object>
        {
            ["AutoRollbackConfiguration"] = new Dictionary<string, object>
            {
                ["Enabled"] = true,
                ["Events"] = new object[] { "DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_REQUEST", "DEPLOYMENT_STOP_ON_ALARM" },
            },
        });

    [Fact]
    public void Group_StopsOnItsThreeAlarms()
    {
        f.Default.HasResourceProperties("AWS::CodeDeploy::DeploymentGroup", new Dictionary<string, object>
        {
            ["AlarmConfiguration"] = new Dictionary<string, object>
            {
                ["Enabled"] = true,
                ["Alarms"] = new object[]
                {
                    new Dictionary<string, object> { ["Name"] = Ref("DeploymentAlarmsTarget5xxRate") },
                    new Dictionary<string, object> { ["Name"] = Ref("DeploymentAlarmsUnhealthyHosts") },
                    new Dictionary<string, object> { ["Name"] = Ref("DeploymentAlarmsP99Latency") },
                },
            },
        });
        f.Default.ResourceCountIs("AWS::CloudWatch::Alarm", 3);
        f.DefaultDeployment.Alarms.Should().Equal(f.DefaultDeployment.FleetAlarms.All, "built here when none are given");
        f.DefaultDeployment.FleetAlarms.Node.Path.Should().Be("Test/Deployment/Alarms");
    }

    [Fact]
    public void Default_UpdatesOneServerAtATime()
    {
        f.Default.HasResourceProperties("AWS::CodeDeploy::DeploymentGroup", new Dictionary<string, object> { ["DeploymentConfigName"] = "CodeDeployDefault.OneAtATime" });
        f.Default.ResourceCountIs("AWS::CodeDeploy::DeploymentConfig", 0);
    }

    [Fact]
    public void Default_5xxAlarmFiresAboveFivePercentOfAtLeastTenRequestsInOneMinute() =>
        f.Default.HasResourceProperties("AWS::CloudWatch::Alarm", new Dictionary<string, object>
        {
            ["ComparisonOperator"] = "GreaterThanThreshold",
            ["Threshold"] = 5,
            ["EvaluationPeriods"] = 1,
            ["DatapointsToAlarm"] = 1,
            ["TreatMissingData"] = "notBreaching",
            ["Metrics"] = new object[]
            {
                Match.ObjectLike(new Dictionary<string, object> { ["Expression"] = "IF(requests >= 10, 100 * FILL(errors, 0) / requests, 0)", ["ReturnData"] = true }),
                Match.ObjectLike(new Dictionary<string, object>
                {
                    ["Id"] = "errors", ["ReturnData"] = false,
                    ["MetricStat"] = Match.ObjectLike(new Dictionary<string, object>
                    {
                        ["Metric"] = Match.ObjectLike(new Dictionary<string, object> { ["MetricName"] = "HTTPCode_Target_5XX_Count", ["Namespace"] = "AWS/ApplicationELB", ["Dimensions"] = Match.ArrayWith([Match.ObjectLike(new Dictionary<string, object> { ["Name"] = "TargetGroup" })]) }),
                        ["Period"] = 60, ["Stat"] = "Sum",
                    }),
                }),
                Match.ObjectLike(new Dictionary<string, object>
                {
                    ["Id"] = "requests", ["ReturnData"] = false,
                    ["MetricStat"] = Match.ObjectLike(new Dictionary<string, object>
                    {
                        ["Metric"] = Match.ObjectLike(new Dictionary<string, object> { ["MetricName"] = "RequestCount", ["Namespace"] = "AWS/ApplicationELB" }),
                        ["Period"] = 60, ["Stat"] = "Sum",
                    }),
                }),
            },
        });

    [Fact]
    public void Default_UnhealthyHostsAlarmFiresAtOneServerForTwoMinutes() =>
        f.Default.HasResourceProperties("AWS::CloudWatch::Alarm", new Dictionary<string, object>
        {
            ["MetricName"] = "UnHealthyHostCount",
            ["Namespace"] = "AWS/ApplicationELB",
            ["Statistic"] = "Maximum",
            ["Period"] = 60,
            ["ComparisonOperator"] = "GreaterThanOrEqualToThreshold",
            ["Threshold"] = 1,
            ["EvaluationPeriods"] = 2,
            ["DatapointsToAlarm"] = 2,
            ["TreatMissingData"] = "notBreaching",
            ["Dimensions"] = Match.ArrayWith([new Dictionary<string, object>
            {
                ["Name"] = "TargetGroup",
                ["Value"] = new Dictionary<string, object> { ["Fn::GetAtt"] = new object[] { Match.StringLikeRegexp("^FleetTargetGroup"), "TargetGroupFullName" } },
            }]),
        });

    [Fact]
    public void Default_LatencyAlarmFiresAboveTwoSecondsP99ForThreeMinutes() =>
        f.Default.HasResourceProperties("AWS::CloudWatch::Alarm", new Dictionary<string, object>
        {
            ["MetricName"] = "TargetResponseTime",
            ["Namespace"] = "AWS/ApplicationELB",
            ["ExtendedStatistic"] = "p99",
            ["Period"] = 60,
            ["ComparisonOperator"] = "GreaterThanThreshold",
            ["Threshold"] = 2,
            ["EvaluationPeriods"] = 3,
            ["DatapointsToAlarm"] = 3,
            ["TreatMissingData"] = "notBreaching",
        });

    [Fact]
    public void Alarms_TreatMissingDataAsNotBreachingAndNameTheFleet()
    {
        var alarms = f.DefaultJson.ResourcesOf("AWS::CloudWatch::Alarm");
        alarms.Should().HaveCount(3).And.OnlyContain(a => a.Props["TreatMissingData"]!.GetValue<string>() == "notBreaching");
        alarms.Select(a => a.Props["AlarmDescription"]!.GetValue<string>()).Should().OnlyContain(d => d.StartsWith("Test/Fleet: "));
    }

    [Fact]
    public void Thresholds_AreSetOnTheGivenFleetAlarms()
    {
        foreach (var (id, threshold) in new (string, double)[] { ("TunedAlarmsTarget5xxRate", 2.5), ("TunedAlarmsUnhealthyHosts", 2), ("TunedAlarmsP99Latency", 0.75) })
        {
            var alarm = f.OptionsJson.ResourcesOf("AWS::CloudWatch::Alarm").Single(a => a.Id.StartsWith(id, StringComparison.Ordinal)).Props;
            alarm["Threshold"]!.GetValue<double>().Should().Be(threshold, id);
        }
        f.OptionsJson.ResourcesOf("AWS::CloudWatch::Alarm").Single(a => a.Id.StartsWith("TunedAlarmsTarget5xxRate", StringComparison.Ordinal)).Props["AlarmDescription"]!
            .GetValue<string>().Should().Contain("more than 2.5% of requests");
    }

    [Fact]
    public void AddAlarm_AppendsToTheFleetsThreeOnceEach()
    {
        GroupOf(f.OptionsJson, "Tuned")["AlarmConfiguration"]!["Alarms"]!.AsArray().Select(a => a!["Name"]!["Ref"]!.GetValue<string>())
            .Should().SatisfyRespectively(
                a => a.Should().StartWith("TunedAlarmsTarget5xxRate"),
                a => a.Should().StartWith("TunedAlarmsUnhealthyHosts"),
                a => a.Should().StartWith("TunedAlarmsP99Latency"),
                a => a.Should().StartWith("ExtraAlarm"));
        f.Tuned.Alarms.Should().HaveCount(4, "an alarm added again is kept once");
        GroupOf(f.OptionsJson, "AllAtOnce")["AlarmConfiguration"]!["Alarms"]!.AsArray().Should().HaveCount(3, "the extra alarm was added to Tuned only");
        f.Options.ResourceCountIs("AWS::CloudWatch::Alarm", 4);
    }

    [Fact]
    public void AddAlarm_TakesAtMostTenAlarms()
    {
        var stack = TestStacks.NewStack();
        var p = Pieces.In(stack);
        var deployment = new FleetDeployment(stack, "Deployment", new FleetDeploymentProps { Fleet = p.Fleet, Application = p.Application, Revisions = p.Revisions });
        Alarm Extra(int i) => new(stack, $"Extra{i}", new AlarmProps { Metric = new Metric(new MetricProps { Namespace = "App", MetricName = $"M{i}" }), Threshold = 1, EvaluationPeriods = 1 });
        for (var i = 0; i < FleetDeployment.MaxAlarms - 3; i++) deployment.AddAlarm(Extra(i));
        deployment.Alarms.Should().HaveCount(10);
        Rejections.Expect(() => deployment.AddAlarm(Extra(99)), "Test/Deployment", "alarm").Message
            .Should().Contain("Test/Extra99").And.Contain("at most 10 alarms");
        deployment.Alarms.Should().HaveCount(10);
    }

    [Fact]
    public void AddAlarm_RejectsNull()
    {
        var stack = TestStacks.NewStack();
        var p = Pieces.In(stack);
        var deployment = new FleetDeployment(stack, "Deployment", new FleetDeploymentProps { Fleet = p.Fleet, Application = p.Application, Revisions = p.Revisions });
        Rejections.Expect(() => deployment.AddAlarm(null!), "Test/Deployment", "alarm");
    }

    [Theory]
    [InlineData("Tuned", "CodeDeployDefault.HalfAtATime")]
    [InlineData("AllAtOnce", "CodeDeployDefault.AllAtOnce")]
    public void PresetConfigs_UseTheCodeDeployDefaults(string deployment, string config) =>
        GroupOf(f.OptionsJson, deployment)["DeploymentConfigName"]!.GetValue<string>().Should().Be(config);

    [Theory]
    [InlineData("CustomCount", "HOST_COUNT", 3)]
    [InlineData("CustomPercent", "FLEET_PERCENT", 75)]
    public void Custom_KeepsACountOrAPercentOfHostsHealthyInItsOwnConfig(string deployment, string type, int value)
    {
        var (configId, config) = f.OptionsJson.ResourcesOf("AWS::CodeDeploy::DeploymentConfig").Single(c => c.Id.StartsWith($"{deployment}Config", StringComparison.Ordinal));
        config["MinimumHealthyHosts"]!["Type"]!.GetValue<string>().Should().Be(type);
        config["MinimumHealthyHosts"]!["Value"]!.GetValue<int>().Should().Be(value);
        GroupOf(f.OptionsJson, deployment)["DeploymentConfigName"]!["Ref"]!.GetValue<string>().Should().Be(configId);
        f.Options.ResourceCountIs("AWS::CodeDeploy::DeploymentConfig", 2);
    }

    [Fact]
    public void FleetRole_MayReadTheRevisionsPrefixOnly()
    {
        var statements = f.DefaultJson.ResourcesOf("AWS::IAM::Policy")
            .Where(p => p.Props["Roles"]!.AsArray().Any(r => r!["Ref"]!.GetValue<string>().StartsWith("FleetInstanceRole", StringComparison.Ordinal)))
            .SelectMany(p => p.Props["PolicyDocument"]!["Statement"]!.AsArray())
            .Where(s => s!["Action"]!.ToJsonString().Contains("\"s3:"))
            .ToList();
        var read = statements.Should().ContainSingle().Subject!;
        read["Action"]!.AsArray().Select(a => a!.GetValue<string>()).Should().BeEquivalentTo(["s3:GetObject", "s3:GetObjectVersion"], "downloading a pinned revision needs nothing more");
        TemplateExtensions.RenderText(read["Resource"]).Should().EndWith("/revisions/*", "objects are readable under revisions/ only");
        var decrypt = f.DefaultJson.ResourcesOf("AWS::IAM::Policy")
            .SelectMany(p => p.Props["PolicyDocument"]!["Statement"]!.AsArray())
            .Where(s => s!["Action"]!.ToJsonString().Contains("kms:Decrypt")).ToList();
        decrypt.Should().NotBeEmpty("revisions are KMS-encrypted");
        decrypt.Should().OnlyContain(s => s!["Resource"]!.ToJsonString().Contains("RevisionsKey"), "decrypt with the revision key only");
        read["Resource"]!.ToJsonString().Should().Contain("RevisionsBucket");
    }

    public static TheoryData<string, Func<Pieces, FleetDeploymentProps>> BadProps => new()
    {
        { "Fleet", p => new() { Fleet = null!, Application = p.Application, Revisions = p.Revisions } },
        { "Application", p => new() { Fleet = p.Fleet, Application = null!, Revisions = p.Revisions } },
        { "Revisions", p => new() { Fleet = p.Fleet, Application = p.Application, Revisions = null! } },
        { "MinimumHealthyHosts", p => new() { Fleet = p.Fleet, Application = p.Application, Revisions = p.Revisions, Config = RollingConfig.Custom } },
        { "MinimumHealthyHosts", p => new() { Fleet = p.Fleet, Application = p.Application, Revisions = p.Revisions, Config = RollingConfig.Custom, MinimumHealthyHosts = 0, MinimumHealthyHostsArePercent = true } },
        { "MinimumHealthyHosts", p => new() { Fleet = p.Fleet, Application = p.Application, Revisions = p.Revisions, Config = RollingConfig.Custom, MinimumHealthyHosts = 100, MinimumHealthyHostsArePercent = true } },
        { "MinimumHealthyHosts", p => new() { Fleet = p.Fleet, Application = p.Application, Revisions = p.Revisions, Config = RollingConfig.Custom, MinimumHealthyHosts = 4 } },
        { "MinimumHealthyHosts", p => new() { Fleet = p.Fleet, Application = p.Application, Revisions = p.Revisions, Config = RollingConfig.Custom, MinimumHealthyHosts = -1 } },
        { "MinimumHealthyHosts", p => new() { Fleet = p.Fleet, Application = p.Application, Revisions = p.Revisions, MinimumHealthyHosts = 1 } },
        { "MinimumHealthyHosts", p => new() { Fleet = p.Fleet, Application = p.Application, Revisions = p.Revisions, Config = RollingConfig.AllAtOnce, MinimumHealthyHosts = 1 } },
        { "Config", p => new() { Fleet = p.Fleet, Application = p.Application, Revisions = p.Revisions, Config = (RollingConfig)9 } },
    };

    [Theory]
    [MemberData(nameof(BadProps))]
    public void RejectsBadProps(string property, Func<Pieces, FleetDeploymentProps> props)
    {
        var stack = TestStacks.NewStack();
        var p = Pieces.Unrouted(stack);
        Rejections.Expect(() => new FleetDeployment(stack, "Deployment", props(p)), "Test/Deployment", property);
    }
}
