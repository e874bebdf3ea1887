using System.Text.Json.Nodes;
using Amazon.CDK;
using Amazon.CDK.AWS.CodeDeploy;
using Infra.Constructs.Deployment;
using Infra.Constructs.Monitoring;
using Infra.Constructs.Tests.Support;

namespace Infra.Constructs.Tests.Monitoring;

/// <summary>
/// One owner of a fleet's rollback alarms: the deployment groups roll back on the monitoring's alarms (the ones
/// on the dashboard, notifying the topic), and a deployment without monitoring builds the same alarms itself.
/// </summary>
public class DeploymentAlarmsTests(DeploymentAlarmsTests.Fixture f) : IClassFixture<DeploymentAlarmsTests.Fixture>
{
    public sealed class Fixture
    {
        /// <summary>Blue/green with monitoring; each deployment group takes the monitoring's alarms of its fleet.</summary>
        public JsonObject Monitored { get; }
        /// <summary>
        /// One fleet without monitoring: its deployment builds the fleet's alarms (Deployment/Alarms), and a
        /// second <see cref="FleetAlarms"/> (Notified) notifies a topic.
        /// </summary>
        public JsonObject BuiltIn { get; }

        public Fixture()
        {
            Monitored = TestStacks.Synth(s =>
            {
                var (lb, fleets, _) = MonitoringTemplates.BlueGreen(s);
                var monitoring = new WebMonitoring(s, "Monitoring", new WebMonitoringProps { LoadBalancer = lb, Fleets = [fleets.Blue, fleets.Green] });
                var (app, revisions) = Shared(s);
                foreach (var color in new[] { TrafficColor.Blue, TrafficColor.Green })
                    _ = new FleetDeployment(s, $"{color}Deployment", new FleetDeploymentProps
                    {
                        Fleet = fleets.FleetOf(color),
                        Application = app,
                        Revisions = revisions,
                        Alarms = monitoring.AlarmsOf(fleets.FleetOf(color)),
                    });
            }).Json();
            BuiltIn = TestStacks.Synth(s =>
            {
                var (_, fleet) = MonitoringTemplates.Single(s);
                var topic = new NotificationTopic(s, "Alerts");
                var (app, revisions) = Shared(s);
                _ = new FleetDeployment(s, "Deployment", new FleetDeploymentProps { Fleet = fleet, Application = app, Revisions = revisions });
                _ = new FleetAlarms(s, "Notified", new FleetAlarmsProps { Fleet = fleet, Topic = topic.Topic });
            }).Json();
        }

        public static (ServerApplication, RevisionBucket) Shared(Stack s) =>
            (new ServerApplication(s, "App"), new RevisionBucket(s, "Revisions", new RevisionBucketProps()));
    }

    private static IReadOnlyList<string> AlarmsOfGroup(JsonObject group) =>
        group["AlarmConfiguration"]!["Alarms"]!.AsArray().Select(a => a!["Name"]!["Ref"]!.GetValue<string>()).ToList();

    [Fact]
    public void Monitored_EveryAlarmTheDeploymentGroupsUseExistsAndNotifiesTheTopic()
    {
        var topic = f.Monitored.ResourcesOf("AWS::SNS::Topic").Single().Id;
        var alarms = f.Monitored.Alarms();
        var groups = f.Monitored.ResourcesOf("AWS::CodeDeploy::DeploymentGroup");
        groups.Should().HaveCount(2);
        foreach (var (id, group) in groups)
        {
            group["AlarmConfiguration"]!["Enabled"]!.GetValue<bool>().Should().BeTrue(id);
            var used = AlarmsOfGroup(group);
            used.Should().HaveCount(3, id);
            foreach (var alarm in used)
            {
                alarms.Should().ContainKey(alarm, $"{id} rolls back on an alarm that must exist in the template");
                alarms[alarm].ActionRefs().Should().Contain(topic, $"{alarm} (used by {id}) must notify the topic");
            }
        }
    }

    [Fact]
    public void Monitored_TheDeploymentGroupsAlarmsAreTheDashboardsAlarms()
    {
        var onDashboard = f.Monitored.Widgets().Widget("Alarms")["properties"]!["alarms"]!.AsArray()
            .Select(a => a!.GetValue<string>()).ToList();
        foreach (var color in new[] { "Blue", "Green" })
        {
            var group = f.Monitored.ResourcesOf("AWS::CodeDeploy::DeploymentGroup").Single(g => g.Id.StartsWith($"{color}Deployment")).Props;
            var used = AlarmsOfGroup(group);
            used.Should().SatisfyRespectively(
                a => a.Should().StartWith($"Monitoring{color}Target5xxRate"),
                a => a.Should().StartWith($"Monitoring{color}UnhealthyHosts"),
                a => a.Should().StartWith($"Monitoring{color}P99Latency"));
            foreach (var alarm in used)
                onDashboard.Should().Contain($"GetAtt:{alarm}.Arn", $"the {color} deployment rolls back on an alarm operators see");
        }
    }

