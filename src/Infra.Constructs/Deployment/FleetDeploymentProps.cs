using Amazon.CDK.AWS.CodeDeploy;
using Infra.Constructs.Compute;
using Infra.Constructs.Monitoring;

namespace Infra.Constructs.Deployment;

/// <summary>Props for <see cref="FleetDeployment"/>.</summary>
public sealed record FleetDeploymentProps
{
    /// <summary>The fleet to deploy to. Required.</summary>
    public required WebFleet Fleet { get; init; }

    /// <summary>The CodeDeploy application (share one across the fleets of a service). Required.</summary>
    public required IServerApplication Application { get; init; }

    /// <summary>Bucket of revision bundles; the fleet's role may read its <c>revisions/</c> prefix. Required.</summary>
    public required RevisionBucket Revisions { get; init; }

    /// <summary>How many servers are updated at once. Default: <see cref="RollingConfig.OneAtATime"/>.</summary>
    public RollingConfig? Config { get; init; }

    /// <summary>With <see cref="RollingConfig.Custom"/>: healthy hosts to keep (a count, or a percent 1-99). Required in that mode.</summary>
    public int? MinimumHealthyHosts { get; init; }

    /// <summary>With <see cref="RollingConfig.Custom"/>: <see cref="MinimumHealthyHosts"/> is a percent. Default: false (a count).</summary>
    public bool? MinimumHealthyHostsArePercent { get; init; }

    /// <summary>
    /// The alarms of <see cref="Fleet"/> that stop and roll back a deployment (and the fleet's instance refresh),
    /// e.g. <see cref="WebMonitoring.AlarmsOf"/>: deployments roll back on the alarms operators watch, not on a
    /// second set. Add more with <see cref="FleetDeployment.AddAlarm"/>. Default: a <see cref="FleetAlarms"/> built
    /// here with the default thresholds and no topic (build one with <see cref="FleetAlarmsProps.Thresholds"/> and
    /// <see cref="FleetAlarmsProps.Topic"/> to set them).
    /// </summary>
    public FleetAlarms? Alarms { get; init; }
}
