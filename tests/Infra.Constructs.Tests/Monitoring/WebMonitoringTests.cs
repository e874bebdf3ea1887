using System.Text.Json.Nodes;
using Amazon.CDK;
using Amazon.CDK.AWS.CloudWatch;
using Constructs;
using Infra.Constructs.Compute;
using Infra.Constructs.Monitoring;
using Infra.Constructs.Tests.Support;

namespace Infra.Constructs.Tests.Monitoring;

public class WebMonitoringTests(WebMonitoringTests.Fixture f) : IClassFixture<WebMonitoringTests.Fixture>
{
    public sealed class Fixture
    {
        /// <summary>Load balancer, blue/green fleets (health path /healthz), a NAT gateway, two subscribers, an API section.</summary>
        public JsonObject Full { get; }
        public JsonArray FullWidgets { get; }
        public IReadOnlyList<string> BlueDeploymentAlarmPaths { get; private set; } = [];
        /// <summary>One fleet without the agent; no load balancer or NAT given.</summary>
        public JsonObject Minimal { get; }
        public JsonArray MinimalWidgets { get; }
        /// <summary>Dashboard, alarms and Auto Scaling notifications off.</summary>
        public JsonObject Off { get; }
        public WebMonitoring? OffMonitoring { get; private set; }
        public WebFleet? OffBlue { get; private set; }

        public Fixture()
        {
            Full = TestStacks.Synth(s =>
            {
                var (lb, fleets, vpc) = MonitoringTemplates.BlueGreen(s, p => p with { HealthCheckPath = "/healthz" });
                var monitoring = new WebMonitoring(s, "Monitoring", new WebMonitoringProps
                {
                    EnvironmentName = "prod",
                    LoadBalancer = lb,
                    Fleets = [fleets.Blue, fleets.Green],
                    NatGatewayIds = WebMonitoring.NatGatewayIdsOf(vpc),
                    Subscriptions = [AlarmSubscription.Email("oncall@example.com"), AlarmSubscription.Https("https://alerts.example.com/hooks/prod")],
                    Thresholds = new AlarmThresholds { Max5xxPercent = 2, MaxP99Latency = Amazon.CDK.Duration.Millis(1500) },
                });
                monitoring.AddSection(ApiSection(s));
                BlueDeploymentAlarmPaths = monitoring.AlarmsOf(fleets.Blue).All.Select(a => a.Node.Path).ToList();
            }).Json();
            FullWidgets = Full.Widgets();
            Minimal = TestStacks.Synth(s =>
            {
                var (_, fleet) = MonitoringTemplates.Single(s, p => p with { Logs = new FleetLogging { Enabled = false } });
                _ = new WebMonitoring(s, "Monitoring", new WebMonitoringProps { Fleets = [fleet] });
            }).Json();
            MinimalWidgets = Minimal.Widgets();
            Off = TestStacks.Synth(s =>
            {
                var (lb, fleets, _) = MonitoringTemplates.BlueGreen(s);
                var monitoring = new WebMonitoring(s, "Monitoring", new WebMonitoringProps
                {
                    LoadBalancer = lb,
                    Fleets = [fleets.Blue, fleets.Green],
                    Dashboard = false,
                    Alarms = false,
                    AutoScalingNotifications = false,
                });
                (OffMonitoring, OffBlue) = (monitoring, fleets.Blue);
            }).Json();
        }

        /// <summary>What an API stack would add: API Gateway canary and base stage apart, Lambda per alias.</summary>
        public static MonitoringSection ApiSection(Stack s)
        {
            Metric Api(string name, string stage, string stat) => new(new MetricProps
            {
                Namespace = "AWS/ApiGateway",
                MetricName = name,
                Statistic = stat,
                DimensionsMap = new Dictionary<string, string> { ["ApiName"] = "orders-api", ["Stage"] = stage },
            });
            Metric Lambda(string name, string alias, string stat) => new(new MetricProps
            {
                Namespace = "AWS/Lambda",
                MetricName = name,
                Statistic = stat,
                DimensionsMap = new Dictionary<string, string> { ["FunctionName"] = "orders", ["Resource"] = "orders:" + alias },
            });
            var canary5xx = new Alarm(s, "ApiCanary5xx", new AlarmProps { Metric = Api("5XXError", "prod/Canary", "Sum"), Threshold = 5, EvaluationPeriods = 1 });
            return new MonitoringSection
            {
                Title = "Orders API",
                Description = "Canary and base stage side by side.",
                Widgets =
                [
                    MonitoringWidgets.Graph("API requests, canary vs base", [MonitoringWidgets.Labelled(Api("Count", "prod", "Sum"), "base"), MonitoringWidgets.Labelled(Api("Count", "prod/Canary", "Sum"), "canary")]),
                    MonitoringWidgets.Graph("API 5xx, canary vs base", [Api("5XXError", "prod", "Sum"), Api("5XXError", "prod/Canary", "Sum")]),
                    MonitoringWidgets.Graph("Lambda errors and throttles per alias", [Lambda("Errors", "live", "Sum"), Lambda("Throttles", "live", "Sum"), Lambda("Errors", "canary", "Sum")]),
                ],
                Alarms = [canary5xx],
            };
        }
    }

