using Infra.Constructs.Compute;
using Infra.Constructs.LoadBalancing;

namespace Infra.Constructs.Monitoring;

/// <summary>Props for <see cref="WebMonitoring"/>. Widgets and alarms appear only for what is given.</summary>
public sealed record WebMonitoringProps
{
    /// <summary>Environment name shown on the dashboard and in alarm descriptions. Default: the first fleet's environment name, else the stack name.</summary>
    public string? EnvironmentName { get; init; }

    /// <summary>The load balancer: requests, 4xx/5xx, latency (p50, p90, p99). Default: none.</summary>
    public WebLoadBalancer? LoadBalancer { get; init; }

    /// <summary>
    /// Fleets, side by side (e.g. blue and green): their target groups (requests, errors, latency, healthy and
    /// unhealthy hosts), Auto Scaling groups (desired and in-service capacity, CPU) and, when their logs are on,
    /// memory, disk and app errors. Each target group must already be routed from a listener. Default: none.
    /// </summary>
    public IReadOnlyList<WebFleet>? Fleets { get; init; }

    /// <summary>
    /// NAT gateway ids (traffic, connections, port-allocation errors); <see cref="WebMonitoring.NatGatewayIdsOf"/> finds
    /// those of a VPC built in this app. Empty or unset: no NAT widgets. Default: none.
    /// </summary>
    public IReadOnlyList<string>? NatGatewayIds { get; init; }

    /// <summary>The environment's notification topic. Default: a new <see cref="NotificationTopic"/> with <see cref="Subscriptions"/>.</summary>
    public NotificationTopic? Topic { get; init; }

    /// <summary>Subscribers of the topic created when <see cref="Topic"/> is unset (give them to that topic otherwise). Default: none.</summary>
    public IReadOnlyList<AlarmSubscription>? Subscriptions { get; init; }

    /// <summary>Alarm thresholds. Default: see <see cref="AlarmThresholds"/>.</summary>
    public AlarmThresholds? Thresholds { get; init; }

    /// <summary>Create the dashboard. Default: true.</summary>
    public bool? Dashboard { get; init; }

    /// <summary>Dashboard name (letters, digits, - and _; dashboards are per account, not per region). Default: the construct path and the region, e.g. <c>Prod-Web-Monitoring-eu-west-1</c>.</summary>
    public string? DashboardName { get; init; }

    /// <summary>Create the alarms and the composite "service unhealthy" alarm. Default: true.</summary>
    public bool? Alarms { get; init; }

    /// <summary>Send the fleets' launch and terminate notifications (and their failures) to the topic. Default: true.</summary>
    public bool? AutoScalingNotifications { get; init; }
}
