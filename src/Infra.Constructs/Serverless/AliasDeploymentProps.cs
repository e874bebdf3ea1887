using Amazon.CDK.AWS.CloudWatch;
using Amazon.CDK.AWS.CodeDeploy;
using Amazon.CDK.AWS.Lambda;

namespace Infra.Constructs.Serverless;

/// <summary>Props for <see cref="AliasDeployment"/>.</summary>
public sealed record AliasDeploymentProps
{
    /// <summary>The alias whose version changes are shifted (e.g. <see cref="VersionedFunction.Alias"/>). Required.</summary>
    public required Alias Alias { get; init; }

    /// <summary>How traffic moves to a new version. Default: <see cref="TrafficShift.Canary"/>(10, 5), i.e. <c>CodeDeployDefault.LambdaCanary10Percent5Minutes</c>.</summary>
    public TrafficShift? Shift { get; init; }

    /// <summary>Roll back when the alias has at least this many errors in one minute (1-100000). Default: 1.</summary>
    public int? MaxErrorsPerMinute { get; init; }

    /// <summary>Function run before traffic moves (it must report to CodeDeploy with PutLifecycleEventHookExecutionStatus). Default: none.</summary>
    public IFunction? PreTrafficHook { get; init; }

    /// <summary>Function run after all traffic moved (reports like <see cref="PreTrafficHook"/>). Default: none.</summary>
    public IFunction? PostTrafficHook { get; init; }

    /// <summary>The CodeDeploy application. Default: a new one.</summary>
    public ILambdaApplication? Application { get; init; }

    /// <summary>Further alarms that stop and roll back a deployment. Default: none.</summary>
    public IReadOnlyList<IAlarm>? ExtraAlarms { get; init; }

    /// <summary>
    /// Actions run when the alias's errors alarm goes into ALARM, e.g. <c>new SnsAction(topic)</c>
    /// to notify the team that a traffic shift was rolled back (no entry may be null). Applied to the
    /// alarm this construct creates, not to <see cref="ExtraAlarms"/>, which bring their own.
    /// Default: none (the alarm still stops and rolls back the deployment).
    /// </summary>
    public IReadOnlyList<IAlarmAction>? AlarmActions { get; init; }
}
