using System.Text.RegularExpressions;
using Infra.Constructs.Defaults;
using Infra.Constructs.Validation;

namespace Infra.Constructs.Compute;

/// <summary>
/// <see cref="WebFleetProps"/> resolved: every default applied from <see cref="ComputeDefaults"/> and every value
/// checked, all errors collected. <see cref="WebFleet"/> resolves its props into this first and creates its resources
/// from it; <see cref="Resolve"/> needs no construct tree, so the rules are testable without a synthesis.
/// </summary>
public sealed partial record WebFleetSettings
{
    /// <summary>EC2 instance type name.</summary>
    public required string InstanceType { get; init; }

    /// <summary>Minimum servers.</summary>
    public required int MinCapacity { get; init; }

    /// <summary>Maximum servers.</summary>
    public required int MaxCapacity { get; init; }

    /// <summary>Desired servers, or null to leave them to scaling.</summary>
    public int? DesiredCapacity { get; init; }

    /// <summary>App processes per server.</summary>
    public required int AppProcessCount { get; init; }

    /// <summary>Port of the first app process.</summary>
    public required int AppBasePort { get; init; }

    /// <summary>Port nginx listens on for the load balancer.</summary>
    public required int InstancePort { get; init; }

    /// <summary>Health check path.</summary>
    public required string HealthCheckPath { get; init; }

    /// <summary>Root volume size in GiB.</summary>
    public required int RootVolumeGiB { get; init; }

    /// <summary>Root device name of the image.</summary>
    public required string RootDeviceName { get; init; }

    /// <summary>Seconds before ELB health checks count for a new server.</summary>
    public required int HealthCheckGraceSeconds { get; init; }

    /// <summary>CPU target percent; 0 turns CPU scaling off.</summary>
    public required int CpuTargetPercent { get; init; }

    /// <summary>Requests per minute per server; 0 turns request scaling off.</summary>
    public required int RequestsPerTargetPerMinute { get; init; }

    /// <summary>How a launch-template change replaces the servers.</summary>
    public required FleetUpdateStrategy UpdateStrategy { get; init; }

    /// <summary>The instance refresh plan, when <see cref="UpdateStrategy"/> is <see cref="FleetUpdateStrategy.InstanceRefresh"/>.</summary>
    public FleetRefreshPlan? Refresh { get; init; }

    /// <summary>Rolling update: servers per batch.</summary>
    public required int RollingMaxBatchSize { get; init; }

    /// <summary>Rolling update: servers kept in service.</summary>
    public required int RollingMinInService { get; init; }

    /// <summary>Seconds a new server warms up before its metrics count.</summary>
    public required int InstanceWarmupSeconds { get; init; }

    /// <summary>True when new servers signal CloudFormation once healthy (and the group waits for it).</summary>
    public required bool WaitsForHealthySignal { get; init; }

    /// <summary>Minutes to wait for each signal.</summary>
    public required int SignalTimeoutMinutes { get; init; }

    /// <summary>Seconds the target group keeps a leaving server's connections.</summary>
    public required int DeregistrationDelaySeconds { get; init; }

    /// <summary>Environment name written to the app config and the parameter prefix.</summary>
    public required string EnvironmentName { get; init; }

    /// <summary>The fleet's color label, if any.</summary>
    public string? Color { get; init; }

    /// <summary>Install and start the CodeDeploy agent.</summary>
    public required bool InstallCodeDeployAgent { get; init; }

    /// <summary>Log groups, the error metric and the CloudWatch agent are on.</summary>
    public required bool LogsEnabled { get; init; }

    /// <summary>Scheduled capacity changes.</summary>
    public required IReadOnlyList<FleetSchedule> Schedules { get; init; }

