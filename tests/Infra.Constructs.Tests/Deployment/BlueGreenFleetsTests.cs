using System.Text.Json.Nodes;
using Amazon.CDK.Assertions;
using Infra.Constructs.Compute;
using Infra.Constructs.Deployment;
using Infra.Constructs.LoadBalancing;
using Infra.Constructs.Tests.Support;

namespace Infra.Constructs.Tests.Deployment;

public class BlueGreenFleetsTests(BlueGreenFleetsTests.Fixture f) : IClassFixture<BlueGreenFleetsTests.Fixture>
{
    private const string GreenAmi = "ami-0123456789abcdef0";

    /// <summary>Shared fleet settings a real service has: a pinned desired capacity, a schedule, a rolling update with a minimum.</summary>
    private static WebFleetProps Shared(WebFleetProps props) => props with
    {
        DesiredCapacity = 3,
        UpdateStrategy = FleetUpdateStrategy.RollingUpdate,
        RollingMinInService = 1,
        Schedules = [new FleetSchedule { Name = "morning", Cron = "0 7 * * MON-FRI", MinCapacity = 3 }],
    };

    public sealed class Fixture
    {
        /// <summary>The default plan (all to blue, green warm); blue on a bigger type, green on its own AMI.</summary>
        public Template Default { get; }
        public JsonObject DefaultJson { get; }
        /// <summary>Flipped to green, blue scaled to zero.</summary>
        public Template Flipped { get; }
        public JsonObject FlippedJson { get; }
        public BlueGreenFleets FlippedFleets { get; }
        /// <summary>Blue active, 10% canary to green, idle scale-to-zero, clients sticky for an hour.</summary>
        public Template Canary { get; }
        public JsonObject CanaryJson { get; }
        /// <summary>Blue active with a 100% canary to green, idle warm.</summary>
        public Template FullCanary { get; }
        public JsonObject FullCanaryJson { get; }

        public Fixture()
        {
            Default = TestStacks.Synth(s => Build(s, new TrafficPlan(),
                blue: p => p with { InstanceType = "t3.medium" },
                green: p => p with { AmiId = GreenAmi }));
            DefaultJson = Default.Json();
            BlueGreenFleets? flipped = null;
            Flipped = TestStacks.Synth(s => flipped = Build(s, new TrafficPlan { ActiveColor = TrafficColor.Green, IdleCapacity = IdleCapacity.ScaleToZero }));
            FlippedFleets = flipped!;
            FlippedJson = Flipped.Json();
            Canary = TestStacks.Synth(s => Build(s, new TrafficPlan { CanaryPercent = 10, IdleCapacity = IdleCapacity.ScaleToZero, Stickiness = Amazon.CDK.Duration.Hours(1) }));
            CanaryJson = Canary.Json();
            FullCanary = TestStacks.Synth(s => Build(s, new TrafficPlan { CanaryPercent = 100, IdleCapacity = IdleCapacity.Warm }));
            FullCanaryJson = FullCanary.Json();
        }

        private static BlueGreenFleets Build(Amazon.CDK.Stack s, TrafficPlan plan, Func<WebFleetProps, WebFleetProps>? blue = null, Func<WebFleetProps, WebFleetProps>? green = null)
        {
            var (lb, props) = FleetFactory.PropsBehindLoadBalancer(s);
            return new BlueGreenFleets(s, "Fleets", new BlueGreenFleetsProps { LoadBalancer = lb, Fleet = Shared(props), Traffic = plan, Blue = blue, Green = green });
        }

        public Template Named(string name) => name switch
        {
            nameof(Default) => Default,
            nameof(Flipped) => Flipped,
            nameof(Canary) => Canary,
            nameof(FullCanary) => FullCanary,
            _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
        };
    }

    /// <summary>The one resource of <paramref name="type"/> in the fleet of <paramref name="color"/>.</summary>
    private static JsonObject Of(JsonObject template, string type, string color) =>
        template.FullResourcesOf(type).Single(r => r.Id.StartsWith($"Fleets{color}", StringComparison.Ordinal)).Resource;

