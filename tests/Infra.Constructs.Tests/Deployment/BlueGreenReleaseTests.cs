using System.Text.Json.Nodes;
using Amazon.CDK;
using Amazon.CDK.AWS.CloudWatch;
using Infra.Constructs.Compute;
using Infra.Constructs.Deployment;
using Infra.Constructs.Releases;
using Infra.Constructs.Tests.Support;

namespace Infra.Constructs.Tests.Deployment;

/// <summary>
/// BlueGreenFleets with a release that runs itself: the weights and which colors run at production capacity are
/// stack parameters whose defaults are the declared final state, and the template carries what tools/release reads.
/// </summary>
public class BlueGreenReleaseTests(BlueGreenReleaseTests.Fixture f) : IClassFixture<BlueGreenReleaseTests.Fixture>
{
    public sealed class Fixture
    {
        /// <summary>Release to green (blue idle, scaled to zero); a desired size, a schedule; green's alarm added after.</summary>
        public JsonObject ToGreen { get; }
        public BlueGreenFleets ToGreenFleets { get; }
        /// <summary>Release that ends on blue, green kept warm (2 servers).</summary>
        public JsonObject ToBlueWarm { get; }

        public Fixture()
        {
            BlueGreenFleets? fleets = null;
            ToGreen = TestStacks.Synth(s =>
            {
                fleets = Build(s, new TrafficPlan { ActiveColor = TrafficColor.Green, IdleCapacity = IdleCapacity.ScaleToZero },
                    new ProgressiveRelease { Id = "r-green", Steps = [10, 50], BakeTime = Duration.Minutes(2), PollInterval = Duration.Seconds(5) });
                var alarm = new Alarm(s, "Green5xx", new AlarmProps { Metric = fleets.Green.TargetGroup.Metrics.HttpCodeTarget(Amazon.CDK.AWS.ElasticLoadBalancingV2.HttpCodeTarget.TARGET_5XX_COUNT), Threshold = 1, EvaluationPeriods = 1 });
                fleets.AddReleaseAlarm(TrafficColor.Green, alarm);
                fleets.AddReleaseAlarm(TrafficColor.Green, alarm);
            }).Json();
            ToGreenFleets = fleets!;
            ToBlueWarm = TestStacks.Synth(s => Build(s, new TrafficPlan { ActiveColor = TrafficColor.Blue, IdleCapacity = IdleCapacity.Warm, WarmCapacity = 2 },
                new ProgressiveRelease { Id = "r-blue" })).Json();
        }

        public static BlueGreenFleets Build(Stack s, TrafficPlan plan, ProgressiveRelease? release)
        {
            var (lb, props) = FleetFactory.PropsBehindLoadBalancer(s);
            return new BlueGreenFleets(s, "Fleets", new BlueGreenFleetsProps
            {
                LoadBalancer = lb,
                Traffic = plan,
                Release = release,
                Fleet = props with
                {
                    MinCapacity = 2,
                    MaxCapacity = 6,
                    DesiredCapacity = 3,
                    Schedules = [new FleetSchedule { Name = "morning", Cron = "0 7 * * MON-FRI", MinCapacity = 3 }],
                },
            });
        }
    }

    private static JsonObject Group(JsonObject t, string color) =>
        t.FullResourcesOf("AWS::AutoScaling::AutoScalingGroup").Single(r => r.Id.StartsWith($"Fleets{color}", StringComparison.Ordinal)).Resource;

    private static JsonNode If(string condition, JsonNode whenServing, JsonNode whenIdle) => new JsonObject { ["Fn::If"] = new JsonArray(condition, whenServing, whenIdle) };

    private static JsonNode NoValue => new JsonObject { ["Ref"] = "AWS::NoValue" };

    [Fact]
    public void The_parameters_default_to_the_declared_final_state()
    {
        var p = f.ToGreen["Parameters"]!.AsObject();
        p["FleetsBlueWeight"]!.ToJsonString().Should().Contain("\"Type\":\"Number\"").And.Contain("\"Default\":0").And.Contain("\"MinValue\":0").And.Contain("\"MaxValue\":100");
        p["FleetsGreenWeight"]!["Default"]!.GetValue<double>().Should().Be(100);
        p["FleetsServing"]!["Default"]!.GetValue<string>().Should().Be("green");
        p["FleetsServing"]!["AllowedValues"]!.AsArray().Select(v => v!.GetValue<string>()).Should().Equal("blue", "green", "both");
        p["FleetsReleaseStatus"]!["Default"]!.GetValue<string>().Should().Be("done:r-green");
        f.ToBlueWarm["Parameters"]!["FleetsBlueWeight"]!["Default"]!.GetValue<double>().Should().Be(100);
        f.ToBlueWarm["Parameters"]!["FleetsServing"]!["Default"]!.GetValue<string>().Should().Be("blue");
    }

