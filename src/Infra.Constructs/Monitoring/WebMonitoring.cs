using System.Globalization;
using System.Text.RegularExpressions;
using Amazon.CDK;
using Amazon.CDK.AWS.AutoScaling;
using Amazon.CDK.AWS.CloudWatch;
using Amazon.CDK.AWS.EC2;
using Amazon.CDK.AWS.ElasticLoadBalancingV2;
using Constructs;
using Infra.Constructs.Compute;
using Infra.Constructs.Defaults;
using Infra.Constructs.LoadBalancing;
using Infra.Constructs.Validation;

namespace Infra.Constructs.Monitoring;

/// <summary>
/// Monitoring of one environment, the third stage of running production as code: one dashboard
/// (load balancer, each fleet side by side, NAT gateways, and sections other stacks add), alarms with
/// configurable thresholds on the same signals, a composite "service unhealthy" alarm, and one
/// encrypted notification topic that every alarm and every Auto Scaling group notifies. Each fleet's
/// <see cref="FleetAlarms"/> (5xx rate, unhealthy hosts, p99 latency) are built here once and are the ones
/// its deployments roll back on (<see cref="AlarmsOf"/>).
/// Logs come from the fleets themselves (<see cref="WebFleetProps.Logs"/>).
/// </summary>
public sealed partial class WebMonitoring : Construct
{
    /// <summary>The environment's notification topic.</summary>
    public NotificationTopic Notifications { get; }

    /// <summary>The dashboard, unless turned off.</summary>
    public Dashboard? Dashboard { get; }

    /// <summary>ALARM when any alarm that means users are affected is in ALARM; null when alarms are off.</summary>
    public CompositeAlarm? ServiceUnhealthy { get; }

    /// <summary>Every alarm that notifies the topic: built here or added.</summary>
    public IReadOnlyList<IAlarm> Alarms => _alarms;

    /// <summary>Load balancer 5xx share (2 of 3 minutes), when there is a load balancer and alarms are on.</summary>
    public Alarm? LoadBalancer5xxRate { get; }

    /// <summary>Load balancer 4xx share (two 5-minute periods).</summary>
    public Alarm? LoadBalancer4xxRate { get; }

    /// <summary>Load balancer p99 target response time (3 minutes).</summary>
    public Alarm? LoadBalancerP99Latency { get; }

    /// <summary>NAT gateway port-allocation errors, one alarm per gateway.</summary>
    public IReadOnlyList<Alarm> NatPortAllocationErrors { get; }

    /// <summary>The thresholds in force.</summary>
    public AlarmThresholds Thresholds { get; }

    /// <summary>The environment name shown.</summary>
    public string EnvironmentName { get; }

    private readonly List<IAlarm> _alarms = [];
    private readonly List<IAlarm> _serviceHealth = [];
    private readonly Dictionary<WebFleet, FleetAlarms> _fleetAlarms = [];
    private readonly List<WebFleet> _fleets;

    /// <summary>
    /// The rollback alarms of <paramref name="fleet"/>, built here, shown on the dashboard and notifying the topic:
    /// give them to <c>FleetDeploymentProps.Alarms</c> so deployments roll back on the alarms operators watch.
    /// Throws when the fleet is not monitored here or alarms are off (then the deployment builds its own).
    /// </summary>
    public FleetAlarms AlarmsOf(WebFleet fleet) =>
        fleet is not null && _fleetAlarms.TryGetValue(fleet, out var a) ? a
        : throw new PropChecks(this, nameof(WebMonitoring) + "." + nameof(AlarmsOf)).Fail(nameof(fleet), fleet?.Node.Path,
            fleet is not null && _fleets.Contains(fleet) ? "a fleet with alarms (WebMonitoringProps.Alarms is false)" : "one of WebMonitoringProps.Fleets");