    /// <summary>
    /// Properties of <see cref="WebFleetProps.AutoScalingGroupOverrides"/> the fleet owns, with what to use instead:
    /// capacity, health checks, signals and update policy come from the fleet's props; what the servers run (image,
    /// type, user data, role, groups, IMDSv2, volumes) lives in its launch template, which the group cannot combine
    /// with instance settings of its own.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> GuardedGroupProps = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["Vpc"] = "unset: use WebFleetProps.Vpc",
        ["VpcSubnets"] = "unset: the fleet runs in the VPC's private subnets",
        ["MinCapacity"] = "unset: use WebFleetProps.MinCapacity",
        ["MaxCapacity"] = "unset: use WebFleetProps.MaxCapacity",
        ["DesiredCapacity"] = "unset: use WebFleetProps.DesiredCapacity",
        ["HealthCheck"] = "unset: the fleet uses EC2 and ELB health checks (WebFleetProps.HealthCheckGrace)",
        ["HealthChecks"] = "unset: the fleet uses EC2 and ELB health checks (WebFleetProps.HealthCheckGrace)",
        ["Signals"] = "unset: use WebFleetProps.WaitForHealthySignal and SignalTimeout",
        ["UpdatePolicy"] = "unset: use WebFleetProps.UpdateStrategy and its Refresh*/Rolling* props",
        ["DefaultInstanceWarmup"] = "unset: use WebFleetProps.InstanceWarmup",
        ["LaunchTemplate"] = "unset: the fleet builds its launch template (IMDSv2, encrypted volumes, its user data)",
        ["MixedInstancesPolicy"] = "unset: the fleet builds its launch template (IMDSv2, encrypted volumes, its user data)",
        ["MigrateToLaunchTemplate"] = "unset: the fleet always uses a launch template",
        ["InstanceType"] = "unset: use WebFleetProps.InstanceType",
        ["MachineImage"] = "unset: use WebFleetProps.AmiIdsByRegion, AmiId or MachineImage",
        ["UserData"] = "unset: the first-boot script is the fleet's (docs/boot-test.md)",
        ["Init"] = "unset: the first-boot script is the fleet's (docs/boot-test.md)",
        ["InitOptions"] = "unset: the first-boot script is the fleet's (docs/boot-test.md)",
        ["Role"] = "unset: the fleet's least-privilege role is WebFleet.Role (add statements to it)",
        ["SecurityGroup"] = "unset: use WebFleetProps.SecurityGroup",
        ["AllowAllOutbound"] = "unset: egress is the security group's (WebSecurityGroupsProps.AppEgress)",
        ["AssociatePublicIpAddress"] = "unset: servers have no public address",
        ["RequireImdsv2"] = "unset: IMDSv2 is always required",
        ["BlockDevices"] = "unset: use WebFleetProps.RootVolumeGiB (encrypted gp3)",
        ["KeyName"] = "unset: use WebFleetProps.KeyPair (Security.InstanceAccess)",
        ["KeyPair"] = "unset: use WebFleetProps.KeyPair (Security.InstanceAccess)",
        ["InstanceMonitoring"] = "unset: detailed monitoring is on in the launch template",
        ["SpotPrice"] = "unset: the launch template has no spot options",
    };

    /// <summary>The Parameter Store prefix the servers may read.</summary>
    public string ParameterPrefix => $"/{EnvironmentName}/web/";

    /// <summary>
    /// What the props cannot say alone: the port a <see cref="Security.WebSecurityGroups"/> app group opens to the
    /// load balancer (and that group's path), and the stack's region when it has one.
    /// </summary>
    public sealed record Context(int? SecurityGroupsInstancePort = null, string? SecurityGroupsPath = null, string? StackRegion = null);

    /// <summary>
    /// Applies the defaults and checks <paramref name="props"/>, collecting every error in <paramref name="check"/>
    /// (the caller throws them together with <see cref="PropChecks.ThrowIfAny"/>); a rejected value is replaced by its
    /// default so the checks after it still run.
    /// </summary>
    public static WebFleetSettings Resolve(WebFleetProps props, PropChecks check, Context? context = null)
    {
        ArgumentNullException.ThrowIfNull(props);
        ArgumentNullException.ThrowIfNull(check);
        context ??= new Context();

        var instanceType = props.InstanceType ?? ComputeDefaults.InstanceType;
        check.Matches(nameof(props.InstanceType), instanceType, InstanceTypePattern(),
            "an EC2 instance type: a family, a dot and a size (nano, micro, small, medium, large, xlarge, 2xlarge ... 48xlarge, metal, metal-24xl), such as t3.small or m7g.large");
        CheckImage(props, check, context);

        var min = props.MinCapacity ?? ComputeDefaults.MinCapacity;
        var max = props.MaxCapacity ?? Math.Max(ComputeDefaults.MaxCapacity, min);
        // Desired capacity is left to scaling unless set: a template value would reset it on every deploy.
        var desired = props.DesiredCapacity;
        check.InRange(nameof(props.MinCapacity), min, 0, 1000);
        check.InRange(nameof(props.MaxCapacity), max, 0, 1000);
        if (min > max)
            check.Reject(nameof(props.MinCapacity), min, $"at most MaxCapacity ({max})");
        if (desired is { } d && (d < min || d > max))
            check.Reject(nameof(props.DesiredCapacity), desired, $"between MinCapacity ({min}) and MaxCapacity ({max})");

        var processes = props.AppProcessCount ?? ComputeDefaults.AppProcessCount;
        check.InRange(nameof(props.AppProcessCount), processes, 1, 32);
        var basePort = props.AppBasePort ?? ComputeDefaults.AppBasePort;
        check.InRange(nameof(props.AppBasePort), basePort, 1024, 65535 - processes + 1);
        // On a WebSecurityGroups App group the port is the one it opens to the load balancer: given once. A different
        // one would add a second rule through the target group and leave the groups' rule pointing at nothing.
        var instancePort = props.InstancePort ?? context.SecurityGroupsInstancePort ?? ComputeDefaults.InstancePort;
        check.Port(nameof(props.InstancePort), instancePort);
        if (context.SecurityGroupsInstancePort is { } groupPort && instancePort != groupPort)
            check.Reject(nameof(props.InstancePort), instancePort, $"unset or {groupPort}, the port {context.SecurityGroupsPath} opens to the load balancer (set it once, in WebSecurityGroupsProps.InstancePort)");
        if (instancePort >= basePort && instancePort < basePort + processes)
            check.Reject(nameof(props.InstancePort), instancePort, $"a port outside the app processes' range {basePort}-{basePort + processes - 1}");
        var healthPath = props.HealthCheckPath ?? ComputeDefaults.HealthCheckPath;
        check.Matches(nameof(props.HealthCheckPath), healthPath, HealthPathPattern(), "a URL path starting with '/', of letters, digits and -._~/ only, at most 1024 characters");
        var volume = props.RootVolumeGiB ?? ComputeDefaults.RootVolumeGiB;
        check.InRange(nameof(props.RootVolumeGiB), volume, 8, 16384);
        check.NotBlank(nameof(props.RootDeviceName), props.RootDeviceName);
        var grace = check.Seconds(nameof(props.HealthCheckGrace), props.HealthCheckGrace, 0, 7200) ?? ComputeDefaults.HealthCheckGraceSeconds;
        var cpu = props.CpuTargetPercent ?? ComputeDefaults.CpuTargetPercent;
        check.InRange(nameof(props.CpuTargetPercent), cpu, 0, 100);
        var requests = props.RequestsPerTargetPerMinute ?? ComputeDefaults.RequestsPerTargetPerMinute;
        check.InRange(nameof(props.RequestsPerTargetPerMinute), requests, 0, 1_000_000);
        var signalTimeout = check.Minutes(nameof(props.SignalTimeout), props.SignalTimeout, 1, 60) ?? ComputeDefaults.SignalTimeoutMinutes;
        var deregistration = check.Seconds(nameof(props.DeregistrationDelay), props.DeregistrationDelay, 0, 3600) ?? ComputeDefaults.DeregistrationDelaySeconds;
        var envName = props.EnvironmentName ?? ComputeDefaults.EnvironmentName;
        check.Matches(nameof(props.EnvironmentName), envName, NamePattern(), "1-32 letters, digits or hyphens");
        check.Matches(nameof(props.Color), props.Color, NamePattern(), "1-32 letters, digits or hyphens");

        var strategy = props.UpdateStrategy ?? ComputeDefaults.UpdateStrategy;
        if (!Enum.IsDefined(strategy))
            check.Reject(nameof(props.UpdateStrategy), strategy, "InstanceRefresh or RollingUpdate");
        var warmup = check.Seconds(nameof(props.InstanceWarmup), props.InstanceWarmup, 0, 3600) ?? ComputeDefaults.InstanceWarmupSeconds;
        var refresh = strategy == FleetUpdateStrategy.InstanceRefresh ? FleetRefreshPlan.Resolve(props, check) : null;
        if (strategy != FleetUpdateStrategy.RollingUpdate)
        {
            foreach (var (name, value) in new (string, int?)[] { (nameof(props.RollingMaxBatchSize), props.RollingMaxBatchSize), (nameof(props.RollingMinInService), props.RollingMinInService) })
                if (value is not null)
                    check.Reject(name, value, $"unset unless {nameof(props.UpdateStrategy)} is {nameof(FleetUpdateStrategy.RollingUpdate)}");
        }
        var batch = props.RollingMaxBatchSize ?? ComputeDefaults.RollingMaxBatchSize;
        check.InRange(nameof(props.RollingMaxBatchSize), batch, 1, 1000);
        // Keep at least one server out of the batch; CloudFormation requires MinInstancesInService < MaxSize.
        var minInService = props.RollingMinInService ?? Math.Max(0, Math.Min(min - batch, max - 1));
        if (minInService < 0 || (max > 0 && minInService >= max))
            check.Reject(nameof(props.RollingMinInService), minInService, $"from 0 to MaxCapacity - 1 ({Math.Max(0, max - 1)})");

        var schedules = props.Schedules ?? [];
        CheckSchedules(schedules, check);
        PropsOverride.Check(props.AutoScalingGroupOverrides, check, nameof(props.AutoScalingGroupOverrides), GuardedGroupProps);

        return new WebFleetSettings
        {
            InstanceType = instanceType,
            MinCapacity = min,
            MaxCapacity = max,
            DesiredCapacity = desired,
            AppProcessCount = processes,
            AppBasePort = basePort,
            InstancePort = instancePort,
            HealthCheckPath = healthPath,
            RootVolumeGiB = volume,
            RootDeviceName = props.RootDeviceName ?? ComputeDefaults.RootDeviceName,
            HealthCheckGraceSeconds = grace,
            CpuTargetPercent = cpu,
            RequestsPerTargetPerMinute = requests,
            UpdateStrategy = strategy,
            Refresh = refresh,
            RollingMaxBatchSize = batch,
            RollingMinInService = minInService,
            InstanceWarmupSeconds = warmup,
            WaitsForHealthySignal = (props.WaitForHealthySignal ?? true) && min > 0,
            SignalTimeoutMinutes = signalTimeout,
            DeregistrationDelaySeconds = deregistration,
            EnvironmentName = envName,
            Color = props.Color,
            InstallCodeDeployAgent = props.InstallCodeDeployAgent ?? true,
            LogsEnabled = props.Logs?.Enabled ?? true,
            Schedules = schedules,
        };
    }

    private static void CheckImage(WebFleetProps props, PropChecks check, Context context)
    {
        check.Matches(nameof(props.AmiId), props.AmiId, AmiPattern(), "an AMI id such as ami-0abcdef1234567890");
        if (props.AmiId is not null && props.MachineImage is not null)
            check.Reject(nameof(props.AmiId), props.AmiId, "unset when MachineImage is given (give one image, not both)");
        if (props.AmiIdsByRegion is not { } byRegion) return;
        if (props.AmiId is not null || props.MachineImage is not null)
            check.Reject(nameof(props.AmiIdsByRegion), $"({byRegion.Count} regions)", "unset when AmiId or MachineImage is given (give one image source)");
        if (byRegion.Count == 0)
            check.Reject(nameof(props.AmiIdsByRegion), "(empty)", "at least one region → AMI id, or unset");
        foreach (var (region, ami) in byRegion)
        {
            check.Matches($"{nameof(props.AmiIdsByRegion)}[{region}]", region, RegionPattern(), "a region name such as eu-west-1");
            check.Matches($"{nameof(props.AmiIdsByRegion)}[{region}]", ami, AmiPattern(), "an AMI id such as ami-0abcdef1234567890");
        }
        if (byRegion.Count > 0 && context.StackRegion is { } stackRegion && !byRegion.ContainsKey(stackRegion))
            check.Reject(nameof(props.AmiIdsByRegion), string.Join(", ", byRegion.Keys),
                $"an image for the stack's region {stackRegion} (record one with tools/images)");
    }

    private static void CheckSchedules(IReadOnlyList<FleetSchedule> schedules, PropChecks check)
    {
        const string property = nameof(WebFleetProps.Schedules);
        foreach (var s in schedules)
        {
            check.Matches($"{property}[].{nameof(FleetSchedule.Name)}", s.Name, NamePattern(), "1-32 letters, digits or hyphens");
            check.Cron($"{property}[{s.Name}].{nameof(FleetSchedule.Cron)}", s.Cron);
            if (s.MinCapacity is null && s.MaxCapacity is null && s.DesiredCapacity is null)
                check.Reject($"{property}[{s.Name}]", "(no capacity)", "at least one of MinCapacity, DesiredCapacity, MaxCapacity");
            if (s.MinCapacity is { } smin && s.MaxCapacity is { } smax && smin > smax)
                check.Reject($"{property}[{s.Name}].{nameof(FleetSchedule.MinCapacity)}", smin, $"at most the schedule's MaxCapacity ({smax})");
            check.Matches($"{property}[{s.Name}].{nameof(FleetSchedule.TimeZone)}", s.TimeZone, TimeZonePattern(), "an IANA time zone such as Europe/Berlin or UTC");
        }
        if (schedules.Select(s => s.Name).Distinct().Count() != schedules.Count)
            check.Reject(property, schedules.Select(s => s.Name), "schedules with distinct names");
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

    [GeneratedRegex(@"^[A-Za-z_]+(/[A-Za-z0-9_+\-]+)*$")]
    private static partial Regex TimeZonePattern();
}