    private string TopicId => f.Full.ResourcesOf("AWS::SNS::Topic").Single().Id;

    // ---- dashboard ----

    [Fact]
    public void Dashboard_LoadBalancerRequestsErrorsAndLatencyPercentiles()
    {
        f.FullWidgets.Widget("Requests (load balancer)").MetricNames().Should().Equal("RequestCount");
        f.FullWidgets.Widget("4xx and 5xx (load balancer)").MetricNames().Should()
            .Contain(["HTTPCode_ELB_5XX_Count", "HTTPCode_Target_5XX_Count", "HTTPCode_ELB_4XX_Count", "HTTPCode_Target_4XX_Count"]);
        var latency = f.FullWidgets.Widget("Latency p50 / p90 / p99 (load balancer)");
        latency.MetricNames().Should().Equal("TargetResponseTime", "TargetResponseTime", "TargetResponseTime");
        Stats(latency).Should().Equal("p50", "p90", "p99");
    }

    [Fact]
    public void Dashboard_TargetGroupsOfBlueAndGreenSideBySide()
    {
        foreach (var prefix in new[] { "Requests and errors", "Latency p50 / p90 / p99", "Healthy / unhealthy hosts (/healthz)", "Capacity and CPU", "Memory, disk, app errors" })
        {
            var blue = f.FullWidgets.Widget($"{prefix}: blue");
            var green = f.FullWidgets.Widget($"{prefix}: green");
            (blue["y"]!.GetValue<int>(), blue["x"]!.GetValue<int>(), blue["width"]!.GetValue<int>()).Should().Be((green["y"]!.GetValue<int>(), 0, 12), prefix);
            green["x"]!.GetValue<int>().Should().Be(12, prefix);
        }
        var blueRequests = f.FullWidgets.Widget("Requests and errors: blue");
        blueRequests.MetricNames().Should().Equal("RequestCount", "HTTPCode_Target_5XX_Count", "HTTPCode_Target_4XX_Count");
        blueRequests.ToJsonString().Should().Contain("GetAtt:FleetsBlueTargetGroup").And.NotContain("FleetsGreenTargetGroup");
        Stats(f.FullWidgets.Widget("Latency p50 / p90 / p99: green")).Should().Equal("p50", "p90", "p99");
        f.FullWidgets.Widget("Healthy / unhealthy hosts (/healthz): blue").MetricNames().Should().Equal("HealthyHostCount", "UnHealthyHostCount");
    }

    [Fact]
    public void Dashboard_ComparesTheFleetsOnOneGraphForCanaryAndSwitch()
    {
        f.FullWidgets.Widget("Requests per fleet").ToJsonString().Should().Contain("FleetsBlueTargetGroup").And.Contain("FleetsGreenTargetGroup");
        f.FullWidgets.Widget("5xx % per fleet").MetricNames().Count(n => n.StartsWith("expr:")).Should().Be(2);
        f.FullWidgets.Widget("p99 latency per fleet").MetricNames().Should().Equal("TargetResponseTime", "TargetResponseTime");
    }

    [Fact]
    public void Dashboard_AutoScalingCapacityAndCpu()
    {
        var widget = f.FullWidgets.Widget("Capacity and CPU: green");
        widget.MetricNames().Should().Equal("GroupDesiredCapacity", "GroupInServiceInstances", "CPUUtilization");
        widget.ToJsonString().Should().Contain("AutoScalingGroupName").And.Contain("Ref:FleetsGreenGroupASG");
    }