    /// <summary>Creates the topic (unless given), alarms, notifications and dashboard.</summary>
    public WebMonitoring(Construct scope, string id, WebMonitoringProps props) : base(scope, id)
    {
        PropChecks.RequireProps(this, props);
        var check = new PropChecks(this, nameof(WebMonitoringProps));
        Thresholds = props.Thresholds ?? new AlarmThresholds();
        Thresholds.Validate(check, nameof(props.Thresholds));
        var subscriptions = props.Subscriptions ?? [];
        AlarmSubscription.Validate(check, nameof(props.Subscriptions), subscriptions);
        if (props.Topic is not null && props.Subscriptions is not null)
            check.Reject(nameof(props.Subscriptions), subscriptions.Select(s => s.Endpoint), "unset when Topic is given (subscribe on that topic)");
        _fleets = (props.Fleets ?? []).ToList();
        for (var i = 0; i < _fleets.Count; i++)
        {
            var f = _fleets[i] ?? throw check.Fail($"{nameof(props.Fleets)}[{i}]", null, "a fleet");
            if (_fleets.IndexOf(f) != i)
                throw check.Fail(nameof(props.Fleets), _fleets.Select(x => x.Node.Path), "each fleet once");
            // Checked here too: the dashboard reads the target groups' metrics even when alarms are off.
            if (!FleetAlarms.IsRouted(f))
                throw check.Fail($"{nameof(props.Fleets)}[{i}]", f.Node.Path, FleetAlarms.RoutedFleet);
        }
        var natIds = props.NatGatewayIds ?? [];
        for (var i = 0; i < natIds.Count; i++)
            check.NotBlank($"{nameof(props.NatGatewayIds)}[{i}]", natIds[i] ?? "");
        if (natIds.Distinct().Count() != natIds.Count)
            check.Reject(nameof(props.NatGatewayIds), natIds, "distinct NAT gateway ids");
        check.Matches(nameof(props.DashboardName), props.DashboardName, DashboardNamePattern(), "1-255 letters, digits, - or _");
        EnvironmentName = props.EnvironmentName ?? _fleets.FirstOrDefault()?.Bootstrap.EnvironmentName ?? Stack.Of(this).StackName;
        check.Matches(nameof(props.EnvironmentName), EnvironmentName, EnvironmentPattern(), "1-64 characters without line breaks");
        check.ThrowIfAny();

        Notifications = props.Topic ?? new NotificationTopic(this, "Topic", new NotificationTopicProps
        {
            Subscriptions = subscriptions,
            DisplayName = $"{EnvironmentName} alarms",
        });

        var lb = props.LoadBalancer;
        var alarmsOn = props.Alarms ?? true;
        var natAlarms = new List<Alarm>();
        if (alarmsOn)
        {
            if (lb is not null)
            {
                LoadBalancer5xxRate = NewAlarm(this, "LoadBalancer5xxRate", LbErrorRate(lb, "5"), Thresholds.Five, ComparisonOperator.GREATER_THAN_THRESHOLD, 3, 2,
                    $"{EnvironmentName}: more than {AlarmFactory.Num(Thresholds.Five)}% of requests answered 5xx at the load balancer (its own 5xx and the servers') in 2 of 3 minutes");
                LoadBalancer4xxRate = NewAlarm(this, "LoadBalancer4xxRate", LbErrorRate(lb, "4", Durations.Minutes(5)), Thresholds.Four, ComparisonOperator.GREATER_THAN_THRESHOLD, 2, 2,
                    $"{EnvironmentName}: more than {AlarmFactory.Num(Thresholds.Four)}% of requests answered 4xx at the load balancer for 10 minutes (broken links, auth or a client bug?)");
                LoadBalancerP99Latency = NewAlarm(this, "LoadBalancerP99Latency", lb.LoadBalancer.Metrics.TargetResponseTime(new MetricOptions { Statistic = "p99", Period = MonitoringWidgets.Minute }),
                    Thresholds.P99, ComparisonOperator.GREATER_THAN_THRESHOLD, 3, 3,
                    $"{EnvironmentName}: p99 response time of the servers behind the load balancer above {AlarmFactory.Num(Thresholds.P99)} s for 3 minutes");
                _serviceHealth.AddRange([LoadBalancer5xxRate, LoadBalancerP99Latency]);
            }
            foreach (var fleet in _fleets)
            {
                var alarms = FleetAlarmsFor(fleet);
                _fleetAlarms[fleet] = alarms;
                // Users are affected when servers that get traffic fail or slow down (a canary's share included).
                _serviceHealth.AddRange([alarms.Target5xxRate, alarms.P99Latency]);
            }
            for (var i = 0; i < natIds.Count; i++)
            {
                natAlarms.Add(NewAlarm(this, $"Nat{i + 1}PortAllocationErrors", NatMetric(natIds[i], "ErrorPortAllocation", "Sum"), 1,
                    ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD, 1, 1,
                    $"{EnvironmentName}: NAT gateway {i + 1} could not allocate a source port (too many connections to one destination): servers' outbound calls fail"));
            }
            ServiceUnhealthy = new CompositeAlarm(this, "ServiceUnhealthy", new CompositeAlarmProps
            {
                AlarmDescription = $"{EnvironmentName}: users are affected. ALARM while any of these is in ALARM: load balancer 5xx rate or p99 latency, a fleet's target 5xx rate or p99 latency, or an alarm a section marked as service health. Start with the dashboard.",
                AlarmRule = AlarmRule.FromString(Lazy.String(new Producer(() => _serviceHealth.Count == 0
                    ? AlarmRule.FromBoolean(false).RenderAlarmRule()
                    : AlarmRule.AnyOf(_serviceHealth.Select(a => (IAlarmRule)AlarmRule.FromAlarm(a, AlarmState.ALARM)).ToArray()).RenderAlarmRule()))),
            });
            Notifications.Notify(ServiceUnhealthy);
        }
        NatPortAllocationErrors = natAlarms;

        if (props.AutoScalingNotifications ?? true)
        {
            foreach (var fleet in _fleets)
            {
                var group = (CfnAutoScalingGroup)fleet.AutoScalingGroup.Node.DefaultChild!;
                group.NotificationConfigurations = new object[]
                {
                    new CfnAutoScalingGroup.NotificationConfigurationProperty
                    {
                        TopicArn = Notifications.Topic.TopicArn,
                        NotificationTypes =
                        [
                            "autoscaling:EC2_INSTANCE_LAUNCH", "autoscaling:EC2_INSTANCE_LAUNCH_ERROR",
                            "autoscaling:EC2_INSTANCE_TERMINATE", "autoscaling:EC2_INSTANCE_TERMINATE_ERROR",
                        ],
                    },
                };
            }
        }

        if (props.Dashboard ?? true)
        {
            var name = props.DashboardName ?? $"{DashboardNameUnsafe().Replace(Node.Path.Replace('/', '-'), "_")}-{Aws.REGION}";
            Dashboard = new Dashboard(this, "Dashboard", new DashboardProps
            {
                DashboardName = name,
                DefaultInterval = Durations.Hours(MonitoringDefaults.DashboardHours),
                PeriodOverride = PeriodOverride.AUTO,
            });
            AddOverview(lb);
            if (lb is not null) AddLoadBalancerWidgets(lb);
            if (_fleets.Count > 0) AddFleetWidgets();
            if (natIds.Count > 0) AddNatWidgets(natIds);
        }
    }

