using Infra.Constructs.Compute;
using Infra.Constructs.Deployment;

namespace Infra.App.Config;

/// <summary>Everything that differs between environments, in one typed record. Reviewed in pull requests.</summary>
public sealed record EnvironmentSettings
{
    /// <summary>Short name: used in stack names and tags.</summary>
    public required string Name { get; init; }
    /// <summary>AWS account; null = environment-agnostic (synth needs no account).</summary>
    public string? Account { get; init; }
    /// <summary>AWS region; null = environment-agnostic.</summary>
    public string? Region { get; init; }
    /// <summary>VPC range; environments must not overlap so they can be peered later.</summary>
    public required string VpcCidr { get; init; }
    /// <summary>NAT gateways (1 = cost, one per AZ = availability). Default: the library's (<c>NetworkDefaults.NatGateways</c>).</summary>
    public int? NatGateways { get; init; }
    /// <summary>Pinned or golden AMI per color (null: latest Amazon Linux 2023). A new image goes to the idle color first.</summary>
    public ColorImages Images { get; init; } = new();
    // Unset values take the library's defaults (Infra.Constructs.Defaults): the app states only what it chooses.
    /// <summary>Server type. Default: <c>ComputeDefaults.InstanceType</c>.</summary>
    public string? InstanceType { get; init; }
    /// <summary>Servers per fleet. Default: <c>ComputeDefaults.MinCapacity</c>.</summary>
    public int? MinCapacity { get; init; }
    /// <summary>Maximum servers per fleet. Default: <c>ComputeDefaults.MaxCapacity</c>.</summary>
    public int? MaxCapacity { get; init; }
    /// <summary>App processes per server. Default: <c>ComputeDefaults.AppProcessCount</c>.</summary>
    public int? AppProcessCount { get; init; }
    /// <summary>Protect the load balancer from deletion.</summary>
    public bool DeletionProtection { get; init; }
    /// <summary>Web application firewall in front of the load balancer.</summary>
    public Infra.Constructs.Security.WebFirewall? Firewall { get; init; }
    /// <summary>Domain, or null for HTTP on the load balancer's name.</summary>
    public DomainSettings? Domain { get; init; }
    /// <summary>Blue/green and canary weights: the deployment switch.</summary>
    public TrafficPlan Traffic { get; init; } = new();
    /// <summary>
    /// Reach <see cref="Traffic"/> by a release that runs itself (tools/release, docs/progressive-delivery.md): its id,
    /// steps, bake time and gates. Null: a deploy applies <see cref="Traffic"/> at once.
    /// </summary>
    public Infra.Constructs.Releases.ProgressiveRelease? Release { get; init; }
    /// <summary>CodeDeploy in-place configuration per fleet. Default: the library's (<c>RollingConfig.OneAtATime</c>).</summary>
    public RollingConfig? Rolling { get; init; }
    /// <summary>Scheduled capacity changes.</summary>
    public IReadOnlyList<FleetSchedule> Schedules { get; init; } = [];
    /// <summary>Admin networks allowed to SSH (none: Session Manager only).</summary>
    public IReadOnlyList<string> AdminSshCidrs { get; init; } = [];
    /// <summary>The sample API (<c>{Env}-Api</c>) and its canary release step.</summary>
    public ApiSettings Api { get; init; } = new();
    /// <summary>Dashboard, alarms and who is told, server logs.</summary>
    public MonitoringSettings Monitoring { get; init; } = new();
    /// <summary>
    /// Close the VPC's default security group (a Lambda-backed custom resource). Always true for AWS;
    /// only <see cref="EmulatorProfile.Apply"/> (test-only, <c>-c e2e=moto</c>) turns it off, because a
    /// local CloudFormation emulator cannot run the Lambda (see docs/e2e.md).
    /// </summary>
    public bool RestrictDefaultSecurityGroup { get; init; } = true;
}
