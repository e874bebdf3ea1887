using Amazon.CDK;
using Amazon.CDK.AWS.EC2;
using Amazon.CDK.AWS.SecretsManager;

namespace Infra.Constructs.Compute;

/// <summary>Props for <see cref="WebFleet"/>.</summary>
public sealed record WebFleetProps
{
    /// <summary>The VPC; servers go in its private subnets. Required.</summary>
    public required IVpc Vpc { get; init; }

    /// <summary>Security group of the servers (see <see cref="Security.WebSecurityGroups.App"/>). Required.</summary>
    public required ISecurityGroup SecurityGroup { get; init; }

    /// <summary>Name of the environment, written to the servers' app config (e.g. <c>prod</c>). Default: <c>default</c>.</summary>
    public string? EnvironmentName { get; init; }

    /// <summary>A pinned or golden AMI id (<c>ami-...</c>). Default: latest Amazon Linux 2023 from the public SSM parameter. Give this or <see cref="MachineImage"/>, not both.</summary>
    public string? AmiId { get; init; }

    /// <summary>Any CDK machine image. Default: latest Amazon Linux 2023 from the public SSM parameter. Give this or <see cref="AmiId"/>, not both.</summary>
    public IMachineImage? MachineImage { get; init; }

    /// <summary>
    /// The image per region (<c>eu-west-1</c> → <c>ami-...</c>), recorded in the repository, so that a new
    /// image reaches the servers only through a reviewed change (docs/images.md). In an
    /// environment-agnostic stack it becomes a CloudFormation mapping read at deploy time for the stack's
    /// region, with a rule that stops a deploy to an unrecorded region before anything changes; in a stack
    /// with a region, that region's id. Without any image the fleet follows the public "latest Amazon Linux
    /// 2023" parameter, which CloudFormation resolves anew on every deploy: a deploy after AWS publishes an
    /// image replaces the servers. Give one of <see cref="AmiId"/>, <see cref="MachineImage"/> and this.
    /// </summary>
    public IReadOnlyDictionary<string, string>? AmiIdsByRegion { get; init; }

    /// <summary>EC2 instance type, e.g. <c>t3.small</c> or <c>m7g.large</c> (Graviton types get an arm64 image). Default: <c>t3.small</c>.</summary>
    public string? InstanceType { get; init; }

    /// <summary>Minimum servers. Default: 2.</summary>
    public int? MinCapacity { get; init; }

    /// <summary>Desired servers, reset on every deploy when set. Default: unset; the group starts at <see cref="MinCapacity"/> and scaling policies own it.</summary>
    public int? DesiredCapacity { get; init; }

    /// <summary>Maximum servers. Default: 4 (at least <see cref="MinCapacity"/>).</summary>
    public int? MaxCapacity { get; init; }

    /// <summary>App processes per server behind nginx (1-32). Default: 2.</summary>
    public int? AppProcessCount { get; init; }

    /// <summary>Port of the first app process on 127.0.0.1 (1024-65535). Default: 8001.</summary>
    public int? AppBasePort { get; init; }

    /// <summary>
    /// Port nginx listens on for the load balancer. Default: the port of <see cref="SecurityGroup"/> when it is a
    /// <see cref="Security.WebSecurityGroups.App"/> group (which must then not differ), else 80.
    /// </summary>
    public int? InstancePort { get; init; }

    /// <summary>Health path (starts with <c>/</c>). Default: <c>/health</c>.</summary>
    public string? HealthCheckPath { get; init; }

    /// <summary>Encrypted gp3 root volume size in GiB (8-16384). Default: 16.</summary>
    public int? RootVolumeGiB { get; init; }

    /// <summary>Root device name of the image. Default: <c>/dev/xvda</c> (Amazon Linux).</summary>
    public string? RootDeviceName { get; init; }

    /// <summary>EC2 key pair for SSH (see <see cref="Security.InstanceAccess"/>). Default: none; use Session Manager.</summary>
    public IKeyPair? KeyPair { get; init; }

    /// <summary>Application secret: the servers' role may read it and its ARN (never its value) is written to the app config. Default: none.</summary>
    public ISecret? AppSecret { get; init; }

    /// <summary>How long before ELB health checks count for a new server (whole seconds, 0-7200). Default: 300 seconds.</summary>
    public Duration? HealthCheckGrace { get; init; }

    /// <summary>Average CPU percent to track (1-100), or 0 to turn CPU scaling off. Default: 50.</summary>
    public int? CpuTargetPercent { get; init; }