    /// <summary>Resources of <paramref name="type"/> attached to the Auto Scaling group of <paramref name="color"/>.</summary>
    private static IEnumerable<JsonObject> OnGroupOf(JsonObject template, string type, string color) =>
        template.ResourcesOf(type).Select(r => r.Props)
            .Where(p => p["AutoScalingGroupName"]?["Ref"]?.GetValue<string>().StartsWith($"Fleets{color}Group", StringComparison.Ordinal) == true);

    [Fact]
    public void CreatesTwoFleetsEachWithItsOwnLaunchTemplateGroupAndTargetGroup()
    {
        f.Default.ResourceCountIs("AWS::EC2::LaunchTemplate", 2);
        f.Default.ResourceCountIs("AWS::AutoScaling::AutoScalingGroup", 2);
        f.Default.ResourceCountIs("AWS::ElasticLoadBalancingV2::TargetGroup", 2);
        foreach (var color in new[] { "Blue", "Green" })
        {
            var group = Of(f.DefaultJson, "AWS::AutoScaling::AutoScalingGroup", color)["Properties"]!;
            group["LaunchTemplate"]!["LaunchTemplateId"]!["Ref"]!.GetValue<string>().Should().StartWith($"Fleets{color}LaunchTemplate");
            group["TargetGroupARNs"]!.AsArray().Select(t => t!["Ref"]!.GetValue<string>()).Should().ContainSingle()
                .Which.Should().StartWith($"Fleets{color}TargetGroup");
        }
    }

    [Theory]
    [InlineData(nameof(Fixture.Default), 100, 0)]
    [InlineData(nameof(Fixture.Flipped), 0, 100)]
    [InlineData(nameof(Fixture.Canary), 90, 10)]
    [InlineData(nameof(Fixture.FullCanary), 0, 100)]
    public void ListenerRule_WeighsTheColorsByThePlan(string plan, int blue, int green)
    {
        var template = f.Named(plan);
        template.ResourceCountIs("AWS::ElasticLoadBalancingV2::ListenerRule", 1);
        template.HasResourceProperties("AWS::ElasticLoadBalancingV2::ListenerRule", new Dictionary<string, object>
        {
            ["Actions"] = new object[] { Match.ObjectLike(new Dictionary<string, object>
            {
                ["Type"] = "forward",
                ["ForwardConfig"] = Match.ObjectLike(new Dictionary<string, object>
                {
                    ["TargetGroups"] = new object[]
                    {
                        new Dictionary<string, object> { ["TargetGroupArn"] = new Dictionary<string, object> { ["Ref"] = Match.StringLikeRegexp("^FleetsBlueTargetGroup") }, ["Weight"] = blue },
                        new Dictionary<string, object> { ["TargetGroupArn"] = new Dictionary<string, object> { ["Ref"] = Match.StringLikeRegexp("^FleetsGreenTargetGroup") }, ["Weight"] = green },
                    },
                }),
            }) },
        });
    }

    [Fact]
    public void Stickiness_KeepsClientsOnTheColorTheyReachedForTheGivenSeconds()
    {
        f.Canary.HasResourceProperties("AWS::ElasticLoadBalancingV2::ListenerRule", new Dictionary<string, object>
        {
            ["Actions"] = new object[] { Match.ObjectLike(new Dictionary<string, object>
            {
                ["ForwardConfig"] = Match.ObjectLike(new Dictionary<string, object>
                {
                    ["TargetGroupStickinessConfig"] = new Dictionary<string, object> { ["Enabled"] = true, ["DurationSeconds"] = 3600 },
                }),
            }) },
        });
        f.Default.HasResourceProperties("AWS::ElasticLoadBalancingV2::ListenerRule", new Dictionary<string, object>
        {
            ["Actions"] = new object[] { Match.ObjectLike(new Dictionary<string, object>
            {
                ["ForwardConfig"] = Match.ObjectLike(new Dictionary<string, object> { ["TargetGroupStickinessConfig"] = Match.Absent() }),
            }) },
        });
    }

