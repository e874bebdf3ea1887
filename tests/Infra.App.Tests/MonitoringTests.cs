using System.Text.Json.Nodes;
using Infra.App.Config;
using Infra.Constructs.Monitoring;
using Infra.Constructs.Validation;

namespace Infra.App.Tests;

/// <summary>Monitoring of the reference environments: every alarm and group notifies the environment's one topic.</summary>
[Collection(ReferenceAppCollection.Name)]
public class MonitoringTests(ReferenceAppFixture app)
{
    public static TheoryData<string> WebStacks => new() { "Dev-Web", "Prod-Web" };

    private IEnumerable<(string Id, JsonObject Props)> Resources(string stack, string type) =>
        app.Templates[stack]["Resources"]!.AsObject()
            .Where(r => r.Value!["Type"]!.GetValue<string>() == type)
            .Select(r => (r.Key, r.Value!["Properties"]!.AsObject()));

    private string Topic(string stack) => Resources(stack, "AWS::SNS::Topic").Should().ContainSingle("one notification topic per environment").Subject.Id;

    private static IEnumerable<string> Refs(JsonNode? actions) => (actions?.AsArray() ?? []).Select(a => a!["Ref"]?.GetValue<string>() ?? a.ToJsonString());

    [Theory]
    [MemberData(nameof(WebStacks))]
    public void EveryAlarmNotifiesTheEnvironmentsTopic(string stack)
    {
        var topic = Topic(stack);
        var alarms = Resources(stack, "AWS::CloudWatch::Alarm").Concat(Resources(stack, "AWS::CloudWatch::CompositeAlarm")).ToList();
        alarms.Should().HaveCountGreaterThan(15);
        foreach (var (id, alarm) in alarms)
            Refs(alarm["AlarmActions"]).Should().Contain(topic, $"{stack}/{id} needs an action (CT.CLOUDWATCH.PR.1, CloudWatchAlarmAction)");
    }

    [Theory]
    [MemberData(nameof(WebStacks))]
    public void EveryAlarmTheDeploymentGroupsUseExistsAndNotifiesTheTopic(string stack)
    {
        var topic = Topic(stack);
        var alarms = Resources(stack, "AWS::CloudWatch::Alarm").ToDictionary(a => a.Id, a => a.Props);
        var groups = Resources(stack, "AWS::CodeDeploy::DeploymentGroup").ToList();
        groups.Should().HaveCount(2);
        foreach (var (id, group) in groups)
        {
            var used = group["AlarmConfiguration"]!["Alarms"]!.AsArray().Select(a => a!["Name"]!["Ref"]!.GetValue<string>()).ToList();
            used.Should().HaveCount(3).And.OnlyContain(a => a.StartsWith("Monitoring"), $"{id} rolls back on the monitoring alarms, not a second set");
            foreach (var alarm in used)
            {
                alarms.Should().ContainKey(alarm);
                Refs(alarms[alarm]["AlarmActions"]).Should().Contain(topic, $"{alarm}, used by {id}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(WebStacks))]
    public void EveryAutoScalingGroupNotifiesTheTopic(string stack)
    {
        var topic = Topic(stack);
        foreach (var (id, group) in Resources(stack, "AWS::AutoScaling::AutoScalingGroup"))
            group["NotificationConfigurations"]!.AsArray().Should().Contain(c => c!["TopicARN"]!["Ref"]!.GetValue<string>() == topic, $"{id} (AwsSolutions-AS3)");
    }

    [Theory]
    [MemberData(nameof(WebStacks))]
    public void LogGroupsAreKeptAYearAndEncryptedWithTheTopicsKey(string stack)
    {
        // The secret, the revisions and the WAF logs have keys of their own; the topic's key also encrypts the fleet logs.
        var key = Resources(stack, "AWS::KMS::Key").Where(k => k.Id.StartsWith("AlertsKey", StringComparison.Ordinal))
            .Should().ContainSingle("one key per environment for the topic and the fleet logs").Subject.Id;
        var groups = Resources(stack, "AWS::Logs::LogGroup").Where(g => g.Id.StartsWith("Fleets", StringComparison.Ordinal)).ToList();
        groups.Should().HaveCount(8, "four per fleet");
        groups.Should().OnlyContain(g => g.Props["RetentionInDays"]!.GetValue<int>() >= 365 && g.Props["KmsKeyId"]!["Fn::GetAtt"]![0]!.GetValue<string>() == key);
    }

    [Fact]
    public void ProdDashboardShowsBothNatGatewaysOfTheNetworkStack()
    {
        var body = Resources("Prod-Web", "AWS::CloudWatch::Dashboard").Single().Props["DashboardBody"]!.ToJsonString();
        body.Split("NatGatewayId").Length.Should().BeGreaterThan(2);
        body.Should().Contain("Fn::ImportValue", "the NAT gateway ids come from the network stack");
        Resources("Prod-Web", "AWS::CloudWatch::Alarm").Count(a => a.Id.Contains("PortAllocationErrors")).Should().Be(2);
    }

    [Fact]
    public void SubscriptionsComeFromTheEnvironmentSettings()
    {
        foreach (var (stack, settings) in new[] { ("Dev-Web", Environments.Dev), ("Prod-Web", Environments.Prod) })
        {
            var subs = Resources(stack, "AWS::SNS::Subscription").Select(s => s.Props["Endpoint"]!.GetValue<string>()).ToList();
            subs.Should().BeEquivalentTo(settings.Monitoring.AlarmEmails.Concat(settings.Monitoring.AlarmHttpsEndpoints), stack);
            subs.Should().OnlyContain(e => e.EndsWith("@example.com") || e.StartsWith("https://alerts.example.com/"), "placeholders only");
        }
    }

    [Fact]
    public void ABadAlarmEmailInTheSettingsFailsTheSynthWithItsName()
    {
        var settings = Environments.Dev with { Monitoring = Environments.Dev.Monitoring with { AlarmEmails = ["dev-alerts.example.com"] } };
        var act = () => Program.Build(AppFactory.Create(validation: false), [settings]);
        act.Should().Throw<InvalidPropException>().Which.Message.Should().StartWith("Dev-Web/Alerts: invalid NotificationTopicProps.Subscriptions[0].Endpoint = 'dev-alerts.example.com'");
    }

    [Fact]
    public void MonitoringOffLeavesTheDeploymentsTheirOwnAlarms()
    {
        var app = AppFactory.Create(validation: false);
        Program.Build(app, [Environments.Dev with { Monitoring = new MonitoringSettings { Enabled = false } }]);
        var json = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(app.Synth().GetStackByName("Dev-Web").Template))!;
        var types = json["Resources"]!.AsObject().Select(r => r.Value!["Type"]!.GetValue<string>()).ToList();
        types.Should().NotContain(["AWS::SNS::Topic", "AWS::CloudWatch::Dashboard", "AWS::Logs::LogGroup", "AWS::CloudWatch::CompositeAlarm"]);
        types.Count(t => t == "AWS::CloudWatch::Alarm").Should().Be(6, "three built-in rollback alarms per deployment group");
    }

    [Fact]
    public void ThresholdsAreTypedSettings() =>
        Environments.Prod.Monitoring.Thresholds.Should().BeOfType<AlarmThresholds>().Which.Max5xxPercent.Should().Be(2);
}