    [Fact]
    public void Dashboard_NatGatewayTrafficConnectionsAndErrors()
    {
        f.FullWidgets.Widget("NAT traffic (bytes per 5 minutes)").MetricNames().Should().Equal("BytesOutToDestination", "BytesInFromDestination");
        f.FullWidgets.Widget("NAT active connections").MetricNames().Should().Equal("ActiveConnectionCount");
        var errors = f.FullWidgets.Widget("NAT errors and drops");
        errors.MetricNames().Should().Equal("ErrorPortAllocation", "PacketsDropCount");
        errors.ToJsonString().Should().Contain("NatGatewayId").And.MatchRegex("Ref:TestVpcPublicSubnet1NATGateway");
    }

    [Fact]
    public void Dashboard_MemoryDiskAndAppErrorsFromTheAgent()
    {
        var widget = f.FullWidgets.Widget("Memory, disk, app errors: blue");
        widget.MetricNames().Should().Equal("mem_used_percent", "disk_used_percent", "AppErrors");
        widget.ToJsonString().Should().Contain("WebFleet/Test/Fleets/Blue");
    }

    [Fact]
    public void Dashboard_AddedSectionShowsItsWidgetsAndAlarms()
    {
        f.FullWidgets.Markdown().Should().Contain("## Orders API\nCanary and base stage side by side.");
        var requests = f.FullWidgets.Widget("API requests, canary vs base").ToJsonString();
        requests.Should().Contain("\"prod/Canary\"").And.Contain("\"label\":\"canary\"").And.Contain("\"label\":\"base\"");
        f.FullWidgets.Widget("Lambda errors and throttles per alias").MetricNames().Should().Equal("Errors", "Throttles", "Errors");
        f.FullWidgets.Widget("Orders API: alarms")["properties"]!["alarms"]!.AsArray().Should().ContainSingle();
    }

    [Fact]
    public void Dashboard_HeaderNamesTheEnvironmentTheHealthPathAndTheTopic()
    {
        var md = f.FullWidgets.Markdown();
        md.Should().StartWith("# prod: web service").And.Contain("Health path **/healthz**").And.Contain($"GetAtt:{TopicId}.TopicName");
        // Every alarm built here (all but the section's, which has its own widget) plus the composite.
        f.FullWidgets.Widget("Alarms")["properties"]!["alarms"]!.AsArray().Should().HaveCount(f.Full.Alarms().Count);
    }

    [Fact]
    public void Dashboard_NameIsReadableAndRegional() =>
        MonitoringTemplates.Render(f.Full.ResourcesOf("AWS::CloudWatch::Dashboard").Single().Props["DashboardName"]).Should().Be("Test-Monitoring-Ref:AWS::Region");

    [Fact]
    public void Minimal_ShowsOnlyWhatTheEnvironmentContains()
    {
        var titles = f.MinimalWidgets.Titles();
        titles.Should().NotContain(t => t.Contains("load balancer") || t.Contains("NAT") || t.Contains("per fleet") || t.Contains("Memory"));
        f.MinimalWidgets.Widget("Requests and errors: Fleet")["width"]!.GetValue<int>().Should().Be(24);
        f.Minimal.Alarms().Keys.Should().HaveCount(5).And.OnlyContain(id => id.StartsWith("MonitoringFleet"));
        f.Minimal.Alarms().Keys.Should().NotContain(id => id.Contains("Memory") || id.Contains("Disk") || id.Contains("AppErrors"));
    }

    // ---- alarms ----

    [Fact]
    public void Alarms_OnTheSameSignalsWithTheirThresholds()
    {
        var alarms = f.Full.Alarms();
        double Threshold(string prefix) => alarms.Single(a => a.Key.StartsWith(prefix)).Value["Threshold"]!.GetValue<double>();
        Threshold("MonitoringLoadBalancer5xxRate").Should().Be(2);
        Threshold("MonitoringLoadBalancer4xxRate").Should().Be(25);
        Threshold("MonitoringLoadBalancerP99Latency").Should().Be(1.5);
        foreach (var color in new[] { "Blue", "Green" })
        {
            Threshold($"Monitoring{color}Target5xxRate").Should().Be(2);
            Threshold($"Monitoring{color}UnhealthyHosts").Should().Be(1);
            Threshold($"Monitoring{color}P99Latency").Should().Be(1.5);
            Threshold($"Monitoring{color}HighCpu").Should().Be(80);
            Threshold($"Monitoring{color}CapacityShortfall").Should().Be(1);
            Threshold($"Monitoring{color}HighMemory").Should().Be(90);
            Threshold($"Monitoring{color}HighDisk").Should().Be(85);
            Threshold($"Monitoring{color}AppErrors").Should().Be(10);
        }
        Threshold("MonitoringNat1PortAllocationErrors").Should().Be(1);
        alarms.Should().HaveCount(3 + 2 * 8 + 1 + 1, "load balancer, two fleets, one NAT gateway and the section's alarm");
    }