    [Fact]
    public void ScaleToZero_EmptiesTheIdleGroupAndDropsWhatWouldWakeIt()
    {
        var blue = Of(f.FlippedJson, "AWS::AutoScaling::AutoScalingGroup", "Blue");
        blue["Properties"]!["MinSize"]!.GetValue<string>().Should().Be("0");
        blue["Properties"]!["MaxSize"]!.GetValue<string>().Should().Be("0");
        blue["Properties"]!.AsObject().ContainsKey("DesiredCapacity").Should().BeFalse("a desired capacity would start servers");
        blue.ContainsKey("CreationPolicy").Should().BeFalse("no server will signal");
        OnGroupOf(f.FlippedJson, "AWS::AutoScaling::ScheduledAction", "Blue").Should().BeEmpty("a schedule would wake the idle color");
        OnGroupOf(f.FlippedJson, "AWS::AutoScaling::ScalingPolicy", "Blue").Should().BeEmpty();
    }

    [Fact]
    public void ScaleToZero_TheIdleGroupHasNoUpdatePolicy()
    {
        // The shared RollingMinInService (1) would reach the idle group's MaxSize (0), which CloudFormation rejects
        // on a rolling update; a group without servers has nothing to replace, so it gets no policy at all.
        var blue = Of(f.FlippedJson, "AWS::AutoScaling::AutoScalingGroup", "Blue")["UpdatePolicy"]!.AsObject();
        blue.ContainsKey("AutoScalingRollingUpdate").Should().BeFalse();
        blue.ContainsKey("AutoScalingInstanceRefresh").Should().BeFalse();
        f.FlippedFleets.Blue.UpdateStrategy.Should().BeNull();
        Of(f.FlippedJson, "AWS::AutoScaling::AutoScalingGroup", "Green")["UpdatePolicy"]!["AutoScalingRollingUpdate"]!["MinInstancesInService"]!
            .GetValue<int>().Should().Be(1, "the running color keeps the shared setting");
    }

    [Fact]
    public void ScaleToZero_LeavesTheActiveColorAsConfigured()
    {
        var green = Of(f.FlippedJson, "AWS::AutoScaling::AutoScalingGroup", "Green")["Properties"]!;
        green["MinSize"]!.GetValue<string>().Should().Be("2");
        green["MaxSize"]!.GetValue<string>().Should().Be("4");
        green["DesiredCapacity"]!.GetValue<string>().Should().Be("3");
        OnGroupOf(f.FlippedJson, "AWS::AutoScaling::ScheduledAction", "Green").Should().ContainSingle();
        OnGroupOf(f.FlippedJson, "AWS::AutoScaling::ScalingPolicy", "Green").Should().HaveCount(2, "CPU and request tracking");
    }

    [Fact]
    public void ScaleToZero_NeverEmptiesAColorThatGetsCanaryTraffic()
    {
        foreach (var color in new[] { "Blue", "Green" })
        {
            Of(f.CanaryJson, "AWS::AutoScaling::AutoScalingGroup", color)["Properties"]!["MaxSize"]!.GetValue<string>().Should().Be("4");
            OnGroupOf(f.CanaryJson, "AWS::AutoScaling::ScheduledAction", color).Should().ContainSingle();
        }
    }

    [Theory]
    [InlineData(nameof(Fixture.Default), "Blue", "Green")]
    [InlineData(nameof(Fixture.FullCanary), "Green", "Blue")]
    public void Warm_KeepsTheIdleColorAtWarmCapacityWithoutTheLiveColorsSchedules(string plan, string live, string idle)
    {
        var json = plan == nameof(Fixture.Default) ? f.DefaultJson : f.FullCanaryJson;
        var running = Of(json, "AWS::AutoScaling::AutoScalingGroup", live)["Properties"]!;
        (running["MinSize"]!.GetValue<string>(), running["DesiredCapacity"]!.GetValue<string>(), running["MaxSize"]!.GetValue<string>())
            .Should().Be(("2", "3", "4"), "{0} has the traffic", live);
        OnGroupOf(json, "AWS::AutoScaling::ScheduledAction", live).Should().ContainSingle();
        OnGroupOf(json, "AWS::AutoScaling::ScalingPolicy", live).Should().HaveCount(2);

        var warm = Of(json, "AWS::AutoScaling::AutoScalingGroup", idle)["Properties"]!;
        warm["MinSize"]!.GetValue<string>().Should().Be("1", "{0} is idle and warm: TrafficPlan.WarmCapacity (default 1)", idle);
        warm["MaxSize"]!.GetValue<string>().Should().Be("4", "it can still scale if traffic reaches it");
        OnGroupOf(json, "AWS::AutoScaling::ScheduledAction", idle).Should().BeEmpty("the live color's schedules would raise a fleet that serves nothing");
        OnGroupOf(json, "AWS::AutoScaling::ScalingPolicy", idle).Should().HaveCount(2);
    }

