using Amazon.CDK.AWS.SNS;
using Infra.Constructs.Compute;

namespace Infra.Constructs.Monitoring;

/// <summary>Props for <see cref="FleetAlarms"/>.</summary>
public sealed record FleetAlarmsProps
{
    /// <summary>The fleet; its target group must already be routed from a listener (<c>WebLoadBalancer.Route</c>). Required.</summary>
    public required WebFleet Fleet { get; init; }

    /// <summary>
    /// Thresholds; these alarms read <see cref="AlarmThresholds.Max5xxPercent"/>, <see cref="AlarmThresholds.MaxUnhealthyHosts"/>,
    /// <see cref="AlarmThresholds.MaxP99Latency"/> and <see cref="AlarmThresholds.MinRequestsPerMinute"/>.
    /// Default: the values in <see cref="Defaults.MonitoringDefaults"/>.
    /// </summary>
    public AlarmThresholds? Thresholds { get; init; }

    /// <summary>How the alarm descriptions name the fleet (1-100 characters, no line breaks). Default: the fleet's construct path.</summary>
    public string? Name { get; init; }

    /// <summary>
    /// Topic the alarms notify on ALARM and OK (alarms without an action go unnoticed). Default: none;
    /// <see cref="WebMonitoring"/> makes the alarms it builds notify its own topic.
    /// </summary>
    public ITopic? Topic { get; init; }
}