    [Fact]
    public void The_listener_rule_forwards_by_the_weight_parameters()
    {
        var groups = f.ToGreen.ResourcesOf("AWS::ElasticLoadBalancingV2::ListenerRule").Single().Props["Actions"]![0]!["ForwardConfig"]!["TargetGroups"]!.AsArray();
        groups[0]!["TargetGroupArn"]!["Ref"]!.GetValue<string>().Should().StartWith("FleetsBlueTargetGroup");
        groups[0]!["Weight"]!.ToJsonString().Should().Be("""{"Ref":"FleetsBlueWeight"}""");
        groups[1]!["TargetGroupArn"]!["Ref"]!.GetValue<string>().Should().StartWith("FleetsGreenTargetGroup");
        groups[1]!["Weight"]!.ToJsonString().Should().Be("""{"Ref":"FleetsGreenWeight"}""");
    }

    [Fact]
    public void Sizes_switch_between_production_and_idle_on_the_serving_parameter()
    {
        var conditions = f.ToGreen["Conditions"]!.AsObject();
        conditions["FleetsGreenServes"]!.ToJsonString().Should().Be(
            """{"Fn::Or":[{"Fn::Equals":[{"Ref":"FleetsServing"},"green"]},{"Fn::Equals":[{"Ref":"FleetsServing"},"both"]}]}""");
        foreach (var color in new[] { "Blue", "Green" })
        {
            var props = Group(f.ToGreen, color)["Properties"]!.AsObject();
            var condition = $"Fleets{color}Serves";
            JsonNode.DeepEquals(props["MinSize"], If(condition, "2", "0")).Should().BeTrue(props["MinSize"]!.ToJsonString());
            // Scaled to zero keeps the production maximum: the update policy built for production stays valid.
            props["MaxSize"]!.GetValue<string>().Should().Be("6");
            JsonNode.DeepEquals(props["DesiredCapacity"], If(condition, "3", "0")).Should().BeTrue(props["DesiredCapacity"]!.ToJsonString());
        }
        var warm = Group(f.ToBlueWarm, "Green")["Properties"]!.AsObject();
        JsonNode.DeepEquals(warm["MinSize"], If("FleetsGreenServes", "2", "2")).Should().BeFalse("equal branches are written as the value");
        warm["MinSize"]!.GetValue<string>().Should().Be("2");
        JsonNode.DeepEquals(warm["DesiredCapacity"], If("FleetsGreenServes", "3", NoValue)).Should().BeTrue(warm["DesiredCapacity"]!.ToJsonString());
    }

    [Fact]
    public void Schedules_run_only_while_their_color_serves()
    {
        var actions = f.ToGreen.FullResourcesOf("AWS::AutoScaling::ScheduledAction");
        actions.Should().HaveCount(2, "both fleets are built at production size, each with its schedule");
        foreach (var (id, resource) in actions)
            resource["Condition"]!.GetValue<string>().Should().Be(id.StartsWith("FleetsBlue", StringComparison.Ordinal) ? "FleetsBlueServes" : "FleetsGreenServes");
    }

    [Fact]
    public void Only_the_color_that_serves_at_creation_waits_for_its_servers()
    {
        Group(f.ToGreen, "Green")["CreationPolicy"]!["ResourceSignal"]!["Count"]!.GetValue<int>().Should().Be(2);
        Group(f.ToGreen, "Blue")["CreationPolicy"].Should().BeNull("blue is created scaled to zero: no server will signal");
        Group(f.ToBlueWarm, "Green")["CreationPolicy"]!["ResourceSignal"]!["Count"]!.GetValue<int>().Should().Be(2, "the warm size");
    }

