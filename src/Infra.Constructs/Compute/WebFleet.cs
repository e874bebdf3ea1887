using System.Text.RegularExpressions;
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

        var instanceTypeName = props.InstanceType ?? ComputeDefaults.InstanceType;
        check.Matches(nameof(props.InstanceType), instanceTypeName, InstanceTypePattern(),
            "an EC2 instance type: a family, a dot and a size (nano, micro, small, medium, large, xlarge, 2xlarge ... 48xlarge, metal, metal-24xl), such as t3.small or m7g.large");
        check.Matches(nameof(props.AmiId), props.AmiId, AmiPattern(), "an AMI id such as ami-0abcdef1234567890");
        if (props.AmiId is not null && props.MachineImage is not null)
            throw check.Fail(nameof(props.AmiId), props.AmiId, "unset when MachineImage is given (give one image, not both)");
        if (props.AmiIdsByRegion is { } byRegion)
        {
            if (props.AmiId is not null || props.MachineImage is not null)
                throw check.Fail(nameof(props.AmiIdsByRegion), $"({byRegion.Count} regions)", "unset when AmiId or MachineImage is given (give one image source)");
            if (byRegion.Count == 0)
                throw check.Fail(nameof(props.AmiIdsByRegion), "(empty)", "at least one region → AMI id, or unset");
            foreach (var (region, ami) in byRegion)
            {
                check.Matches($"{nameof(props.AmiIdsByRegion)}[{region}]", region, RegionPattern(), "a region name such as eu-west-1");
                check.Matches($"{nameof(props.AmiIdsByRegion)}[{region}]", ami, AmiPattern(), "an AMI id such as ami-0abcdef1234567890");
            }
            var stackRegion = Stack.Of(this).Region;
            if (!Token.IsUnresolved(stackRegion) && !byRegion.ContainsKey(stackRegion))
                throw check.Fail(nameof(props.AmiIdsByRegion), string.Join(", ", byRegion.Keys),
                    $"an image for the stack's region {stackRegion} (record one with tools/images)");
        }

        var min = props.MinCapacity ?? ComputeDefaults.MinCapacity;
        var max = props.MaxCapacity ?? Math.Max(ComputeDefaults.MaxCapacity, min);
        // Desired capacity is left to scaling unless set: a template value would reset it on every deploy.
        var desired = props.DesiredCapacity;
        check.InRange(nameof(props.MinCapacity), min, 0, 1000);
        check.InRange(nameof(props.MaxCapacity), max, 0, 1000);
        if (min > max)
            throw check.Fail(nameof(props.MinCapacity), min, $"at most MaxCapacity ({max})");
        if (desired is { } d && (d < min || d > max))
            throw check.Fail(nameof(props.DesiredCapacity), desired, $"between MinCapacity ({min}) and MaxCapacity ({max})");

        var processes = props.AppProcessCount ?? ComputeDefaults.AppProcessCount;
        check.InRange(nameof(props.AppProcessCount), processes, 1, 32);
        var basePort = props.AppBasePort ?? ComputeDefaults.AppBasePort;
        check.InRange(nameof(props.AppBasePort), basePort, 1024, 65535 - processes + 1);
        // On a WebSecurityGroups App group the port is the one it opens to the load balancer: given once. A different
        // one would add a second rule through the target group and leave the groups' rule pointing at nothing.
        var groups = Security.WebSecurityGroups.Of(securityGroup);
        var instancePort = props.InstancePort ?? groups?.InstancePort ?? ComputeDefaults.InstancePort;
        check.Port(nameof(props.InstancePort), instancePort);
        if (groups is not null && instancePort != groups.InstancePort)
            throw check.Fail(nameof(props.InstancePort), instancePort, $"unset or {groups.InstancePort}, the port {groups.Node.Path} opens to the load balancer (set it once, in WebSecurityGroupsProps.InstancePort)");
        if (instancePort >= basePort && instancePort < basePort + processes)
            throw check.Fail(nameof(props.InstancePort), instancePort, $"a port outside the app processes' range {basePort}-{basePort + processes - 1}");
        var healthPath = props.HealthCheckPath ?? ComputeDefaults.HealthCheckPath;
        check.Matches(nameof(props.HealthCheckPath), healthPath, HealthPathPattern(), "a URL path starting with '/', of letters, digits and -._~/ only, at most 1024 characters");
        var volume = props.RootVolumeGiB ?? ComputeDefaults.RootVolumeGiB;
        check.InRange(nameof(props.RootVolumeGiB), volume, 8, 16384);
        var grace = check.Seconds(nameof(props.HealthCheckGrace), props.HealthCheckGrace, 0, 7200) ?? ComputeDefaults.HealthCheckGraceSeconds;
        var cpu = props.CpuTargetPercent ?? ComputeDefaults.CpuTargetPercent;
        check.InRange(nameof(props.CpuTargetPercent), cpu, 0, 100);
        _requestsPerTarget = props.RequestsPerTargetPerMinute ?? ComputeDefaults.RequestsPerTargetPerMinute;
        check.InRange(nameof(props.RequestsPerTargetPerMinute), _requestsPerTarget, 0, 1_000_000);
        var batch = props.RollingMaxBatchSize ?? ComputeDefaults.RollingMaxBatchSize;
        check.InRange(nameof(props.RollingMaxBatchSize), batch, 1, 1000);
        var signalTimeout = check.Minutes(nameof(props.SignalTimeout), props.SignalTimeout, 1, 60) ?? ComputeDefaults.SignalTimeoutMinutes;
        var deregistration = check.Seconds(nameof(props.DeregistrationDelay), props.DeregistrationDelay, 0, 3600) ?? ComputeDefaults.DeregistrationDelaySeconds;
        var envName = props.EnvironmentName ?? "default";
        check.Matches(nameof(props.EnvironmentName), envName, NamePattern(), "1-32 letters, digits or hyphens");
        check.Matches(nameof(props.Color), props.Color, NamePattern(), "1-32 letters, digits or hyphens");
        check.NotBlank(nameof(props.RootDeviceName), props.RootDeviceName);
        var strategy = props.UpdateStrategy ?? ComputeDefaults.UpdateStrategy;
        if (!Enum.IsDefined(strategy))
            throw check.Fail(nameof(props.UpdateStrategy), strategy, "InstanceRefresh or RollingUpdate");
        var warmup = check.Seconds(nameof(props.InstanceWarmup), props.InstanceWarmup, 0, 3600) ?? ComputeDefaults.InstanceWarmupSeconds;
        var refresh = strategy == FleetUpdateStrategy.InstanceRefresh ? RefreshSettings(props, check) : null;
        if (strategy != FleetUpdateStrategy.RollingUpdate)
        {
            foreach (var (name, value) in new (string, int?)[] { (nameof(props.RollingMaxBatchSize), props.RollingMaxBatchSize), (nameof(props.RollingMinInService), props.RollingMinInService) })
                if (value is not null)
                    throw check.Fail(name, value, $"unset unless {nameof(props.UpdateStrategy)} is {nameof(FleetUpdateStrategy.RollingUpdate)}");
        }
        // Keep at least one server out of the batch; CloudFormation requires MinInstancesInService < MaxSize.
        var minInService = props.RollingMinInService ?? Math.Max(0, Math.Min(min - batch, max - 1));
        if (minInService < 0 || (max > 0 && minInService >= max))
            throw check.Fail(nameof(props.RollingMinInService), minInService, $"from 0 to MaxCapacity - 1 ({Math.Max(0, max - 1)})");

        var schedules = props.Schedules ?? [];
        foreach (var s in schedules)
        {
            check.Matches($"{nameof(props.Schedules)}[].{nameof(FleetSchedule.Name)}", s.Name, NamePattern(), "1-32 letters, digits or hyphens");
            check.Cron($"{nameof(props.Schedules)}[{s.Name}].{nameof(FleetSchedule.Cron)}", s.Cron);
            if (s.MinCapacity is null && s.MaxCapacity is null && s.DesiredCapacity is null)
                throw check.Fail($"{nameof(props.Schedules)}[{s.Name}]", "(no capacity)", "at least one of MinCapacity, DesiredCapacity, MaxCapacity");
            if (s.MinCapacity is { } smin && s.MaxCapacity is { } smax && smin > smax)
                throw check.Fail($"{nameof(props.Schedules)}[{s.Name}].{nameof(FleetSchedule.MinCapacity)}", smin, $"at most the schedule's MaxCapacity ({smax})");
            check.Matches($"{nameof(props.Schedules)}[{s.Name}].{nameof(FleetSchedule.TimeZone)}", s.TimeZone, TimeZonePattern(), "an IANA time zone such as Europe/Berlin or UTC");
        }
        if (schedules.Select(s => s.Name).Distinct().Count() != schedules.Count)
            throw check.Fail(nameof(props.Schedules), schedules.Select(s => s.Name), "schedules with distinct names");

        MinCapacity = min;
        MaxCapacity = max;

        var role = new Role(this, "InstanceRole", new RoleProps
        {
            AssumedBy = new ServicePrincipal("ec2.amazonaws.com"),
            Description = $"Web servers of {Node.Path}",
        });
        Role = role;
        ParameterPrefix = $"/{envName}/web/";
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
        Logs = (props.Logs?.Enabled ?? true) ? new FleetLogs(this, "Logs", props.Logs ?? new(), role) : null;

        var wait = (props.WaitForHealthySignal ?? true) && min > 0;
        Bootstrap = new FleetBootstrapScript.Options(processes, basePort, instancePort, healthPath, envName, props.Color,
            props.AppSecret?.SecretArn, props.InstallCodeDeployAgent ?? true, Logs?.Agent, SendsSignal: wait);
        var userData = UserData.ForLinux();
        userData.AddCommands(FleetBootstrapScript.Render(Bootstrap));

        var instanceType = new Ec2InstanceType(instanceTypeName);
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
                    DeviceName = props.RootDeviceName ?? ComputeDefaults.RootDeviceName,
                    Volume = BlockDeviceVolume.Ebs(volume, new EbsDeviceOptions
                    {
                        VolumeType = EbsDeviceVolumeType.GP3,
                        Encrypted = true,
                        DeleteOnTermination = true,
                    }),
                },
            ],
        });

        AutoScalingGroup = new AutoScalingGroup(this, "Group", new AutoScalingGroupProps
        {
            Vpc = vpc,
            VpcSubnets = subnets,
            LaunchTemplate = LaunchTemplate,
            MinCapacity = min,
            MaxCapacity = max,
            DesiredCapacity = desired,
            HealthChecks = HealthChecks.WithAdditionalChecks(new AdditionalHealthChecksOptions
            {
                AdditionalTypes = [AdditionalHealthCheckType.ELB],
                GracePeriod = Durations.Seconds(grace),
            }),
            Signals = wait ? Signals.WaitForMinCapacity(new SignalsOptions { Timeout = Durations.Minutes(signalTimeout) }) : null,
            // A group without servers (MaxSize 0) has nothing to replace: no policy, so every warm <-> cold
            // transition, with or without an image change, is a plain update CloudFormation accepts.
            UpdatePolicy = max == 0 || refresh is not null ? null : UpdatePolicy.RollingUpdate(new RollingUpdateOptions
            {
                MaxBatchSize = batch,
                MinInstancesInService = minInService,
                PauseTime = wait ? Durations.Minutes(signalTimeout) : Durations.Minutes(1),
                WaitOnResourceSignals = wait,
                SuspendProcesses = [ScalingProcess.HEALTH_CHECK, ScalingProcess.REPLACE_UNHEALTHY, ScalingProcess.AZ_REBALANCE, ScalingProcess.ALARM_NOTIFICATION, ScalingProcess.SCHEDULED_ACTIONS],
            }),
            DefaultInstanceWarmup = Durations.Seconds(warmup),
            GroupMetrics = [GroupMetrics.All()],
        });
        UpdateStrategy = max == 0 ? null : strategy;
        _refresh = max > 0 ? refresh : null;
        ApplyInstanceRefresh();
        if (wait)
        {
            // Signal success or failure on exit of the first-boot script, so a broken image fails fast.
            userData.AddSignalOnExitCommand(AutoScalingGroup);
        }

        if (cpu > 0 && max > 0)
            AutoScalingGroup.ScaleOnCpuUtilization("CpuTracking", new CpuUtilizationScalingProps { TargetUtilizationPercent = cpu });

        foreach (var s in schedules)
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
            Port = instancePort,
            Protocol = ApplicationProtocol.HTTP,
            TargetType = TargetType.INSTANCE,
            DeregistrationDelay = Durations.Seconds(deregistration),
            HealthCheck = new ElbHealthCheck
            {
                Path = healthPath,
                HealthyHttpCodes = "200",
                Interval = Durations.Seconds(15),
                Timeout = Durations.Seconds(5),
                HealthyThresholdCount = 2,
                UnhealthyThresholdCount = 3,
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
    private readonly RefreshPlan? _refresh;

    private sealed record RefreshPlan(int MinHealthy, int MaxHealthy, int[] Checkpoints, int CheckpointDelayMinutes, int BakeMinutes);

    private static RefreshPlan RefreshSettings(WebFleetProps props, PropChecks check)
    {
        var minHealthy = props.RefreshMinHealthyPercent ?? ComputeDefaults.RefreshMinHealthyPercent;
        check.InRange(nameof(props.RefreshMinHealthyPercent), minHealthy, 0, 100);
        var maxHealthy = props.RefreshMaxHealthyPercent ?? ComputeDefaults.RefreshMaxHealthyPercent;
        check.InRange(nameof(props.RefreshMaxHealthyPercent), maxHealthy, 100, 200);
        if (maxHealthy - minHealthy > 100)
            throw check.Fail(nameof(props.RefreshMaxHealthyPercent), maxHealthy, $"at most {nameof(props.RefreshMinHealthyPercent)} + 100 ({minHealthy + 100})");
        if (minHealthy == 100 && maxHealthy == 100)
            throw check.Fail(nameof(props.RefreshMaxHealthyPercent), maxHealthy, $"above 100 when {nameof(props.RefreshMinHealthyPercent)} is 100 (else no server can be replaced)");
        var checkpoints = props.RefreshCheckpointPercentages?.ToArray() ?? [];
        if (checkpoints.Length > 0 && (checkpoints.Any(c => c is < 1 or > 100) || checkpoints.Zip(checkpoints.Skip(1)).Any(p => p.First >= p.Second) || checkpoints[^1] != 100))
            throw check.Fail(nameof(props.RefreshCheckpointPercentages), checkpoints, "ascending unique percentages from 1 to 100, the last one 100");
        if (checkpoints.Length == 0 && props.RefreshCheckpointDelay is not null)
            throw check.Fail(nameof(props.RefreshCheckpointDelay), props.RefreshCheckpointDelay.ToHumanString(), $"unset unless {nameof(props.RefreshCheckpointPercentages)} is set");
        var delay = check.Minutes(nameof(props.RefreshCheckpointDelay), props.RefreshCheckpointDelay, 0, 2880) ?? ComputeDefaults.RefreshCheckpointDelayMinutes;
        var bake = check.Minutes(nameof(props.RefreshBake), props.RefreshBake, 0, 2880) ?? ComputeDefaults.RefreshBakeMinutes;
        return new RefreshPlan(minHealthy, maxHealthy, checkpoints, delay, bake);
    }

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
                    CheckpointPercentages = plan.Checkpoints.Length > 0 ? plan.Checkpoints.Select(c => (double)c).ToArray() : null,
                    CheckpointDelay = plan.Checkpoints.Length > 0 ? plan.CheckpointDelayMinutes * 60 : null,
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

    // The family is free-form (new ones appear every year); the size is one of EC2's, so a typo such as
    // t3.mediun fails here instead of at deploy time.
    [GeneratedRegex(@"^[a-z][a-z0-9-]*\.(nano|micro|small|medium|large|xlarge|[1-9][0-9]?xlarge|metal|metal-[1-9][0-9]?xl)$")]
    private static partial Regex InstanceTypePattern();

    [GeneratedRegex(@"^ami-[0-9a-f]{8}([0-9a-f]{9})?$")]
    private static partial Regex AmiPattern();

    [GeneratedRegex(@"^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d+$")]
    private static partial Regex RegionPattern();

    [GeneratedRegex(@"^/[A-Za-z0-9\-._~/]{0,1023}$")]
    private static partial Regex HealthPathPattern();

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9-]{0,31}$")]
    private static partial Regex NamePattern();

    // The servers' subnets: private with egress (NAT); without NAT, the isolated group a network with
    // endpoints only names "private" (ProductionNetwork.PrivateSubnetGroupName), never a database group.
    private static SubnetSelection ServerSubnets(IVpc vpc, PropChecks check)
    {
        if (vpc.PrivateSubnets.Length > 0)
            return new SubnetSelection { SubnetType = SubnetType.PRIVATE_WITH_EGRESS };
        var group = Network.ProductionNetwork.PrivateSubnetGroupName;
        if (vpc.IsolatedSubnets.Any(s => s.Node.Id.StartsWith(group + "Subnet", StringComparison.Ordinal)))
            return new SubnetSelection { SubnetGroupName = group };
        throw check.Fail(nameof(WebFleetProps.Vpc), vpc.Node.Path,
            $"a VPC with private subnets: with egress (NAT), or isolated ones in a group named '{group}' (ProductionNetwork with Egress = EndpointsOnly)");
    }

    [GeneratedRegex(@"^[A-Za-z_]+(/[A-Za-z0-9_+\-]+)*$")]
    private static partial Regex TimeZonePattern();
}
