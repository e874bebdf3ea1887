using System.Globalization;
using Amazon.CDK.AWS.CloudWatch;
using Infra.Constructs.Compute;
using Infra.Constructs.Monitoring;
using Infra.Constructs.Tests.Support;

namespace Infra.Constructs.Tests.Monitoring;

/// <summary>
/// <see cref="FleetAlarms"/> without synthesis: descriptions and rejections. The templates are checked in
/// <see cref="DeploymentAlarmsTests"/>, <see cref="WebMonitoringTests"/> and the deployment tests.
/// </summary>
public class FleetAlarmsTests
{
    [Fact]
    public void Descriptions_DoNotDependOnTheMachinesCulture()
    {
        var culture = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE");
            var stack = TestStacks.NewStack();
            var alarms = new FleetAlarms(stack, "Alarms", new FleetAlarmsProps
            {
                Fleet = FleetFactory.Routed(stack),
                Thresholds = new AlarmThresholds { Max5xxPercent = 2.5, MaxP99Latency = Amazon.CDK.Duration.Millis(750) },
            });
            var descriptions = alarms.All.Select(a => ((CfnAlarm)a.Node.DefaultChild!).AlarmDescription).ToList();
            descriptions.Should().Contain(d => d!.Contains("more than 2.5% of requests")).And.Contain(d => d!.Contains("above 0.75 s"))
                .And.OnlyContain(d => d!.StartsWith("Test/Fleet: "), "named by the fleet's path unless a name is given");
        }
        finally
        {
            CultureInfo.CurrentCulture = culture;
        }
    }

    public static TheoryData<string, Func<WebFleet, FleetAlarmsProps>> BadProps => new()
    {
        { "Fleet", _ => new() { Fleet = null! } },
        { "Thresholds.Max5xxPercent", f => new() { Fleet = f, Thresholds = new AlarmThresholds { Max5xxPercent = 0 } } },
        { "Thresholds.Max5xxPercent", f => new() { Fleet = f, Thresholds = new AlarmThresholds { Max5xxPercent = 101 } } },
        { "Thresholds.MaxUnhealthyHosts", f => new() { Fleet = f, Thresholds = new AlarmThresholds { MaxUnhealthyHosts = 0 } } },
        { "Thresholds.MaxP99Latency", f => new() { Fleet = f, Thresholds = new AlarmThresholds { MaxP99Latency = Amazon.CDK.Duration.Millis(5) } } },
        { "Thresholds.MaxP99Latency", f => new() { Fleet = f, Thresholds = new AlarmThresholds { MaxP99Latency = Amazon.CDK.Duration.Seconds(61) } } },
        { "Thresholds.MinRequestsPerMinute", f => new() { Fleet = f, Thresholds = new AlarmThresholds { MinRequestsPerMinute = -1 } } },
        { "Name", f => new() { Fleet = f, Name = "prod\nblue" } },
        { "Name", f => new() { Fleet = f, Name = "" } },
    };

    [Theory]
    [MemberData(nameof(BadProps))]
    public void RejectsBadProps(string property, Func<WebFleet, FleetAlarmsProps> props)
    {
        var stack = TestStacks.NewStack();
        var fleet = FleetFactory.Routed(stack);
        Rejections.Expect(() => new FleetAlarms(stack, "Alarms", props(fleet)), "Test/Alarms", property);
    }

    [Fact]
    public void Rejects_AFleetNoListenerRoutesTo()
    {
        var stack = TestStacks.NewStack();
        var fleet = new WebFleet(stack, "Fleet", FleetFactory.Props(stack));
        Rejections.Expect(() => new FleetAlarms(stack, "Alarms", new FleetAlarmsProps { Fleet = fleet }), "Test/Alarms", "Fleet")
            .Message.Should().Contain("Test/Fleet").And.Contain("WebLoadBalancer.Route");
    }

    [Fact]
    public void Rejects_NoProps()
    {
        var stack = TestStacks.NewStack();
        Rejections.Expect(() => new FleetAlarms(stack, "Alarms", null!), "Test/Alarms", "FleetAlarmsProps");
    }
}
