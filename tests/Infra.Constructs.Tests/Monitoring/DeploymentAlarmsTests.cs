using System.Text.Json.Nodes;
using Amazon.CDK;
using Amazon.CDK.AWS.CodeDeploy;
using Infra.Constructs.Deployment;
using Infra.Constructs.Monitoring;
using Infra.Constructs.Tests.Support;

namespace Infra.Constructs.Tests.Monitoring;

/// <summary>The deployment groups roll back on the monitoring alarms, and every alarm they use notifies the topic.</summary>
public class DeploymentAlarmsTests(DeploymentAlarmsTests.Fixture f) : IClassFixture<DeploymentAlarmsTests.Fixture>
{
    public sealed class Fixture
    {
        /// <summary>Blue/green with monitoring; each deployment group takes the monitoring's alarms.</summary>
        public JsonObject Monitored { get; }
        /// <summary>One fleet without monitoring; the deployment's built-in alarms notify a topic.</summary>
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
                        Fleet = fleets.FleetOf(color), Application = app, Revisions = revisions,
                        Alarms = monitoring.DeploymentAlarmsOf(fleets.FleetOf(color)),
                    });
            }).Json();
            BuiltIn = TestStacks.Synth(s =>
            {
                var (_, fleet) = MonitoringTemplates.Single(s);
                var topic = new NotificationTopic(s, "Alerts");
                var (app, revisions) = Shared(s);
                _ = new FleetDeployment(s, "Deployment", new FleetDeploymentProps { Fleet = fleet, Application = app, Revisions = revisions, AlarmTopic = topic.Topic });
            }).Json();
        }

        public static (ServerApplication, RevisionBucket) Shared(Stack s) =>
            (new ServerApplication(s, "App"), new RevisionBucket(s, "Revisions", new RevisionBucketProps()));
    }

    private static void EveryDeploymentAlarmExistsAndNotifiesTheTopic(JsonObject template, int groups)
    {
        var topic = template.ResourcesOf("AWS::SNS::Topic").Single().Id;
        var alarms = template.Alarms();
        var deploymentGroups = template.ResourcesOf("AWS::CodeDeploy::DeploymentGroup");
        deploymentGroups.Should().HaveCount(groups);
        foreach (var (id, group) in deploymentGroups)
        {
            var config = group["AlarmConfiguration"]!;
            config["Enabled"]!.GetValue<bool>().Should().BeTrue(id);
            var used = config["Alarms"]!.AsArray().Select(a => a!["Name"]!["Ref"]!.GetValue<string>()).ToList();
            used.Should().HaveCount(3, id);
            foreach (var alarm in used)
            {
                alarms.Should().ContainKey(alarm, $"{id} rolls back on an alarm that must exist in the template");
                alarms[alarm].ActionRefs().Should().Contain(topic, $"{alarm} (used by {id}) must notify the topic");
            }
        }
    }

    [Fact]
    public void Monitored_EveryAlarmTheDeploymentGroupsUseExistsAndNotifiesTheTopic() =>
        EveryDeploymentAlarmExistsAndNotifiesTheTopic(f.Monitored, 2);

    [Fact]
    public void Monitored_DeploymentsRollBackOnTheMonitoringAlarmsNotASecondSet()
    {
        f.Monitored.Alarms().Keys.Should().OnlyContain(id => id.StartsWith("Monitoring"), "the deployments create no alarms of their own");
        var blue = f.Monitored.ResourcesOf("AWS::CodeDeploy::DeploymentGroup").Single(g => g.Id.StartsWith("BlueDeployment")).Props;
        blue["AlarmConfiguration"]!["Alarms"]!.AsArray().Select(a => a!["Name"]!["Ref"]!.GetValue<string>())
            .Should().OnlyContain(id => id.StartsWith("MonitoringBlue")).And.Contain(id => id.StartsWith("MonitoringBlueTarget5xxRate"))
            .And.Contain(id => id.StartsWith("MonitoringBlueUnhealthyHosts")).And.Contain(id => id.StartsWith("MonitoringBlueP99Latency"));
    }

    [Fact]
    public void BuiltIn_TheDeploymentsOwnAlarmsNotifyTheGivenTopic()
    {
        EveryDeploymentAlarmExistsAndNotifiesTheTopic(f.BuiltIn, 1);
        f.BuiltIn.Alarms().Should().HaveCount(3).And.OnlyContain(a => a.Key.StartsWith("Deployment") && a.Value.ActionRefs("OKActions").Count == 1);
    }

    [Fact]
    public void Rejects_AnEmptyAlarmList()
    {
        var stack = TestStacks.NewStack();
        var (_, fleet) = MonitoringTemplates.Single(stack);
        var (app, revisions) = Fixture.Shared(stack);
        Rejections.Expect(() => new FleetDeployment(stack, "Deployment", new FleetDeploymentProps { Fleet = fleet, Application = app, Revisions = revisions, Alarms = [] }),
            "Test/Deployment", "Alarms");
    }

    [Fact]
    public void Rejects_ThresholdsTogetherWithGivenAlarms()
    {
        var stack = TestStacks.NewStack();
        var (lb, fleet) = MonitoringTemplates.Single(stack);
        var monitoring = new WebMonitoring(stack, "Monitoring", new WebMonitoringProps { LoadBalancer = lb, Fleets = [fleet] });
        var (app, revisions) = Fixture.Shared(stack);
        Rejections.Expect(() => new FleetDeployment(stack, "Deployment", new FleetDeploymentProps
        {
            Fleet = fleet, Application = app, Revisions = revisions, Alarms = monitoring.DeploymentAlarmsOf(fleet), Max5xxPercent = 3,
        }), "Test/Deployment", "Max5xxPercent");
    }
}
