using Amazon.CDK;
using Amazon.CDK.AWS.AutoScaling;
using Amazon.CDK.AWS.EC2;
using Amazon.CDK.AWS.ElasticLoadBalancingV2;
using Amazon.CDK.AWS.IAM;
using Constructs;
using Infra.Constructs.Defaults;
using Infra.Constructs.Validation;
using BlockDevice = Amazon.CDK.AWS.EC2.BlockDevice;
using BlockDeviceVolume = Amazon.CDK.AWS.EC2.BlockDeviceVolume;
using EbsDeviceOptions = Amazon.CDK.AWS.EC2.EbsDeviceOptions;
using EbsDeviceVolumeType = Amazon.CDK.AWS.EC2.EbsDeviceVolumeType;
using Ec2InstanceType = Amazon.CDK.AWS.EC2.InstanceType;
using ElbHealthCheck = Amazon.CDK.AWS.ElasticLoadBalancingV2.HealthCheck;

namespace Infra.Constructs.Compute;

/// <summary>
/// A group of identical web servers: launch template (AMI, IMDSv2 only, encrypted gp3 root volume,
/// detailed monitoring, instance profile), user data that runs nginx in front of several app
/// processes and the CodeDeploy agent, an Auto Scaling group in private subnets that scales on CPU,
/// on requests and on a schedule, replaces servers in rolling batches that wait for a healthy
/// signal, and its own target group for the load balancer.
/// </summary>
public sealed partial class WebFleet : Construct
{
    /// <summary>The Auto Scaling group.</summary>
    public AutoScalingGroup AutoScalingGroup { get; }

    /// <summary>The launch template.</summary>
    public LaunchTemplate LaunchTemplate { get; }

    /// <summary>
    /// True when the fleet follows the public "latest Amazon Linux 2023" parameter (no image given):
    /// CloudFormation resolves it on every deploy, so an image AWS publishes replaces the servers at the
    /// next deploy of anything in the stack. Record an image per region instead (<see cref="WebFleetProps.AmiIdsByRegion"/>).
    /// </summary>
    public bool FollowsLatestImage { get; }

    /// <summary>The servers' role (instance profile).</summary>
    public IRole Role { get; }

    /// <summary>The fleet's target group; the load balancer forwards to it.</summary>
    public ApplicationTargetGroup TargetGroup { get; }

    /// <summary>The rendered first-boot script options.</summary>
    public FleetBootstrapScript.Options Bootstrap { get; }

    /// <summary>Log groups, error metric and agent settings; null when <see cref="WebFleetProps.Logs"/> turns them off.</summary>
    public FleetLogs? Logs { get; }

    /// <summary>The props resolved: defaults applied, every value checked.</summary>
    public WebFleetSettings Settings { get; }

    /// <summary>Effective minimum capacity.</summary>
    public int MinCapacity { get; }

    /// <summary>Effective maximum capacity.</summary>
    public int MaxCapacity { get; }

    private readonly int _requestsPerTarget;
    private IApplicationTargetGroupMetrics? _targetGroupMetrics;

    /// <summary>The target group's metrics, read once (each <c>TargetGroup.Metrics</c> is a jsii round trip).</summary>
    internal IApplicationTargetGroupMetrics TargetGroupMetrics => _targetGroupMetrics ??= TargetGroup.Metrics;