    /// <summary>Requests per minute per server to track, or 0 to turn request scaling off. Default: 1000.</summary>
    public int? RequestsPerTargetPerMinute { get; init; }

    /// <summary>Scheduled capacity changes. Default: none.</summary>
    public IReadOnlyList<FleetSchedule>? Schedules { get; init; }

    /// <summary>
    /// How a launch-template change (image, user data, instance type) replaces the servers. Default:
    /// <see cref="FleetUpdateStrategy.InstanceRefresh"/>, launching new servers before terminating old ones.
    /// A fleet scaled to zero (MaxCapacity 0) gets no update policy: it has no servers to replace.
    /// </summary>
    public FleetUpdateStrategy? UpdateStrategy { get; init; }

    /// <summary>Instance refresh: percent of the desired capacity kept in service and healthy (0-100). Default: 100.</summary>
    public int? RefreshMinHealthyPercent { get; init; }

    /// <summary>
    /// Instance refresh: percent of the desired capacity that may be in service or launching (100-200, at most
    /// <see cref="RefreshMinHealthyPercent"/> + 100, and above 100 when the minimum is 100). Default: 200.
    /// </summary>
    public int? RefreshMaxHealthyPercent { get; init; }

    /// <summary>
    /// Instance refresh: pause points as percentages of the servers replaced, ascending, unique, the last one 100
    /// (e.g. <c>[25, 100]</c>); the fleet's alarms keep watching during each pause. Default: none.
    /// </summary>
    public IReadOnlyList<int>? RefreshCheckpointPercentages { get; init; }

    /// <summary>Instance refresh: the pause at each checkpoint (whole minutes, 0-2880). Default: 10 minutes when checkpoints are set.</summary>
    public Duration? RefreshCheckpointDelay { get; init; }

    /// <summary>Instance refresh: how long to watch the alarms after the last server is replaced before the update succeeds (whole minutes, 0-2880). Default: none.</summary>
    public Duration? RefreshBake { get; init; }

    /// <summary>
    /// How long after a new server is in service before an instance refresh moves on and its metrics join the
    /// group's (the group's DefaultInstanceWarmup, whole seconds, 0-3600). Default: 60 seconds.
    /// </summary>
    public Duration? InstanceWarmup { get; init; }

    /// <summary>Rolling update (<see cref="FleetUpdateStrategy.RollingUpdate"/> only): servers per batch. Default: 1.</summary>
    public int? RollingMaxBatchSize { get; init; }

    /// <summary>Rolling update (<see cref="FleetUpdateStrategy.RollingUpdate"/> only): servers kept in service. Default: the minimum capacity minus one batch, at least 0 and below the maximum.</summary>
    public int? RollingMinInService { get; init; }

    /// <summary>
    /// Servers signal CloudFormation (cfn-signal) only after nginx answers the health path; creation (and
    /// rolling updates) wait for those signals. Default: true.
    /// </summary>
    public bool? WaitForHealthySignal { get; init; }

    /// <summary>How long to wait for each success signal (whole minutes, 1-60). Default: 15 minutes.</summary>
    public Duration? SignalTimeout { get; init; }

    /// <summary>Install and start the CodeDeploy agent. Default: true.</summary>
    public bool? InstallCodeDeployAgent { get; init; }

    /// <summary>Deregistration delay of the fleet's target group (whole seconds, 0-3600). Default: 30 seconds.</summary>
    public Duration? DeregistrationDelay { get; init; }

    /// <summary>Label of the fleet written to the app config and tags, e.g. <c>blue</c>. Default: none.</summary>
    public string? Color { get; init; }

    /// <summary>
    /// Logs and server metrics: the CloudWatch agent ships nginx, app and deployment logs to encrypted log groups
    /// and memory and disk use to CloudWatch (see <see cref="FleetLogs"/>). Default: on, 365 days, a key per fleet.
    /// </summary>
    public FleetLogging? Logs { get; init; }

    /// <summary>
    /// Escape hatch: the CDK's props of the Auto Scaling group, overriding the library's (see
    /// <see cref="Validation.PropsOverride"/>: every property set here wins, e.g. <c>MaxInstanceLifetime</c>,
    /// <c>TerminationPolicies</c>, <c>CapacityRebalance</c>, <c>Notifications</c>, <c>AutoScalingGroupName</c>), except
    /// those in <see cref="WebFleetSettings.GuardedGroupProps"/>: the ones this construct derives from its own props or
    /// its launch template, rejected at synth time with the prop to use instead. Default: none.
    /// </summary>
    public Amazon.CDK.AWS.AutoScaling.AutoScalingGroupProps? AutoScalingGroupOverrides { get; init; }
}
