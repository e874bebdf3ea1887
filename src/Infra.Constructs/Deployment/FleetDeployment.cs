using Amazon.CDK;
using Amazon.CDK.AWS.CloudWatch;
using Amazon.CDK.AWS.CodeDeploy;
using Constructs;
using Infra.Constructs.Compute;
using Infra.Constructs.Monitoring;
using Infra.Constructs.Validation;

namespace Infra.Constructs.Deployment;

/// <summary>
/// In-place (rolling) deployments with CodeDeploy to one fleet: a server deployment group on the
/// fleet's Auto Scaling group and target group (servers leave the load balancer while they are
/// updated), a deployment config, and automatic rollback on failure or on the fleet's
/// <see cref="Monitoring.FleetAlarms"/> (given, usually by <see cref="WebMonitoring.AlarmsOf"/>, or built here),
/// which also stop the fleet's instance refresh. The revision bundle and its hooks are in <c>deploy/</c>.
/// </summary>
public sealed class FleetDeployment : Construct
{
    /// <summary>The deployment group.</summary>
    public IServerDeploymentGroup DeploymentGroup { get; }

    /// <summary>Alarms a deployment group takes at most (CodeDeploy's limit; an instance refresh takes 10 too).</summary>
    public const int MaxAlarms = 10;

    /// <summary>The fleet's alarms: <see cref="FleetDeploymentProps.Alarms"/>, or built here.</summary>
    public FleetAlarms FleetAlarms { get; }

    /// <summary>Every alarm that stops and rolls back a deployment: the fleet's three, then those added.</summary>
    public IReadOnlyList<IAlarm> Alarms => _alarms;

    private readonly List<IAlarm> _alarms = [];
    private readonly ServerDeploymentGroup _group;
    private readonly WebFleet _fleet;

    /// <summary>Creates the deployment group on the fleet's alarms.</summary>
    public FleetDeployment(Construct scope, string id, FleetDeploymentProps props) : base(scope, id)
    {
        PropChecks.RequireProps(this, props);
        var check = new PropChecks(this, nameof(FleetDeploymentProps));
        var fleet = check.Required(nameof(props.Fleet), props.Fleet);
        var application = check.Required(nameof(props.Application), props.Application);
        var revisions = check.Required(nameof(props.Revisions), props.Revisions);
        if (props.Alarms is { } given && given.Fleet != fleet)
            check.Reject(nameof(props.Alarms), given.Node.Path, $"the alarms of {fleet.Node.Path} (FleetAlarmsProps.Fleet), not of {given.Fleet.Node.Path}");
        _fleet = fleet;

        var mode = props.Config ?? RollingConfig.OneAtATime;
        IServerDeploymentConfig config;
        switch (mode)
        {
            case RollingConfig.OneAtATime: config = ServerDeploymentConfig.ONE_AT_A_TIME; break;
            case RollingConfig.HalfAtATime: config = ServerDeploymentConfig.HALF_AT_A_TIME; break;
            case RollingConfig.AllAtOnce: config = ServerDeploymentConfig.ALL_AT_ONCE; break;
            case RollingConfig.Custom:
                var n = props.MinimumHealthyHosts ?? throw check.Fail(nameof(props.MinimumHealthyHosts), null, "a count (0 or more) or a percent (1-99) when Config is Custom");
                var percent = props.MinimumHealthyHostsArePercent ?? false;
                if (percent) check.InRange(nameof(props.MinimumHealthyHosts), n, 1, 99);
                else check.InRange(nameof(props.MinimumHealthyHosts), n, 0, Math.Max(0, fleet.MaxCapacity - 1));
                check.ThrowIfAny();
                config = new ServerDeploymentConfig(this, "Config", new ServerDeploymentConfigProps
                {
                    MinimumHealthyHosts = percent ? MinimumHealthyHosts.Percentage(n) : MinimumHealthyHosts.Count(n),
                });
                break;
            default:
                throw check.Fail(nameof(props.Config), mode, "OneAtATime, HalfAtATime, AllAtOnce or Custom");
        }
        if (mode != RollingConfig.Custom && props.MinimumHealthyHosts is not null)
            check.Reject(nameof(props.MinimumHealthyHosts), props.MinimumHealthyHosts, "unset unless Config is Custom");
        check.ThrowIfAny();

        revisions.GrantReadRevisions(fleet.Role);

        // Without monitoring the deployment builds the fleet's alarms itself: the same construct, maths and defaults.
        FleetAlarms = props.Alarms ?? new FleetAlarms(this, "Alarms", new FleetAlarmsProps { Fleet = fleet });

        DeploymentGroup = _group = new ServerDeploymentGroup(this, "Group", new ServerDeploymentGroupProps
        {
            Application = application,
            AutoScalingGroups = [fleet.AutoScalingGroup],
            LoadBalancers = [LoadBalancer.Application(fleet.TargetGroup)],
            DeploymentConfig = config,
            // The fleet's user data installs the agent (see FleetBootstrapScript).
            InstallAgent = false,
            // Alarms come through AddAlarm (the group renders them at synthesis).
            AutoRollback = new AutoRollbackConfig { FailedDeployment = true, StoppedDeployment = true, DeploymentInAlarm = true },
        });
        // Confused deputy: CodeDeploy may assume the service role only for deployment groups of this
        // application in this account (the group's own name would make the role depend on the group).
        // The role keeps the AWS managed AWSCodeDeployRole: AWS documents no narrower set of actions for
        // EC2/Auto Scaling deployments (docs/security.md).
        Security.ServiceTrust.RestrictToSource(DeploymentGroup.Role!,
            $"arn:{Aws.PARTITION}:codedeploy:{Aws.REGION}:{Aws.ACCOUNT_ID}:deploymentgroup:{application.ApplicationName}/*");
        foreach (var alarm in FleetAlarms.All) AddAlarm(alarm);
    }

    /// <summary>
    /// Makes <paramref name="alarm"/> stop and roll back a deployment, and, when the fleet rolls out by instance
    /// refresh, stop its refresh (a bad image rolls back like a bad revision). An alarm already added is kept once.
    /// </summary>
    public void AddAlarm(IAlarm alarm)
    {
        var check = new PropChecks(this, nameof(FleetDeployment) + "." + nameof(AddAlarm));
        check.Required(nameof(alarm), alarm);
        if (_alarms.Contains(alarm)) return;
        if (_alarms.Count == MaxAlarms)
            throw check.Fail(nameof(alarm), alarm.Node.Path,
                $"at most {MaxAlarms} alarms per deployment, the fleet's three included (CodeDeploy's limit, and an instance refresh takes at most 10)");
        _alarms.Add(alarm);
        _group.AddAlarm(alarm);
        if (_fleet.UpdateStrategy == FleetUpdateStrategy.InstanceRefresh)
            _fleet.AddRefreshAlarm(alarm);
    }
}