    [Fact]
    public void The_idle_color_runs_at_production_capacity_only_when_ready_or_given_traffic()
    {
        var warm = new TrafficPlan();
        warm.IsAtProductionCapacity(TrafficColor.Blue).Should().BeTrue();
        warm.IsAtProductionCapacity(TrafficColor.Green).Should().BeFalse();
        warm.IsRunning(TrafficColor.Green).Should().BeTrue();
        (warm with { IdleCapacity = IdleCapacity.Ready }).IsAtProductionCapacity(TrafficColor.Green).Should().BeTrue();
        (warm with { CanaryPercent = 5 }).IsAtProductionCapacity(TrafficColor.Green).Should().BeTrue("a canary gets traffic");
        (warm with { IdleCapacity = IdleCapacity.ScaleToZero }).IsRunning(TrafficColor.Green).Should().BeFalse();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(101)]
    public void A_warm_capacity_outside_1_to_100_is_rejected(int capacity)
    {
        var act = () => new TrafficPlan { WarmCapacity = capacity }.Validate("Test/Fleets");
        act.Should().Throw<Infra.Constructs.Validation.InvalidPropException>().Which.Message.Should().StartWith("Test/Fleets: invalid TrafficPlan.WarmCapacity");
    }

    [Fact]
    public void RunningFleets_ScaleOnRequestsPerTargetOfTheirOwnTargetGroup()
    {
        foreach (var (json, colors) in new[] { (f.DefaultJson, new[] { "Blue", "Green" }), (f.FlippedJson, new[] { "Green" }) })
        {
            var requestPolicies = json.ResourcesOf("AWS::AutoScaling::ScalingPolicy")
                .Where(p => p.Props["TargetTrackingConfiguration"]!["PredefinedMetricSpecification"]!["PredefinedMetricType"]!.GetValue<string>() == "ALBRequestCountPerTarget")
                .ToList();
            requestPolicies.Should().HaveCount(colors.Length);
            foreach (var color in colors)
            {
                var policy = requestPolicies.Single(p => p.Props["AutoScalingGroupName"]!["Ref"]!.GetValue<string>().StartsWith($"Fleets{color}Group", StringComparison.Ordinal)).Props;
                policy["TargetTrackingConfiguration"]!["TargetValue"]!.GetValue<int>().Should().Be(1000);
                policy["TargetTrackingConfiguration"]!["PredefinedMetricSpecification"]!["ResourceLabel"]!.ToJsonString()
                    .Should().Contain($"Fleets{color}TargetGroup").And.Contain("TargetGroupFullName");
            }
        }
    }

    [Fact]
    public void EachFleetIsTaggedWithItsColor()
    {
        foreach (var color in new[] { "Blue", "Green" })
        {
            var tag = new Dictionary<string, object> { ["Key"] = "deployment-color", ["Value"] = color.ToLowerInvariant() };
            f.Default.HasResourceProperties("AWS::AutoScaling::AutoScalingGroup", new Dictionary<string, object>
            {
                ["LaunchTemplate"] = Match.ObjectLike(new Dictionary<string, object> { ["LaunchTemplateId"] = new Dictionary<string, object> { ["Ref"] = Match.StringLikeRegexp($"^Fleets{color}") } }),
                ["Tags"] = Match.ArrayWith([new Dictionary<string, object>(tag) { ["PropagateAtLaunch"] = true }]),
            });
            f.Default.HasResourceProperties("AWS::ElasticLoadBalancingV2::TargetGroup", new Dictionary<string, object> { ["Tags"] = Match.ArrayWith([tag]) });
            f.Default.HasResourceProperties("AWS::EC2::LaunchTemplate", new Dictionary<string, object>
            {
                ["LaunchTemplateData"] = Match.ObjectLike(new Dictionary<string, object>
                {
                    ["TagSpecifications"] = Match.ArrayWith([new Dictionary<string, object> { ["ResourceType"] = "instance", ["Tags"] = Match.ArrayWith([tag]) }]),
                }),
            });
        }
    }