    /// <summary>
    /// Adds a section: its widgets under its title on the dashboard, its alarms notifying the topic
    /// (and, unless <see cref="MonitoringSection.AlarmsAffectServiceHealth"/> is false, in the composite
    /// alarm) with a status widget. For another stack's resources prefer plain-string dimensions
    /// (API, stage and function names) over tokens, so the stacks do not depend on each other.
    /// </summary>
    public void AddSection(MonitoringSection section)
    {
        var check = new PropChecks(this, nameof(WebMonitoring) + "." + nameof(AddSection));
        check.Required("section", section);
        check.NotBlank(nameof(MonitoringSection.Title), section.Title ?? "");
        check.ThrowIfAny();
        if (section.Widgets is null || section.Widgets.Any(w => w is null))
            throw check.Fail(nameof(MonitoringSection.Widgets), null, "a list of widgets (may be empty)");
        if (section.Alarms is null || section.Alarms.Any(a => a is null))
            throw check.Fail(nameof(MonitoringSection.Alarms), null, "a list of alarms (may be empty)");
        foreach (var alarm in section.Alarms)
            AddAlarm(alarm, section.AlarmsAffectServiceHealth);
        if (Dashboard is null) return;
        var heading = $"## {section.Title}" + (section.Description is { } d ? "\n" + d : "");
        Dashboard.AddWidgets(MonitoringWidgets.Heading(heading, section.Description is null ? 1 : 2));
        if (section.Alarms.Count > 0)
            Dashboard.AddWidgets(MonitoringWidgets.Status($"{section.Title}: alarms", section.Alarms));
        if (section.Widgets.Count > 0)
            Dashboard.AddWidgets(section.Widgets.ToArray());
    }

