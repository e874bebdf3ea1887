using System.Text.RegularExpressions;
using Amazon.CDK.AWS.CloudWatch;
using Amazon.CDK.AWS.CloudWatch.Actions;
using Amazon.CDK.AWS.ElasticLoadBalancingV2;
using Constructs;
using Infra.Constructs.Compute;
using Infra.Constructs.Validation;

namespace Infra.Constructs.Monitoring;

/// <summary>
/// The alarms that say a fleet's servers fail its users, built once per fleet: the target group's 5xx share
/// of requests (1 minute; a minute with fewer than <see cref="AlarmThresholds.MinRequestsPerMinute"/> requests
/// counts as 0), unhealthy hosts (2 minutes) and p99 latency (3 minutes). <see cref="WebMonitoring"/> builds
/// them for each fleet it watches (dashboard, topic, composite alarm); <c>Deployment.FleetDeployment</c> rolls
/// deployments and instance refreshes back on them, and builds them itself when it is given none.
/// </summary>
public sealed partial class FleetAlarms : Construct
{
    /// <summary>The fleet these alarms watch.</summary>
    public WebFleet Fleet { get; }

    /// <summary>Target 5xx share of requests above <see cref="AlarmThresholds.Max5xxPercent"/> in a minute.</summary>
    public Alarm Target5xxRate { get; }

    /// <summary>At least <see cref="AlarmThresholds.MaxUnhealthyHosts"/> targets failing the health check for 2 minutes.</summary>
    public Alarm UnhealthyHosts { get; }

    /// <summary>p99 target response time above <see cref="AlarmThresholds.MaxP99Latency"/> for 3 minutes.</summary>
    public Alarm P99Latency { get; }

    /// <summary>The three alarms, in this order: 5xx rate, unhealthy hosts, p99 latency.</summary>
    public IReadOnlyList<Alarm> All => [Target5xxRate, UnhealthyHosts, P99Latency];

    /// <summary>The thresholds in force (unset values are the defaults).</summary>
    public AlarmThresholds Thresholds { get; }

    /// <summary>Creates the three alarms of <see cref="FleetAlarmsProps.Fleet"/>.</summary>
    public FleetAlarms(Construct scope, string id, FleetAlarmsProps props) : base(scope, id)
    {
        PropChecks.RequireProps(this, props);
        var check = new PropChecks(this, nameof(FleetAlarmsProps));
        Fleet = check.Required(nameof(props.Fleet), props.Fleet);
        Thresholds = props.Thresholds ?? new AlarmThresholds();
        Thresholds.Validate(check, nameof(props.Thresholds));
        check.Matches(nameof(props.Name), props.Name, NamePattern(), "1-100 characters without line breaks");
        if (!IsRouted(Fleet))
            check.Reject(nameof(props.Fleet), Fleet.Node.Path, RoutedFleet);
        check.ThrowIfAny();

        var name = props.Name ?? Fleet.Node.Path;
        var t = Thresholds;
        var tg = Fleet.TargetGroupMetrics;
        Target5xxRate = AlarmFactory.New(this, "Target5xxRate", ErrorRateOf(Fleet, t.MinRequests, "", "5xx % of requests"), t.Five,
            ComparisonOperator.GREATER_THAN_THRESHOLD, 1, 1,
            $"{name}: more than {AlarmFactory.Num(t.Five)}% of requests answered 5xx by the servers in a minute (rolls back a deployment)");
        UnhealthyHosts = AlarmFactory.New(this, "UnhealthyHosts", tg.UnhealthyHostCount(new MetricOptions { Period = MonitoringWidgets.Minute, Statistic = "Maximum" }),
            t.Unhealthy, ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD, 2, 2,
            $"{name}: {t.Unhealthy} or more servers failing the load balancer's health check on {Fleet.Bootstrap.HealthCheckPath} for 2 minutes (rolls back a deployment)");
        P99Latency = AlarmFactory.New(this, "P99Latency", tg.TargetResponseTime(new MetricOptions { Period = MonitoringWidgets.Minute, Statistic = "p99" }),
            t.P99, ComparisonOperator.GREATER_THAN_THRESHOLD, 3, 3,
            $"{name}: p99 response time above {AlarmFactory.Num(t.P99)} s for 3 minutes (rolls back a deployment)");

        if (props.Topic is { } topic)
        {
            var action = new SnsAction(topic);
            foreach (var alarm in All) { alarm.AddAlarmAction(action); alarm.AddOkAction(action); }
        }
    }

    /// <summary>What is allowed for a fleet whose target group no listener routes to.</summary>
    internal const string RoutedFleet = "a fleet whose target group a listener routes to (call WebLoadBalancer.Route first: target-group metrics name the load balancer)";

    /// <summary>
    /// The target 5xx share of requests in percent per minute, 0 below <paramref name="minRequestsPerMinute"/> requests
    /// (one failed request out of two is not an incident). The one formula of the alarm and the dashboard's graph;
    /// <paramref name="idSuffix"/> keeps metric ids apart when several fleets share a graph.
    /// </summary>
    internal static MathExpression ErrorRateOf(WebFleet fleet, int minRequestsPerMinute, string idSuffix, string label)
    {
        var sum = new MetricOptions { Period = MonitoringWidgets.Minute, Statistic = "Sum" };
        var tg = fleet.TargetGroupMetrics;
        var (errors, requests) = ("errors" + idSuffix, "requests" + idSuffix);
        return new MathExpression(new MathExpressionProps
        {
            Expression = $"IF({requests} >= {minRequestsPerMinute}, 100 * FILL({errors}, 0) / {requests}, 0)",
            UsingMetrics = new Dictionary<string, IMetric>
            {
                [errors] = tg.HttpCodeTarget(HttpCodeTarget.TARGET_5XX_COUNT, sum),
                [requests] = tg.RequestCount(sum),
            },
            Label = label,
            Period = MonitoringWidgets.Minute,
        });
    }

    /// <summary>Whether a listener routes to the fleet's target group: its metrics name the load balancer, and the CDK throws without one.</summary>
    internal static bool IsRouted(WebFleet fleet)
    {
        try { _ = fleet.TargetGroupMetrics.RequestCount(); return true; }
        catch (Exception e) when (e is not OutOfMemoryException) { return false; }
    }

    [GeneratedRegex(@"^[^\r\n]{1,100}$")]
    private static partial Regex NamePattern();
}