    [Fact]
    public void Monitored_OneSetOfThreeRollbackAlarmsPerFleet()
    {
        var ids = f.Monitored.Alarms().Keys.ToList();
        ids.Should().OnlyContain(id => id.StartsWith("Monitoring"), "the deployments create no alarms of their own");
        foreach (var name in new[] { "Target5xxRate", "UnhealthyHosts", "P99Latency" })
            ids.Where(id => id.Contains(name) && !id.StartsWith("MonitoringLoadBalancer")).Should().HaveCount(2, $"one {name} per fleet");
    }

    /// <summary>An alarm without what names its fleet or who it notifies: the maths, thresholds and windows.</summary>
    private static string Maths(JsonObject alarm)
    {
        var copy = alarm.DeepClone().AsObject();
        foreach (var key in new[] { "AlarmDescription", "AlarmActions", "OKActions" }) copy.Remove(key);
        void StripDimensions(JsonNode? node)
        {
            if (node is JsonObject o) { o.Remove("Dimensions"); foreach (var (_, v) in o) StripDimensions(v); }
            else if (node is JsonArray a) foreach (var v in a) StripDimensions(v);
        }
        StripDimensions(copy);
        return copy.ToJsonString();
    }

    [Theory]
    [InlineData("Target5xxRate")]
    [InlineData("UnhealthyHosts")]
    [InlineData("P99Latency")]
    public void BuiltIn_ADeploymentWithoutMonitoringBuildsTheSameAlarms(string name)
    {
        var own = f.BuiltIn.Alarms().Single(a => a.Key.StartsWith($"DeploymentAlarms{name}")).Value;
        var monitored = f.Monitored.Alarms().Single(a => a.Key.StartsWith($"MonitoringBlue{name}")).Value;
        Maths(own).Should().Be(Maths(monitored));
        own["AlarmDescription"]!.GetValue<string>().Should().StartWith("Test/Fleet: ");
    }

    [Fact]
    public void BuiltIn_ErrorRateIgnoresMinutesWithFewRequests() =>
        f.BuiltIn.Alarms().Single(a => a.Key.StartsWith("DeploymentAlarmsTarget5xxRate")).Value["Metrics"]!.AsArray()
            .Single(m => m!["Expression"] != null)!["Expression"]!.GetValue<string>()
            .Should().Be("IF(requests >= 10, 100 * FILL(errors, 0) / requests, 0)");

    [Fact]
    public void BuiltIn_TheGroupRollsBackOnTheAlarmsItBuilt() =>
        AlarmsOfGroup(f.BuiltIn.ResourcesOf("AWS::CodeDeploy::DeploymentGroup").Single().Props).Should().SatisfyRespectively(
            a => a.Should().StartWith("DeploymentAlarmsTarget5xxRate"),
            a => a.Should().StartWith("DeploymentAlarmsUnhealthyHosts"),
            a => a.Should().StartWith("DeploymentAlarmsP99Latency"));

    [Fact]
    public void FleetAlarms_NotifyTheGivenTopicOnAlarmAndOk()
    {
        var topic = f.BuiltIn.ResourcesOf("AWS::SNS::Topic").Single().Id;
        var alarms = f.BuiltIn.Alarms();
        alarms.Where(a => a.Key.StartsWith("Notified")).Should().HaveCount(3)
            .And.OnlyContain(a => a.Value.ActionRefs("AlarmActions").SequenceEqual(new[] { topic }) && a.Value.ActionRefs("OKActions").SequenceEqual(new[] { topic }));
        alarms.Where(a => a.Key.StartsWith("DeploymentAlarms")).Should().HaveCount(3).And.OnlyContain(a => !a.Value.ContainsKey("AlarmActions"), "no topic given");
    }

    [Fact]
    public void Rejects_TheAlarmsOfAnotherFleet()
    {
        var stack = TestStacks.NewStack();
        var (lb, fleets, _) = MonitoringTemplates.BlueGreen(stack);
        var monitoring = new WebMonitoring(stack, "Monitoring", new WebMonitoringProps { LoadBalancer = lb, Fleets = [fleets.Blue, fleets.Green] });
        var (app, revisions) = Fixture.Shared(stack);
        Rejections.Expect(() => new FleetDeployment(stack, "Deployment", new FleetDeploymentProps
        {
            Fleet = fleets.Blue,
            Application = app,
            Revisions = revisions,
            Alarms = monitoring.AlarmsOf(fleets.Green),
        }), "Test/Deployment", "Alarms").Message.Should().Contain("Test/Monitoring/Green").And.Contain("the alarms of Test/Fleets/Blue");
    }
}