    /// <summary>
    /// Makes <paramref name="alarm"/> notify the topic (on ALARM and OK; alarms created elsewhere and imported
    /// cannot be changed and only join the lists) and, with <paramref name="serviceHealth"/>, the composite alarm.
    /// </summary>
    public void AddAlarm(IAlarm alarm, bool serviceHealth = false)
    {
        var check = new PropChecks(this, nameof(WebMonitoring) + "." + nameof(AddAlarm));
        check.Required(nameof(alarm), alarm);
        if (_alarms.Contains(alarm))
            throw check.Fail(nameof(alarm), alarm.Node.Path, "an alarm not added yet (each alarm notifies once)");
        if (serviceHealth && ServiceUnhealthy is not null && Stack.Of(alarm) != Stack.Of(this))
            throw check.Fail(nameof(serviceHealth), alarm.Node.Path,
                "false for an alarm of another stack (the composite alarm would make the stacks depend on each other); give it the topic there");
        if (alarm is AlarmBase own) Notifications.Notify(own);
        _alarms.Add(alarm);
        if (serviceHealth) _serviceHealth.Add(alarm);
    }

    /// <summary>The NAT gateway ids of a VPC built in this app (e.g. by <see cref="Network.ProductionNetwork"/>), in subnet order.</summary>
    public static IReadOnlyList<string> NatGatewayIdsOf(IVpc vpc) =>
        vpc.Node.FindAll().OfType<CfnNatGateway>().Select(n => n.Ref).ToList();

    private FleetAlarms FleetAlarmsFor(WebFleet fleet)
    {
        var label = Label(fleet);
        var rollback = new FleetAlarms(this, UniqueId(fleet), new FleetAlarmsProps { Fleet = fleet, Thresholds = Thresholds, Name = $"{EnvironmentName} {label}" });
        foreach (var alarm in rollback.All) Notify(alarm);
        // The fleet's other alarms sit beside its rollback alarms (paths Monitoring/<fleet>/<alarm>, as before).
        var scope = rollback;
        var t = Thresholds;
        NewAlarm(scope, "HighCpu", GroupMetric(fleet, "AWS/EC2", "CPUUtilization", "Average", Durations.Minutes(5)),
            t.Cpu, ComparisonOperator.GREATER_THAN_THRESHOLD, 3, 3,
            $"{EnvironmentName} {label}: average CPU above {AlarmFactory.Num(t.Cpu)}% for 15 minutes (at maximum capacity, or scaling too slow?)");
        NewAlarm(scope, "CapacityShortfall", new MathExpression(new MathExpressionProps
        {
            Expression = "desired - inService",
            UsingMetrics = new Dictionary<string, IMetric>
            {
                ["desired"] = GroupMetric(fleet, "AWS/AutoScaling", "GroupDesiredCapacity", "Average", Durations.Minutes(5)),
                ["inService"] = GroupMetric(fleet, "AWS/AutoScaling", "GroupInServiceInstances", "Average", Durations.Minutes(5)),
            },
            Label = "servers missing",
            Period = Durations.Minutes(5),
        }),
            1, ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD, 3, 3,
            $"{EnvironmentName} {label}: at least one server fewer in service than desired for 15 minutes (launches failing? see the Deploy log group and the topic's launch errors)");
        if (fleet.Logs is { } logs)
        {
            NewAlarm(scope, "HighMemory", logs.MemoryUsedPercent(), t.Memory, ComparisonOperator.GREATER_THAN_THRESHOLD, 3, 3,
                $"{EnvironmentName} {label}: memory use above {AlarmFactory.Num(t.Memory)}% on a server for 15 minutes");
            NewAlarm(scope, "HighDisk", logs.DiskUsedPercent(), t.Disk, ComparisonOperator.GREATER_THAN_THRESHOLD, 2, 2,
                $"{EnvironmentName} {label}: root volume more than {AlarmFactory.Num(t.Disk)}% full on a server");
            NewAlarm(scope, "AppErrors", logs.AppErrors(), t.AppErrors, ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD, 1, 1,
                $"{EnvironmentName} {label}: {t.AppErrors} or more application error lines in 5 minutes (metric filter on the App log group)");
        }
        return rollback;
    }