    [Fact]
    public void Overrides_ApplyToTheirColorOnly()
    {
        var blue = Of(f.DefaultJson, "AWS::EC2::LaunchTemplate", "Blue")["Properties"]!["LaunchTemplateData"]!;
        var green = Of(f.DefaultJson, "AWS::EC2::LaunchTemplate", "Green")["Properties"]!["LaunchTemplateData"]!;
        blue["InstanceType"]!.GetValue<string>().Should().Be("t3.medium");
        blue["ImageId"]!.ToJsonString().Should().Contain("al2023", "blue keeps the shared (latest) image");
        green["InstanceType"]!.GetValue<string>().Should().Be("t3.small", "green keeps the shared type");
        green["ImageId"]!.GetValue<string>().Should().Be(GreenAmi);
    }

    [Fact]
    public void UserData_TellsEachServerItsColor()
    {
        foreach (var (color, other) in new[] { ("Blue", "green"), ("Green", "blue") })
        {
            var userData = TemplateExtensions.RenderText(Of(f.DefaultJson, "AWS::EC2::LaunchTemplate", color)["Properties"]!["LaunchTemplateData"]!["UserData"]);
            userData.Should().Contain($"APP_COLOR={color.ToLowerInvariant()}\n").And.NotContain($"APP_COLOR={other}");
        }
    }

    [Fact]
    public void ExposesTheFleetsByColorAndThePlanInForce()
    {
        var fleets = f.FlippedFleets;
        fleets.Traffic.Should().Be(new TrafficPlan { ActiveColor = TrafficColor.Green, IdleCapacity = IdleCapacity.ScaleToZero });
        fleets.Active.Should().BeSameAs(fleets.Green);
        fleets.FleetOf(TrafficColor.Blue).Should().BeSameAs(fleets.Blue);
        fleets.FleetOf(TrafficColor.Green).Should().BeSameAs(fleets.Green);
        (fleets.Blue.Bootstrap.Color, fleets.Green.Bootstrap.Color).Should().Be(("blue", "green"));
        (fleets.Blue.MaxCapacity, fleets.Green.MaxCapacity).Should().Be((0, 4));
    }

    public static TheoryData<string, Func<WebLoadBalancer, WebFleetProps, BlueGreenFleetsProps>> BadProps => new()
    {
        { "LoadBalancer", (_, fleet) => new BlueGreenFleetsProps { LoadBalancer = null!, Fleet = fleet } },
        { "Fleet", (lb, _) => new BlueGreenFleetsProps { LoadBalancer = lb, Fleet = null! } },
        { "Fleet.Color", (lb, fleet) => new BlueGreenFleetsProps { LoadBalancer = lb, Fleet = fleet with { Color = "blue" } } },
        { "CanaryPercent", (lb, fleet) => new BlueGreenFleetsProps { LoadBalancer = lb, Fleet = fleet, Traffic = new TrafficPlan { CanaryPercent = 150 } } },
    };

    [Theory]
    [MemberData(nameof(BadProps))]
    public void RejectsBadProps(string property, Func<WebLoadBalancer, WebFleetProps, BlueGreenFleetsProps> props)
    {
        var stack = TestStacks.NewStack();
        var (lb, fleet) = FleetFactory.PropsBehindLoadBalancer(stack);
        Rejections.Expect(() => new BlueGreenFleets(stack, "Fleets", props(lb, fleet)), "Test/Fleets", property);
    }
}
