using Amazon.CDK.AWS.CodeDeploy;
using Infra.Constructs.Compute;

namespace Infra.Constructs.Deployment;

/// <summary>Props for <see cref="FleetDeployment"/>.</summary>
public sealed class FleetDeploymentProps
{
    /// <summary>The fleet to deploy to. Required.</summary>
    public WebFleet? Fleet { get; init; }

    /// <summary>The CodeDeploy application (share one across the fleets of a service). Required.</summary>
    public IServerApplication? Application { get; init; }

    /// <summary>Bucket of revision bundles; the fleet's role may read its <c>revisions/</c> prefix. Required.</summary>
    public RevisionBucket? Revisions { get; init; }

    /// <summary>How many servers are updated at once. Default: <see cref="RollingConfig.OneAtATime"/>.</summary>
    public RollingConfig? Config { get; init; }

    /// <summary>With <see cref="RollingConfig.Custom"/>: healthy hosts to keep (a count, or a percent 1-99). Required in that mode.</summary>
    public int? MinimumHealthyHosts { get; init; }

    /// <summary>With <see cref="RollingConfig.Custom"/>: <see cref="MinimumHealthyHosts"/> is a percent. Default: false (a count).</summary>
    public bool? MinimumHealthyHostsArePercent { get; init; }

    /// <summary>Roll back when the target group's 5xx share of requests exceeds this percent over 1 minute (0.1-100). Default: 5.</summary>
    public double? Max5xxPercent { get; init; }

    /// <summary>Roll back when at least this many targets are unhealthy for 2 minutes (1-1000). Default: 1.</summary>
    public int? MaxUnhealthyHosts { get; init; }

    /// <summary>Roll back when p99 target response time exceeds this many seconds for 3 minutes (0.01-60). Default: 2.</summary>
    public double? MaxP99LatencySeconds { get; init; }

    /// <summary>Further alarms that stop and roll back a deployment (e.g. from the monitoring construct). Default: none.</summary>
    public IReadOnlyList<Amazon.CDK.AWS.CloudWatch.IAlarm>? ExtraAlarms { get; init; }

    /// <summary>
    /// The alarms that stop and roll back a deployment, used instead of the three built here (then leave
    /// <see cref="Max5xxPercent"/>, <see cref="MaxUnhealthyHosts"/> and <see cref="MaxP99LatencySeconds"/> unset),
    /// e.g. <see cref="Monitoring.WebMonitoring.DeploymentAlarmsOf"/>: the deployment rolls back on the alarms
    /// operators watch, not on a second set. Default: the built-in 5xx, unhealthy-host and p99 alarms.
    /// </summary>
    public IReadOnlyList<Amazon.CDK.AWS.CloudWatch.IAlarm>? Alarms { get; init; }

    /// <summary>Topic the built-in alarms notify on ALARM and OK (alarms without an action go unnoticed). Default: none.</summary>
    public Amazon.CDK.AWS.SNS.ITopic? AlarmTopic { get; init; }
}