    private Alarm NewAlarm(Construct scope, string id, IMetric metric, double threshold, ComparisonOperator op, int periods, int datapoints, string description) =>
        Notify(AlarmFactory.New(scope, id, metric, threshold, op, periods, datapoints, description));

    private Alarm Notify(Alarm alarm)
    {
        Notifications.Notify(alarm);
        _alarms.Add(alarm);
        return alarm;
    }

    // ---- metrics ----

    private MathExpression LbErrorRate(WebLoadBalancer lb, string klass, Duration? period = null)
    {
        var p = period ?? MonitoringWidgets.Minute;
        var m = lb.LoadBalancer.Metrics;
        var sum = new MetricOptions { Period = p, Statistic = "Sum" };
        return new MathExpression(new MathExpressionProps
        {
            Expression = $"IF(requests >= {Thresholds.MinRequests * (int)p.ToMinutes()}, 100 * (FILL(lb, 0) + FILL(targets, 0)) / requests, 0)",
            UsingMetrics = new Dictionary<string, IMetric>
            {
                ["requests"] = m.RequestCount(sum),
                ["lb"] = m.HttpCodeElb(klass == "5" ? HttpCodeElb.ELB_5XX_COUNT : HttpCodeElb.ELB_4XX_COUNT, sum),
                ["targets"] = m.HttpCodeTarget(klass == "5" ? HttpCodeTarget.TARGET_5XX_COUNT : HttpCodeTarget.TARGET_4XX_COUNT, sum),
            },
            Label = $"{klass}xx % of requests",
            Period = p,
        });
    }

    // Metric ids numbered per fleet: the fleets' rates share the "5xx % per fleet" graph.
    private MathExpression TargetErrorRate(WebFleet fleet) =>
        FleetAlarms.ErrorRateOf(fleet, Thresholds.MinRequests, (_fleets.IndexOf(fleet) + 1).ToString(CultureInfo.InvariantCulture), $"{Label(fleet)} 5xx %");

    private static Metric GroupMetric(WebFleet fleet, string ns, string name, string statistic, Duration? period = null, string? label = null) => new(new MetricProps
    {
        Namespace = ns,
        MetricName = name,
        DimensionsMap = new Dictionary<string, string> { ["AutoScalingGroupName"] = fleet.AutoScalingGroup.AutoScalingGroupName },
        Statistic = statistic,
        Period = period ?? MonitoringWidgets.Minute,
        Label = label,
    });

    private static Metric NatMetric(string natId, string name, string statistic, string? label = null) => new(new MetricProps
    {
        Namespace = "AWS/NATGateway",
        MetricName = name,
        DimensionsMap = new Dictionary<string, string> { ["NatGatewayId"] = natId },
        Statistic = statistic,
        Period = Durations.Minutes(5),
        Label = label,
    });

    // ---- dashboard ----

    private void AddOverview(WebLoadBalancer? lb)
    {
        var paths = _fleets.Select(f => f.Bootstrap.HealthCheckPath).Distinct().ToList();
        var health = paths.Count == 0 ? ""
            : $" Health path **{string.Join("**, **", paths)}**: nginx passes it to the app processes; the target groups' health checks, CodeDeploy's ValidateService hook, the *hosts* graphs and the UnhealthyHosts alarms all use it.";
        var parts = new List<string>();
        if (lb is not null) parts.Add("load balancer");
        if (_fleets.Count > 0) parts.Add(string.Join(" and ", _fleets.Select(Label)) + (_fleets.Count > 1 ? " side by side" : ""));
        var contents = parts.Count > 0 ? $" Below: {string.Join(", ", parts)}." : "";
        Dashboard!.AddWidgets(MonitoringWidgets.Heading(
            $"# {EnvironmentName}: web service\nAlarms notify the SNS topic `{Notifications.Topic.TopicName}`.{health}{contents}", 2));
        var own = _alarms.ToList();
        if (ServiceUnhealthy is not null) own.Insert(0, ServiceUnhealthy);
        if (own.Count > 0)
            Dashboard.AddWidgets(MonitoringWidgets.Status("Alarms", own));
    }

