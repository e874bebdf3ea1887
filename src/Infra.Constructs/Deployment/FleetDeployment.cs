using Amazon.CDK;
using Amazon.CDK.AWS.CloudWatch;
using Amazon.CDK.AWS.CodeDeploy;
using Constructs;
using Infra.Constructs.Validation;
using static System.FormattableString;

namespace Infra.Constructs.Deployment;

/// <summary>
/// In-place (rolling) deployments with CodeDeploy to one fleet: a server deployment group on the
/// fleet's Auto Scaling group and target group (servers leave the load balancer while they are
/// updated), a deployment config, alarms on the fleet's 5xx rate, unhealthy hosts and p99 latency,
/// and automatic rollback on failure or alarm. The revision bundle and its hooks are in <c>deploy/</c>.
/// </summary>
public sealed class FleetDeployment : Construct
{
    /// <summary>The deployment group.</summary>
    public IServerDeploymentGroup DeploymentGroup { get; }

    /// <summary>The alarms that stop and roll back a deployment.</summary>
    public IReadOnlyList<IAlarm> Alarms { get; }

    /// <summary>Creates the deployment group and its alarms.</summary>
    public FleetDeployment(Construct scope, string id, FleetDeploymentProps props) : base(scope, id)
    {
        PropChecks.RequireProps(this, props);
        Guardrails.SecretLiteralGuard.EnsureOn(scope);
        var check = new PropChecks(this, nameof(FleetDeploymentProps));
        var fleet = check.Required(nameof(props.Fleet), props.Fleet);
        var application = check.Required(nameof(props.Application), props.Application);
        var revisions = check.Required(nameof(props.Revisions), props.Revisions);
        if (props.Alarms is { } given)
        {
            if (given.Count == 0 || given.Any(a => a is null))
                throw check.Fail(nameof(props.Alarms), given, "at least one alarm (a deployment rolls back only on alarms), or unset for the built-in ones");
            foreach (var (name, value) in new (string, object?)[] { (nameof(props.Max5xxPercent), props.Max5xxPercent), (nameof(props.MaxUnhealthyHosts), props.MaxUnhealthyHosts), (nameof(props.MaxP99LatencySeconds), props.MaxP99LatencySeconds), (nameof(props.AlarmTopic), props.AlarmTopic) })
                if (value is not null)
                    throw check.Fail(name, value, "unset when Alarms is given (it configures the built-in alarms only)");
        }
        var max5xx = props.Max5xxPercent ?? 5;
        check.InRange(nameof(props.Max5xxPercent), max5xx, 0.1, 100);
        var unhealthy = props.MaxUnhealthyHosts ?? 1;
        check.InRange(nameof(props.MaxUnhealthyHosts), unhealthy, 1, 1000);
        var p99 = props.MaxP99LatencySeconds ?? 2;
        check.InRange(nameof(props.MaxP99LatencySeconds), p99, 0.01, 60);

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
                config = new ServerDeploymentConfig(this, "Config", new ServerDeploymentConfigProps
                {
                    MinimumHealthyHosts = percent ? MinimumHealthyHosts.Percentage(n) : MinimumHealthyHosts.Count(n),
                });
                break;
            default:
                throw check.Fail(nameof(props.Config), mode, "OneAtATime, HalfAtATime, AllAtOnce or Custom");
        }
        if (mode != RollingConfig.Custom && props.MinimumHealthyHosts is not null)
            throw check.Fail(nameof(props.MinimumHealthyHosts), props.MinimumHealthyHosts, "unset unless Config is Custom");

        revisions.GrantReadRevisions(fleet.Role);