    [Fact]
    public void Alarms_ErrorRatesIgnoreMinutesWithFewRequests()
    {
        var lb5xx = f.Full.Alarms().Single(a => a.Key.StartsWith("MonitoringLoadBalancer5xxRate")).Value;
        lb5xx["Metrics"]!.AsArray().Single(m => m!["Expression"] != null)!["Expression"]!.GetValue<string>()
            .Should().Be("IF(requests >= 10, 100 * (FILL(lb, 0) + FILL(targets, 0)) / requests, 0)");
        (lb5xx["EvaluationPeriods"]!.GetValue<int>(), lb5xx["DatapointsToAlarm"]!.GetValue<int>()).Should().Be((3, 2));
    }

    [Fact]
    public void Alarms_EveryAlarmNotifiesTheTopicOnAlarmAndOk()
    {
        foreach (var (id, alarm) in f.Full.Alarms())
        {
            alarm.ActionRefs().Should().Equal([TopicId], id);
            alarm.ActionRefs("OKActions").Should().Equal([TopicId], id);
        }
        f.Full.ResourcesOf("AWS::CloudWatch::CompositeAlarm").Single().Props.ActionRefs().Should().Equal([TopicId]);
    }

    [Fact]
    public void Composite_ServiceUnhealthyWhenUsersAreAffected()
    {
        var rule = MonitoringTemplates.Render(f.Full.ResourcesOf("AWS::CloudWatch::CompositeAlarm").Single().Props["AlarmRule"]);
        foreach (var part in new[] { "MonitoringLoadBalancer5xxRate", "MonitoringLoadBalancerP99Latency", "MonitoringBlueTarget5xxRate", "MonitoringGreenP99Latency", "ApiCanary5xx" })
            rule.Should().Contain($"ALARM(\"GetAtt:{part}", part);
        rule.Should().NotContain("UnhealthyHosts", "an unhealthy server of an idle color affects no user").And.NotContain("HighCpu").And.Contain(" OR ");
    }

    [Fact]
    public void DeploymentAlarms_AreTheFleetsTargetGroupAlarms() =>
        f.BlueDeploymentAlarmPaths.Should().Equal("Test/Monitoring/Blue/Target5xxRate", "Test/Monitoring/Blue/UnhealthyHosts", "Test/Monitoring/Blue/P99Latency");

    [Fact]
    public void HealthPath_IsReadFromTheFleetEverywhere()
    {
        f.Full.ResourcesOf("AWS::ElasticLoadBalancingV2::TargetGroup").Should().OnlyContain(t => t.Props["HealthCheckPath"]!.GetValue<string>() == "/healthz");
        f.Full.UserData("Blue").Should().Contain("APP_HEALTH_PATH=/healthz");
        f.Full.Alarms().Single(a => a.Key.StartsWith("MonitoringBlueUnhealthyHosts")).Value["AlarmDescription"]!.GetValue<string>().Should().Contain("health check on /healthz");
    }

    // ---- notifications ----

    [Fact]
    public void AutoScalingGroups_SendLaunchAndTerminateNotificationsToTheTopic()
    {
        var groups = f.Full.ResourcesOf("AWS::AutoScaling::AutoScalingGroup");
        groups.Should().HaveCount(2);
        foreach (var (_, g) in groups)
        {
            var config = g["NotificationConfigurations"]!.AsArray().Single()!;
            config["TopicARN"]!["Ref"]!.GetValue<string>().Should().Be(TopicId);
            config["NotificationTypes"]!.AsArray().Select(n => n!.GetValue<string>()).Should().BeEquivalentTo(
                ["autoscaling:EC2_INSTANCE_LAUNCH", "autoscaling:EC2_INSTANCE_LAUNCH_ERROR", "autoscaling:EC2_INSTANCE_TERMINATE", "autoscaling:EC2_INSTANCE_TERMINATE_ERROR"]);
        }
    }