    private void AddLoadBalancerWidgets(WebLoadBalancer lb)
    {
        var m = lb.LoadBalancer.Metrics;
        var sum = new MetricOptions { Period = MonitoringWidgets.Minute, Statistic = "Sum" };
        Dashboard!.AddWidgets(MonitoringWidgets.Heading("## Load balancer"));
        Dashboard.AddWidgets(
            MonitoringWidgets.Graph("Requests (load balancer)", [m.RequestCount(sum).With(new MetricOptions { Label = "requests" })]),
            MonitoringWidgets.Graph("4xx and 5xx (load balancer)",
                [m.HttpCodeElb(HttpCodeElb.ELB_5XX_COUNT, sum).With(new MetricOptions { Label = "load balancer 5xx", Color = Color.RED }),
                 m.HttpCodeTarget(HttpCodeTarget.TARGET_5XX_COUNT, sum).With(new MetricOptions { Label = "servers 5xx", Color = Color.ORANGE }),
                 m.HttpCodeElb(HttpCodeElb.ELB_4XX_COUNT, sum).With(new MetricOptions { Label = "load balancer 4xx", Color = Color.PURPLE }),
                 m.HttpCodeTarget(HttpCodeTarget.TARGET_4XX_COUNT, sum).With(new MetricOptions { Label = "servers 4xx", Color = Color.PINK })],
                [LbErrorRate(lb, "5")]),
            MonitoringWidgets.Graph("Latency p50 / p90 / p99 (load balancer)", Percentiles(s => m.TargetResponseTime(s)), leftThreshold: Thresholds.P99, thresholdLabel: "p99 alarm"));
    }

    private void AddFleetWidgets()
    {
        var width = Math.Max(6, 24 / _fleets.Count);
        var sum = new MetricOptions { Period = MonitoringWidgets.Minute, Statistic = "Sum" };
        Dashboard!.AddWidgets(MonitoringWidgets.Heading("## Fleets: " + string.Join(" | ", _fleets.Select(Label))));
        if (_fleets.Count > 1)
        {
            // Canary and switch view: the fleets on one graph each.
            Dashboard.AddWidgets(
                MonitoringWidgets.Graph("Requests per fleet", _fleets.Select(f => (IMetric)f.TargetGroupMetrics.RequestCount(sum).With(new MetricOptions { Label = Label(f), Color = ColorOf(f) }))),
                MonitoringWidgets.Graph("5xx % per fleet", _fleets.Select(f => MonitoringWidgets.Labelled(TargetErrorRate(f), Label(f), ColorOf(f))), leftThreshold: Thresholds.Five, thresholdLabel: "5xx alarm"),
                MonitoringWidgets.Graph("p99 latency per fleet", _fleets.Select(f => (IMetric)f.TargetGroupMetrics.TargetResponseTime(new MetricOptions { Statistic = "p99", Label = Label(f), Color = ColorOf(f), Period = MonitoringWidgets.Minute })),
                    leftThreshold: Thresholds.P99, thresholdLabel: "p99 alarm"));
        }
        Dashboard.AddWidgets(_fleets.Select(f => (IWidget)MonitoringWidgets.Graph($"Requests and errors: {Label(f)}",
            [f.TargetGroupMetrics.RequestCount(sum).With(new MetricOptions { Label = "requests" })],
            [f.TargetGroupMetrics.HttpCodeTarget(HttpCodeTarget.TARGET_5XX_COUNT, sum).With(new MetricOptions { Label = "5xx", Color = Color.RED }),
             f.TargetGroupMetrics.HttpCodeTarget(HttpCodeTarget.TARGET_4XX_COUNT, sum).With(new MetricOptions { Label = "4xx", Color = Color.PURPLE })], width)).ToArray());
        Dashboard.AddWidgets(_fleets.Select(f => (IWidget)MonitoringWidgets.Graph($"Latency p50 / p90 / p99: {Label(f)}",
            Percentiles(s => f.TargetGroupMetrics.TargetResponseTime(s)), width: width, leftThreshold: Thresholds.P99, thresholdLabel: "p99 alarm")).ToArray());
        Dashboard.AddWidgets(_fleets.Select(f => (IWidget)MonitoringWidgets.Graph($"Healthy / unhealthy hosts ({f.Bootstrap.HealthCheckPath}): {Label(f)}",
            [f.TargetGroupMetrics.HealthyHostCount(new MetricOptions { Statistic = "Minimum", Period = MonitoringWidgets.Minute, Label = "healthy (min)", Color = Color.GREEN }),
             f.TargetGroupMetrics.UnhealthyHostCount(new MetricOptions { Statistic = "Maximum", Period = MonitoringWidgets.Minute, Label = "unhealthy (max)", Color = Color.RED })],
            width: width, leftThreshold: Thresholds.Unhealthy, thresholdLabel: "unhealthy alarm")).ToArray());
        Dashboard.AddWidgets(_fleets.Select(f => (IWidget)MonitoringWidgets.Graph($"Capacity and CPU: {Label(f)}",
            [GroupMetric(f, "AWS/AutoScaling", "GroupDesiredCapacity", "Average", label: "desired"),
             GroupMetric(f, "AWS/AutoScaling", "GroupInServiceInstances", "Average", label: "in service")],
            [GroupMetric(f, "AWS/EC2", "CPUUtilization", "Average", label: "CPU % (average)")], width)).ToArray());
        if (_fleets.Any(f => f.Logs is not null))
        {
            Dashboard.AddWidgets(_fleets.Select(f => (IWidget)(f.Logs is { } logs
                ? MonitoringWidgets.Graph($"Memory, disk, app errors: {Label(f)}",
                    [logs.MemoryUsedPercent(MonitoringWidgets.Minute), logs.DiskUsedPercent(MonitoringWidgets.Minute)],
                    [logs.AppErrors(MonitoringWidgets.Minute).With(new MetricOptions { Color = Color.RED })], width)
                : MonitoringWidgets.Heading($"{Label(f)}: no CloudWatch agent (WebFleetProps.Logs.Enabled = false)", MonitoringWidgets.GraphHeight))).ToArray());
        }
    }