        var tg = fleet.TargetGroupMetrics;
        var period = Durations.Minutes(1);
        var errors5xx = new MathExpression(new MathExpressionProps
        {
            Expression = "100 * errors / MAX([requests, 1])",
            UsingMetrics = new Dictionary<string, IMetric>
            {
                ["errors"] = tg.HttpCodeTarget(Amazon.CDK.AWS.ElasticLoadBalancingV2.HttpCodeTarget.TARGET_5XX_COUNT, new MetricOptions { Period = period, Statistic = "Sum" }),
                ["requests"] = tg.RequestCount(new MetricOptions { Period = period, Statistic = "Sum" }),
            },
            Label = "Target 5xx percent",
            Period = period,
        });
        var alarms = props.Alarms is { } own ? new List<IAlarm>(own) : new List<IAlarm>
        {
            new Alarm(this, "Target5xxRate", new AlarmProps
            {
                AlarmDescription = Invariant($"{fleet.Node.Path}: more than {max5xx}% of requests answered 5xx by the servers"),
                Metric = errors5xx,
                Threshold = max5xx,
                ComparisonOperator = ComparisonOperator.GREATER_THAN_THRESHOLD,
                EvaluationPeriods = 1,
                TreatMissingData = TreatMissingData.NOT_BREACHING,
            }),
            new Alarm(this, "UnhealthyHosts", new AlarmProps
            {
                AlarmDescription = Invariant($"{fleet.Node.Path}: {unhealthy} or more servers failing the load balancer health check"),
                Metric = tg.UnhealthyHostCount(new MetricOptions { Period = period, Statistic = "Maximum" }),
                Threshold = unhealthy,
                ComparisonOperator = ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
                EvaluationPeriods = 2,
                TreatMissingData = TreatMissingData.NOT_BREACHING,
            }),
            new Alarm(this, "P99Latency", new AlarmProps
            {
                AlarmDescription = Invariant($"{fleet.Node.Path}: p99 response time above {p99} s"),
                Metric = tg.TargetResponseTime(new MetricOptions { Period = period, Statistic = "p99" }),
                Threshold = p99,
                ComparisonOperator = ComparisonOperator.GREATER_THAN_THRESHOLD,
                EvaluationPeriods = 3,
                TreatMissingData = TreatMissingData.NOT_BREACHING,
            }),
        };
        if (props.Alarms is null && props.AlarmTopic is { } topic)
        {
            var action = new Amazon.CDK.AWS.CloudWatch.Actions.SnsAction(topic);
            foreach (var alarm in alarms.Cast<Alarm>()) { alarm.AddAlarmAction(action); alarm.AddOkAction(action); }
        }
        alarms.AddRange(props.ExtraAlarms ?? []);
        Alarms = alarms;
        // The same alarms stop an instance refresh of the fleet (a new image or launch template), so a bad
        // image rolls back like a bad revision. EC2 Auto Scaling takes at most 10.
        if (fleet.UpdateStrategy == Compute.FleetUpdateStrategy.InstanceRefresh)
        {
            if (alarms.Count > 10)
                throw check.Fail(nameof(props.ExtraAlarms), $"{alarms.Count} alarms in all", "at most 10 alarms with the built-in or given ones (they also stop the fleet's instance refresh, which takes at most 10)");
            foreach (var alarm in alarms) fleet.AddRefreshAlarm(alarm);
        }

        DeploymentGroup = new ServerDeploymentGroup(this, "Group", new ServerDeploymentGroupProps
        {
            Application = application,
            AutoScalingGroups = [fleet.AutoScalingGroup],
            LoadBalancers = [LoadBalancer.Application(fleet.TargetGroup)],
            DeploymentConfig = config,
            // The fleet's user data installs the agent (see FleetBootstrapScript).
            InstallAgent = false,
            Alarms = alarms.ToArray(),
            AutoRollback = new AutoRollbackConfig { FailedDeployment = true, StoppedDeployment = true, DeploymentInAlarm = true },
        });
        // Confused deputy: CodeDeploy may assume the service role only for deployment groups of this
        // application in this account (the group's own name would make the role depend on the group).
        // The role keeps the AWS managed AWSCodeDeployRole: AWS documents no narrower set of actions for
        // EC2/Auto Scaling deployments (docs/security.md).
        Security.ServiceTrust.RestrictToSource(DeploymentGroup.Role!,
            $"arn:{Aws.PARTITION}:codedeploy:{Aws.REGION}:{Aws.ACCOUNT_ID}:deploymentgroup:{application.ApplicationName}/*");
    }
}
