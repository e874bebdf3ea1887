using Amazon.CDK;
using Amazon.CDK.AWS.CloudWatch;
using Amazon.CDK.AWS.CodeDeploy;
using Constructs;
using Infra.Constructs.Defaults;
using Infra.Constructs.Validation;

namespace Infra.Constructs.Serverless;

/// <summary>
/// Traffic shifting of a Lambda alias with CodeDeploy: when a deploy points the alias at a new
/// version, CodeDeploy moves traffic gradually (canary or linear, see <see cref="TrafficShift"/>),
/// runs the optional pre- and post-traffic hooks, and rolls the alias back when the alias's errors
/// alarm fires or the deployment fails. <see cref="AliasDeploymentProps.AlarmActions"/> (e.g. an SNS
/// topic) are told when that alarm fires. The alternative to <see cref="CanaryRestApi"/> when the
/// shift belongs to the function (every caller of the alias) rather than to one API stage.
/// </summary>
public sealed class AliasDeployment : Construct
{
    /// <summary>The deployment group.</summary>
    public LambdaDeploymentGroup DeploymentGroup { get; }

    /// <summary>The deployment configuration in use.</summary>
    public ILambdaDeploymentConfig Config { get; }

    /// <summary>The alarms that stop and roll back a deployment.</summary>
    public IReadOnlyList<IAlarm> Alarms { get; }

    /// <summary>Creates the deployment group, its configuration and alarms.</summary>
    public AliasDeployment(Construct scope, string id, AliasDeploymentProps props) : base(scope, id)
    {
        PropChecks.RequireProps(this, props);
        var check = new PropChecks(this, nameof(AliasDeploymentProps));
        var alias = check.Required(nameof(props.Alias), props.Alias);
        var shift = props.Shift ?? TrafficShift.Canary(LambdaDefaults.ShiftCanaryPercent, LambdaDefaults.ShiftIntervalMinutes);
        if (!Enum.IsDefined(shift.Kind))
            throw check.Fail(nameof(props.Shift), shift, "AllAtOnce, Canary(percent, minutes) or Linear(percent, minutes)");
        if (shift.Kind != TrafficShiftKind.AllAtOnce)
        {
            check.InRange($"{nameof(props.Shift)}.{nameof(TrafficShift.Percent)}", shift.Percent, 1, 99);
            check.InRange($"{nameof(props.Shift)}.{nameof(TrafficShift.IntervalMinutes)}", shift.IntervalMinutes, 1, 2880);
        }
        var maxErrors = props.MaxErrorsPerMinute ?? LambdaDefaults.ShiftMaxErrorsPerMinute;
        check.InRange(nameof(props.MaxErrorsPerMinute), maxErrors, 1, 100000);
        var alarmActions = props.AlarmActions ?? [];
        if (alarmActions.Any(a => a is null))
            check.Reject(nameof(props.AlarmActions), "(a null entry)", "alarm actions such as new SnsAction(topic), none of them null");
        if (props.PreTrafficHook is not null && ReferenceEquals(props.PreTrafficHook, props.PostTrafficHook))
            check.Reject(nameof(props.PostTrafficHook), "(the PreTrafficHook function)", "a function other than PreTrafficHook (one hook function per lifecycle event)");
        check.ThrowIfAny();

        Config = Predefined(shift) ?? new LambdaDeploymentConfig(this, "Config", new LambdaDeploymentConfigProps
        {
            TrafficRouting = shift.Kind == TrafficShiftKind.Canary
                ? TrafficRouting.TimeBasedCanary(new TimeBasedCanaryTrafficRoutingProps { Percentage = shift.Percent, Interval = Durations.Minutes(shift.IntervalMinutes) })
                : TrafficRouting.TimeBasedLinear(new TimeBasedLinearTrafficRoutingProps { Percentage = shift.Percent, Interval = Durations.Minutes(shift.IntervalMinutes) }),
        });

        var errors = new Alarm(this, "AliasErrors", new AlarmProps
        {
            AlarmDescription = $"{alias.Node.Path}: {maxErrors} or more errors in a minute; rolls back a traffic shift",
            Metric = alias.MetricErrors(new MetricOptions { Period = Durations.Minutes(1), Statistic = "Sum" }),
            Threshold = maxErrors,
            ComparisonOperator = ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            EvaluationPeriods = 1,
            TreatMissingData = TreatMissingData.NOT_BREACHING,
        });
        if (alarmActions.Count > 0) errors.AddAlarmAction([.. alarmActions]);
        var alarms = new List<IAlarm> { errors };
        alarms.AddRange(props.ExtraAlarms ?? []);
        Alarms = alarms;

        DeploymentGroup = new LambdaDeploymentGroup(this, "Group", new LambdaDeploymentGroupProps
        {
            Alias = alias,
            Application = props.Application,
            DeploymentConfig = Config,
            Alarms = [.. alarms],
            PreHook = props.PreTrafficHook,
            PostHook = props.PostTrafficHook,
            AutoRollback = new AutoRollbackConfig { FailedDeployment = true, StoppedDeployment = true, DeploymentInAlarm = true },
        });
        // Confused deputy: CodeDeploy may assume the service role only for this application's deployment
        // groups in this account (docs/security.md).
        Security.ServiceTrust.RestrictToSource(DeploymentGroup.Role,
            $"arn:{Aws.PARTITION}:codedeploy:{Aws.REGION}:{Aws.ACCOUNT_ID}:deploymentgroup:{DeploymentGroup.Application.ApplicationName}/*");
    }

    private static ILambdaDeploymentConfig? Predefined(TrafficShift shift) => (shift.Kind, shift.Percent, shift.IntervalMinutes) switch
    {
        (TrafficShiftKind.AllAtOnce, _, _) => LambdaDeploymentConfig.ALL_AT_ONCE,
        (TrafficShiftKind.Canary, 10, 5) => LambdaDeploymentConfig.CANARY_10PERCENT_5MINUTES,
        (TrafficShiftKind.Canary, 10, 10) => LambdaDeploymentConfig.CANARY_10PERCENT_10MINUTES,
        (TrafficShiftKind.Canary, 10, 15) => LambdaDeploymentConfig.CANARY_10PERCENT_15MINUTES,
        (TrafficShiftKind.Canary, 10, 30) => LambdaDeploymentConfig.CANARY_10PERCENT_30MINUTES,
        (TrafficShiftKind.Linear, 10, 1) => LambdaDeploymentConfig.LINEAR_10PERCENT_EVERY_1MINUTE,
        (TrafficShiftKind.Linear, 10, 2) => LambdaDeploymentConfig.LINEAR_10PERCENT_EVERY_2MINUTES,
        (TrafficShiftKind.Linear, 10, 3) => LambdaDeploymentConfig.LINEAR_10PERCENT_EVERY_3MINUTES,
        (TrafficShiftKind.Linear, 10, 10) => LambdaDeploymentConfig.LINEAR_10PERCENT_EVERY_10MINUTES,
        _ => null,
    };
}