    private void AddNatWidgets(IReadOnlyList<string> natIds)
    {
        var numbered = natIds.Select((id, i) => (Id: id, N: i + 1)).ToList();
        Dashboard!.AddWidgets(MonitoringWidgets.Heading("## NAT gateways (the servers' outbound traffic)"));
        Dashboard.AddWidgets(
            MonitoringWidgets.Graph("NAT traffic (bytes per 5 minutes)", numbered.SelectMany(n => new IMetric[]
            {
                NatMetric(n.Id, "BytesOutToDestination", "Sum", $"NAT {n.N} out to internet"),
                NatMetric(n.Id, "BytesInFromDestination", "Sum", $"NAT {n.N} in from internet"),
            })),
            MonitoringWidgets.Graph("NAT active connections", numbered.Select(n => (IMetric)NatMetric(n.Id, "ActiveConnectionCount", "Maximum", $"NAT {n.N}"))),
            MonitoringWidgets.Graph("NAT errors and drops", numbered.SelectMany(n => new IMetric[]
            {
                NatMetric(n.Id, "ErrorPortAllocation", "Sum", $"NAT {n.N} port allocation errors"),
                NatMetric(n.Id, "PacketsDropCount", "Sum", $"NAT {n.N} packets dropped"),
            })));
    }

    private static IEnumerable<IMetric> Percentiles(Func<MetricOptions, Metric> metric) =>
        new[] { ("p50", Color.GREEN), ("p90", Color.ORANGE), ("p99", Color.RED) }
            .Select(p => (IMetric)metric(new MetricOptions { Statistic = p.Item1, Label = p.Item1, Color = p.Item2, Period = MonitoringWidgets.Minute }));

    private static string Label(WebFleet fleet) => fleet.Bootstrap.Color ?? fleet.Node.Id;

    private static string? ColorOf(WebFleet fleet) => fleet.Bootstrap.Color switch
    {
        "blue" => Color.BLUE,
        "green" => Color.GREEN,
        _ => null,
    };

    private string UniqueId(WebFleet fleet)
    {
        var id = fleet.Node.Id;
        return _fleets.Count(f => f.Node.Id == id) > 1 ? $"{id}{_fleets.IndexOf(fleet) + 1}" : id;
    }

    private sealed class Producer(Func<string> produce) : Amazon.JSII.Runtime.Deputy.DeputyBase, IStableStringProducer
    {
        public string? Produce() => produce();
    }

    [GeneratedRegex(@"^[A-Za-z0-9_-]{1,255}$")]
    private static partial Regex DashboardNamePattern();

    [GeneratedRegex(@"[^A-Za-z0-9_-]")]
    private static partial Regex DashboardNameUnsafe();

    [GeneratedRegex(@"^[^\r\n]{1,64}$")]
    private static partial Regex EnvironmentPattern();
}