    [Fact]
    public void Subscriptions_GoToTheTopicItCreates()
    {
        var subs = f.Full.ResourcesOf("AWS::SNS::Subscription").Select(s => (s.Props["Protocol"]!.GetValue<string>(), s.Props["Endpoint"]!.GetValue<string>()));
        subs.Should().BeEquivalentTo([("email", "oncall@example.com"), ("https", "https://alerts.example.com/hooks/prod")]);
    }

    [Fact]
    public void OptOuts_TurnOffDashboardAlarmsAndNotifications()
    {
        f.Off.ResourcesOf("AWS::CloudWatch::Dashboard").Should().BeEmpty();
        f.Off.ResourcesOf("AWS::CloudWatch::Alarm").Should().BeEmpty();
        f.Off.ResourcesOf("AWS::CloudWatch::CompositeAlarm").Should().BeEmpty();
        f.Off.ResourcesOf("AWS::AutoScaling::AutoScalingGroup").Should().OnlyContain(g => !g.Props.ContainsKey("NotificationConfigurations"));
        Rejections.Expect(() => f.OffMonitoring!.AlarmsOf(f.OffBlue!), "Test/Monitoring", "fleet")
            .Message.Should().Contain("WebMonitoringProps.Alarms is false", "a deployment then builds the fleet's alarms itself");
    }

    // ---- rejections ----

    private static void Monitor(Func<Stack, WebMonitoringProps> props)
    {
        var stack = TestStacks.NewStack();
        _ = new WebMonitoring(stack, "Monitoring", props(stack));
    }

    [Fact]
    public void Rejects_AThresholdOutOfRange() =>
        Rejections.Expect(() => Monitor(_ => new WebMonitoringProps { Thresholds = new AlarmThresholds { Max5xxPercent = 150 } }),
            "Test/Monitoring", "Thresholds.Max5xxPercent").Message.Should().Contain("= 150").And.Contain("from 0.1 to 100");

    [Fact]
    public void Rejects_AMalformedEmailInProps() =>
        Rejections.Expect(() => Monitor(_ => new WebMonitoringProps { Subscriptions = [AlarmSubscription.Email("oncall@")] }),
            "Test/Monitoring", "Subscriptions[0].Endpoint");

    [Fact]
    public void Rejects_SubscriptionsWithAGivenTopic() =>
        Rejections.Expect(() => Monitor(s => new WebMonitoringProps { Topic = new NotificationTopic(s, "Alerts"), Subscriptions = [AlarmSubscription.Email("ops@example.com")] }),
            "Test/Monitoring", "Subscriptions");

    [Fact]
    public void Rejects_AFleetNoListenerRoutesTo() =>
        Rejections.Expect(() => Monitor(s => new WebMonitoringProps { Fleets = [new WebFleet(s, "Fleet", FleetFactory.Props(s))] }),
            "Test/Monitoring", "Fleets[0]").Message.Should().Contain("WebLoadBalancer.Route");

    [Fact]
    public void Rejects_AlarmsOfAFleetItDoesNotMonitor()
    {
        var stack = TestStacks.NewStack();
        var (lb, fleets, _) = MonitoringTemplates.BlueGreen(stack);
        var monitoring = new WebMonitoring(stack, "Monitoring", new WebMonitoringProps { LoadBalancer = lb, Fleets = [fleets.Blue] });
        Rejections.Expect(() => monitoring.AlarmsOf(fleets.Green), "Test/Monitoring", "fleet").Message.Should().Contain("Test/Fleets/Green");
    }

    [Fact]
    public void Rejects_ABadDashboardName() =>
        Rejections.Expect(() => Monitor(_ => new WebMonitoringProps { DashboardName = "prod web" }), "Test/Monitoring", "DashboardName");

    [Fact]
    public void Rejects_AnAlarmOfAnotherStackInTheComposite()
    {
        var stack = TestStacks.NewStack();
        var other = new Stack(stack.Node.Scope as Construct, "Api");
        var alarm = new Alarm(other, "A", new AlarmProps { Metric = new Metric(new MetricProps { Namespace = "X", MetricName = "Y" }), Threshold = 1, EvaluationPeriods = 1 });
        var monitoring = new WebMonitoring(stack, "Monitoring", new WebMonitoringProps());
        Rejections.Expect(() => monitoring.AddAlarm(alarm, serviceHealth: true), "Test/Monitoring", "serviceHealth");
    }

    private static IEnumerable<string> Stats(JsonObject widget) =>
        widget["properties"]!["metrics"]!.AsArray().Select(m => m!.AsArray().Last()!["stat"]!.GetValue<string>());
}