    [Fact]
    public void The_template_tells_tools_release_what_to_do()
    {
        var entry = f.ToGreen["Metadata"]!["Infra::Releases"]!.AsArray().Single()!.AsObject();
        entry["kind"]!.GetValue<string>().Should().Be("blue-green");
        entry["id"]!.GetValue<string>().Should().Be("r-green");
        entry["construct"]!.GetValue<string>().Should().Be("Test/Fleets");
        entry["steps"]!.AsArray().Select(s => s!.GetValue<double>()).Should().Equal(10, 50, 100);
        (entry["bakeSeconds"]!.GetValue<int>(), entry["pollSeconds"]!.GetValue<int>()).Should().Be((120, 5));
        entry["parameters"]!.ToJsonString().Should().Be("""{"blueWeight":"FleetsBlueWeight","greenWeight":"FleetsGreenWeight","serving":"FleetsServing","status":"FleetsReleaseStatus"}""");
        entry["final"]!.ToJsonString().Should().Be("""{"blueWeight":0,"greenWeight":100,"serving":"green","status":"done:r-green"}""");
        entry["loadBalancer"]!.GetValue<string>().Should().StartWith("LbAlb");
        var green = entry["colors"]!["green"]!.AsObject();
        green["targetGroup"]!.GetValue<string>().Should().StartWith("FleetsGreenTargetGroup");
        green["autoScalingGroup"]!.GetValue<string>().Should().StartWith("FleetsGreenGroupASG");
        green["minHealthy"]!.GetValue<int>().Should().Be(2);
        green["alarms"]!.AsArray().Select(a => a!.GetValue<string>()).Should().ContainSingle().Which.Should().StartWith("Green5xx", "added after the fleets, once");
        entry["colors"]!["blue"]!["alarms"]!.AsArray().Should().BeEmpty();
        foreach (var id in new[] { green["targetGroup"], green["autoScalingGroup"], entry["loadBalancer"], green["alarms"]![0] })
            f.ToGreen["Resources"]![id!.GetValue<string>()].Should().NotBeNull($"{id} is a resource of the template");
        f.ToGreenFleets.Release!.Id.Should().Be("r-green");
        f.ToGreenFleets.Parameters!.Serving.LogicalId.Should().NotBeNull();
    }

    [Fact]
    public void The_release_status_is_an_output()
    {
        f.ToGreen["Outputs"]!.AsObject().Single(o => o.Key.StartsWith("FleetsReleaseStatusOutput", StringComparison.Ordinal)).Value!["Value"]!
            .ToJsonString().Should().Be("""{"Ref":"FleetsReleaseStatus"}""");
    }

    [Fact]
    public void Without_a_release_nothing_is_a_parameter()
    {
        var plain = TestStacks.Synth(s => Fixture.Build(s, new TrafficPlan(), null)).Json();
        plain["Parameters"]!.AsObject().Select(p => p.Key).Should().NotContain(k => k.StartsWith("Fleets", StringComparison.Ordinal));
        plain["Metadata"]?["Infra::Releases"].Should().BeNull();
        plain["Conditions"]?.AsObject().Select(c => c.Key).Should().NotContain(k => k.EndsWith("Serves", StringComparison.Ordinal));
    }

    [Fact]
    public void A_canary_percent_with_a_release_is_rejected_with_the_release_errors()
    {
        var error = Rejections.Expect(() => Fixture.Build(TestStacks.NewStack(), new TrafficPlan { CanaryPercent = 10 },
            new ProgressiveRelease { Id = "r1", Steps = [50, 25] }), "Test/Fleets", "Release.Steps");
        error.Errors.Select(e => e.Property).Should().Equal("BlueGreenFleetsProps.Release.Steps", "BlueGreenFleetsProps.Traffic.CanaryPercent");
        error.Errors[1].Message.Should().Contain("0 with a Release");
    }

    [Fact]
    public void A_release_alarm_from_another_stack_is_rejected()
    {
        var app = new App();
        var stack = new Stack(app, "Test");
        var other = new Stack(app, "Other");
        var fleets = Fixture.Build(stack, new TrafficPlan(), new ProgressiveRelease { Id = "r1" });
        var alarm = new Alarm(other, "Elsewhere", new AlarmProps { Metric = new Metric(new MetricProps { Namespace = "X", MetricName = "Y" }), Threshold = 1, EvaluationPeriods = 1 });
        Rejections.Expect(() => fleets.AddReleaseAlarm(TrafficColor.Green, alarm), "Test/Fleets", "release alarm")
            .Message.Should().Contain("Other/Elsewhere").And.Contain("same stack");
    }
}