    /// <summary>Creates the fleet.</summary>
    public WebFleet(Construct scope, string id, WebFleetProps props) : base(scope, id)
    {
        PropChecks.RequireProps(this, props);
        var check = new PropChecks(this, nameof(WebFleetProps));
        var vpc = check.Required(nameof(props.Vpc), props.Vpc);
        var subnets = ServerSubnets(vpc, check);
        var securityGroup = check.Required(nameof(props.SecurityGroup), props.SecurityGroup);

        var groups = Security.WebSecurityGroups.Of(securityGroup);
        var stackRegion = Stack.Of(this).Region;
        var settings = WebFleetSettings.Resolve(props, check,
            new WebFleetSettings.Context(groups?.InstancePort, groups?.Node.Path, Token.IsUnresolved(stackRegion) ? null : stackRegion));
        check.ThrowIfAny();
        Settings = settings;
        var (min, max) = (settings.MinCapacity, settings.MaxCapacity);
        var envName = settings.EnvironmentName;
        _requestsPerTarget = settings.RequestsPerTargetPerMinute;

        MinCapacity = min;
        MaxCapacity = max;

        var role = new Role(this, "InstanceRole", new RoleProps
        {
            AssumedBy = new ServicePrincipal("ec2.amazonaws.com"),
            Description = $"Web servers of {Node.Path}",
        });
        Role = role;
        ParameterPrefix = settings.ParameterPrefix;
        // Session Manager (instead of SSH keys) and Run Command, and nothing else of Systems Manager: not
        // AmazonSSMManagedInstanceCore, whose ssm:GetParameter(s) on * would let any server read every
        // parameter, the private key InstanceAccess stores included. These agent actions take no resource.
        role.AddToPrincipalPolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = "SessionManagerAndRunCommand",
            Actions =
            [
                "ssm:UpdateInstanceInformation",
                "ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel", "ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel",
                "ec2messages:AcknowledgeMessage", "ec2messages:DeleteMessage", "ec2messages:FailMessage", "ec2messages:GetEndpoint", "ec2messages:GetMessages", "ec2messages:SendReply",
            ],
            Resources = ["*"],
        }));
        // The app's own configuration, if it keeps any in Parameter Store: its environment's prefix only.
        role.AddToPrincipalPolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = "OwnParameters",
            Actions = ["ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath"],
            Resources =
            [
                Stack.Of(this).FormatArn(new ArnComponents { Service = "ssm", Resource = "parameter", ResourceName = $"{envName}/web" }),
                Stack.Of(this).FormatArn(new ArnComponents { Service = "ssm", Resource = "parameter", ResourceName = $"{envName}/web/*" }),
            ],
        }));
        props.AppSecret?.GrantRead(role);
        Logs = settings.LogsEnabled ? new FleetLogs(this, "Logs", props.Logs ?? new(), role) : null;

        var wait = settings.WaitsForHealthySignal;
        Bootstrap = new FleetBootstrapScript.Options(settings.AppProcessCount, settings.AppBasePort, settings.InstancePort, settings.HealthCheckPath, envName, settings.Color,
            props.AppSecret?.SecretArn, settings.InstallCodeDeployAgent, Logs?.Agent, SendsSignal: wait);
        var userData = UserData.ForLinux();
        userData.AddCommands(FleetBootstrapScript.Render(Bootstrap));

        var instanceType = new Ec2InstanceType(settings.InstanceType);
        var image = props.MachineImage
            ?? (props.AmiId is { } pinned
                ? new PinnedImage(pinned)
                : props.AmiIdsByRegion is { } recorded
                ? new PinnedImage(RecordedImageId(recorded))
                : Amazon.CDK.AWS.EC2.MachineImage.LatestAmazonLinux2023(new AmazonLinux2023ImageSsmParameterProps
                {
                    CpuType = instanceType.Architecture == InstanceArchitecture.ARM_64 ? AmazonLinuxCpuType.ARM_64 : AmazonLinuxCpuType.X86_64,
                }));
        FollowsLatestImage = props.MachineImage is null && props.AmiId is null && props.AmiIdsByRegion is null;

        LaunchTemplate = new LaunchTemplate(this, "LaunchTemplate", new LaunchTemplateProps
        {
            MachineImage = image,
            InstanceType = instanceType,
            SecurityGroup = securityGroup,
            Role = role,
            UserData = userData,
            KeyPair = props.KeyPair,
            RequireImdsv2 = true,
            HttpPutResponseHopLimit = 1,
            HttpTokens = LaunchTemplateHttpTokens.REQUIRED,
            DetailedMonitoring = true,
            BlockDevices =
            [
                new BlockDevice
                {
                    DeviceName = settings.RootDeviceName,
                    Volume = BlockDeviceVolume.Ebs(settings.RootVolumeGiB, new EbsDeviceOptions
                    {
                        VolumeType = EbsDeviceVolumeType.GP3,
                        Encrypted = true,
                        DeleteOnTermination = true,
                    }),
                },
            ],
        });

        AutoScalingGroup = new AutoScalingGroup(this, "Group", PropsOverride.Apply(new AutoScalingGroupProps
        {
            Vpc = vpc,
            VpcSubnets = subnets,
            LaunchTemplate = LaunchTemplate,
            MinCapacity = min,
            MaxCapacity = max,
            DesiredCapacity = settings.DesiredCapacity,
            HealthChecks = HealthChecks.WithAdditionalChecks(new AdditionalHealthChecksOptions
            {
                AdditionalTypes = [AdditionalHealthCheckType.ELB],
                GracePeriod = Durations.Seconds(settings.HealthCheckGraceSeconds),
            }),
            Signals = wait ? Signals.WaitForMinCapacity(new SignalsOptions { Timeout = Durations.Minutes(settings.SignalTimeoutMinutes) }) : null,
            // A group without servers (MaxSize 0) has nothing to replace: no policy, so every warm <-> cold
            // transition, with or without an image change, is a plain update CloudFormation accepts.
            UpdatePolicy = max == 0 || settings.Refresh is not null ? null : UpdatePolicy.RollingUpdate(new RollingUpdateOptions
            {
                MaxBatchSize = settings.RollingMaxBatchSize,
                MinInstancesInService = settings.RollingMinInService,
                PauseTime = Durations.Minutes(wait ? settings.SignalTimeoutMinutes : ComputeDefaults.RollingPauseMinutesWithoutSignal),
                WaitOnResourceSignals = wait,
                SuspendProcesses = [ScalingProcess.HEALTH_CHECK, ScalingProcess.REPLACE_UNHEALTHY, ScalingProcess.AZ_REBALANCE, ScalingProcess.ALARM_NOTIFICATION, ScalingProcess.SCHEDULED_ACTIONS],
            }),
            DefaultInstanceWarmup = Durations.Seconds(settings.InstanceWarmupSeconds),
            GroupMetrics = [GroupMetrics.All()],
        }, props.AutoScalingGroupOverrides));
        UpdateStrategy = max == 0 ? null : settings.UpdateStrategy;
        _refresh = max > 0 ? settings.Refresh : null;
        ApplyInstanceRefresh();
        if (wait)
        {
            // Signal success or failure on exit of the first-boot script, so a broken image fails fast.
            userData.AddSignalOnExitCommand(AutoScalingGroup);
        }

        if (settings.CpuTargetPercent > 0 && max > 0)
            AutoScalingGroup.ScaleOnCpuUtilization("CpuTracking", new CpuUtilizationScalingProps { TargetUtilizationPercent = settings.CpuTargetPercent });

        foreach (var s in settings.Schedules)
        {
            AutoScalingGroup.ScaleOnSchedule(s.Name, new BasicScheduledActionProps
            {
                Schedule = Schedule.Expression(s.Cron.Trim()),
                TimeZone = s.TimeZone,
                MinCapacity = s.MinCapacity,
                MaxCapacity = s.MaxCapacity,
                DesiredCapacity = s.DesiredCapacity,
            });
        }

        TargetGroup = new ApplicationTargetGroup(this, "TargetGroup", new ApplicationTargetGroupProps
        {
            Vpc = vpc,
            Port = settings.InstancePort,
            Protocol = ApplicationProtocol.HTTP,
            TargetType = TargetType.INSTANCE,
            DeregistrationDelay = Durations.Seconds(settings.DeregistrationDelaySeconds),
            HealthCheck = new ElbHealthCheck
            {
                Path = settings.HealthCheckPath,
                HealthyHttpCodes = ComputeDefaults.HealthyHttpCodes,
                Interval = Durations.Seconds(ComputeDefaults.HealthCheckIntervalSeconds),
                Timeout = Durations.Seconds(ComputeDefaults.HealthCheckTimeoutSeconds),
                HealthyThresholdCount = ComputeDefaults.HealthyThresholdCount,
                UnhealthyThresholdCount = ComputeDefaults.UnhealthyThresholdCount,
            },
        });
        AutoScalingGroup.AttachToApplicationTargetGroup(TargetGroup);
    }

    /// <summary>
    /// Adds an alarm that stops an instance refresh of this fleet when it fires (CloudFormation then rolls the
    /// stack back to the previous launch template). <see cref="Deployment.FleetDeployment"/> adds its rollback
    /// alarms here. At most 10 per fleet (an EC2 Auto Scaling limit; an alarm added twice counts once); ignored
    /// under a rolling update.
    /// </summary>
    public void AddRefreshAlarm(Amazon.CDK.AWS.CloudWatch.IAlarm alarm)
    {
        ArgumentNullException.ThrowIfNull(alarm);
        if (_refreshAlarms.Contains(alarm)) return;
        if (_refreshAlarms.Count == MaxRefreshAlarms)
            throw new PropChecks(this, nameof(WebFleet)).Fail("refresh alarms", alarm.Node.Path, $"at most {MaxRefreshAlarms} alarms per fleet (EC2 Auto Scaling's limit for an instance refresh)");
        _refreshAlarms.Add(alarm);
        ApplyInstanceRefresh();
    }

    /// <summary>
    /// The Parameter Store prefix the servers may read (<c>/{EnvironmentName}/web/</c>); no other parameter is
    /// readable by them.
    /// </summary>
    public string ParameterPrefix { get; } = "";

    /// <summary>How a launch-template change replaces the servers; null for a fleet scaled to zero (nothing to replace).</summary>
    public FleetUpdateStrategy? UpdateStrategy { get; }

    private const int MaxRefreshAlarms = 10;
    private readonly List<Amazon.CDK.AWS.CloudWatch.IAlarm> _refreshAlarms = [];
    private readonly FleetRefreshPlan? _refresh;

    /// <summary>
    /// Sets the AutoScalingInstanceRefresh update policy on the CloudFormation resource, again whenever an alarm
    /// that stops it is added (<see cref="AddRefreshAlarm"/>), so the fleet can exist before its alarms do.
    /// </summary>
    private void ApplyInstanceRefresh()
    {
        if (_refresh is not { } plan) return;
        var group = (CfnAutoScalingGroup)AutoScalingGroup.Node.DefaultChild!;
        // cfn-lint 1.51 (the newest served here) predates the AutoScalingInstanceRefresh policy (CloudFormation
        // template reference, aws-attribute-updatepolicy) and reports it as an unknown key: silenced on this
        // resource only, so E3016 keeps checking every other update policy.
        group.AddMetadata("cfn-lint", new Dictionary<string, object>
        {
            ["config"] = new Dictionary<string, object> { ["ignore_checks"] = new[] { "E3016" } },
        });
        group.CfnOptions.UpdatePolicy = new CfnUpdatePolicy
        {
            // Kept from the CDK: a deploy leaves the capacity that scheduled actions set alone.
            AutoScalingScheduledAction = group.CfnOptions.UpdatePolicy?.AutoScalingScheduledAction,
            AutoScalingInstanceRefresh = new CfnAutoScalingInstanceRefresh
            {
                Strategy = "Rolling",
                Preferences = new CfnAutoScalingInstanceRefreshPreferences
                {
                    MinHealthyPercentage = plan.MinHealthy,
                    MaxHealthyPercentage = plan.MaxHealthy,
                    // Servers already on the new launch template (a repeated or resumed refresh) are kept.
                    SkipMatching = true,
                    CheckpointPercentages = plan.Checkpoints.Count > 0 ? plan.Checkpoints.Select(c => (double)c).ToArray() : null,
                    CheckpointDelay = plan.Checkpoints.Count > 0 ? plan.CheckpointDelayMinutes * 60 : null,
                    BakeTime = plan.BakeMinutes > 0 ? plan.BakeMinutes * 60 : null,
                    AlarmSpecification = _refreshAlarms.Count == 0 ? null : new CfnAutoScalingInstanceRefreshAlarmSpecification
                    {
                        Alarms = _refreshAlarms.Select(a => a.AlarmName).ToArray(),
                    },
                },
            },
        };
    }

    /// <summary>
    /// Adds target tracking on requests per server. Call after the target group is routed from a
    /// listener (the metric names the load balancer). Does nothing when request scaling is off.
    /// </summary>
    public void ScaleOnRequests()
    {
        if (_requestsPerTarget > 0 && MaxCapacity > 0)
            AutoScalingGroup.ScaleOnRequestCount("RequestTracking", new RequestCountScalingProps { TargetRequestsPerMinute = _requestsPerTarget });
    }

    /// <summary>
    /// The recorded image of the stack's region: the id itself when the stack has a region, else a mapping
    /// looked up at deploy time, and a rule that refuses a region with no record before any change.
    /// </summary>
    private string RecordedImageId(IReadOnlyDictionary<string, string> byRegion)
    {
        var stack = Stack.Of(this);
        if (!Token.IsUnresolved(stack.Region)) return byRegion[stack.Region];
        var mapping = new CfnMapping(this, "ImageByRegion", new CfnMappingProps
        {
            Mapping = byRegion.ToDictionary(kv => kv.Key, kv => (IDictionary<string, object>)new Dictionary<string, object> { ["ami"] = kv.Value }),
        });
        var regions = byRegion.Keys.Order(StringComparer.Ordinal).ToArray();
        _ = new CfnRule(this, "ImageRecordedForRegion", new CfnRuleProps
        {
            Assertions =
            [
                new CfnRuleAssertion
                {
                    Assert = Fn.ConditionContains(regions, Aws.REGION),
                    AssertDescription = $"{Node.Path} has a recorded image only for {string.Join(", ", regions)}: record one for this region with tools/images (docs/images.md).",
                },
            ],
        });
        return mapping.FindInMap(Aws.REGION, "ami");
    }

    /// <summary>An AMI id that works in any region (the id is the user's promise).</summary>
    private sealed class PinnedImage(string amiId) : Amazon.JSII.Runtime.Deputy.DeputyBase, IMachineImage
    {
        public IMachineImageConfig GetImage(Construct scope) => new MachineImageConfig
        {
            ImageId = amiId,
            OsType = OperatingSystemType.LINUX,
            UserData = UserData.ForLinux(),
        };
    }

    // The servers' subnets: private with egress (NAT); without NAT, the isolated group a network with
    // endpoints only names "private" (ProductionNetwork.PrivateSubnetGroupName), never a database group.
    private static SubnetSelection ServerSubnets(IVpc vpc, PropChecks check)
    {
        if (vpc.PrivateSubnets.Length > 0)
            return new SubnetSelection { SubnetType = SubnetType.PRIVATE_WITH_EGRESS };
        var group = Network.ProductionNetwork.PrivateSubnetGroupName;
        if (vpc.IsolatedSubnets.Any(s => s.Node.Id.StartsWith(group + "Subnet", StringComparison.Ordinal)))
            return new SubnetSelection { SubnetGroupName = group };
        check.Reject(nameof(WebFleetProps.Vpc), vpc.Node.Path,
            $"a VPC with private subnets: with egress (NAT), or isolated ones in a group named '{group}' (ProductionNetwork with Egress = EndpointsOnly)");
        return new SubnetSelection { SubnetType = SubnetType.PRIVATE_WITH_EGRESS };
    }
}
