using Amazon.CDK.AWS.Logs;

namespace Infra.Constructs.Network;

/// <summary>Props for <see cref="ProductionNetwork"/>.</summary>
public sealed record ProductionNetworkProps
{
    /// <summary>IPv4 range of the VPC. Default: <c>10.0.0.0/16</c>. Must be /16 to /24 and large enough for the subnets.</summary>
    public string? Cidr { get; init; }

    /// <summary>Number of availability zones (2 or 3). Default: 2. Three needs either <see cref="AvailabilityZones"/> or a stack with an explicit account and region.</summary>
    public int? MaxAzs { get; init; }

    /// <summary>Explicit availability zone names, e.g. <c>eu-west-1a</c>. Default: the first <see cref="MaxAzs"/> zones of the region.</summary>
    public IReadOnlyList<string>? AvailabilityZones { get; init; }

    /// <summary>NAT gateways: 1 (cost) up to one per AZ (availability). Default: 1. Unset with <see cref="NetworkEgress.EndpointsOnly"/> (there are none).</summary>
    public int? NatGateways { get; init; }

    /// <summary>
    /// How the servers reach AWS APIs and the internet: NAT gateways, NAT gateways and interface endpoints, or
    /// only endpoints (no NAT; the private subnets become isolated). Default: <see cref="NetworkEgress.NatGateway"/>.
    /// With endpoints, <see cref="ProductionNetwork.Endpoints"/> can limit the servers' group to them
    /// (<see cref="Security.AppEgress.AwsServicesOnly"/>).
    /// </summary>
    public NetworkEgress? Egress { get; init; }

    /// <summary>
    /// The interface endpoints' services when <see cref="Egress"/> has endpoints (e.g. add <c>ecr.api</c>). Default:
    /// <see cref="Defaults.NetworkDefaults.ServerEndpointServices"/>.
    /// </summary>
    public IReadOnlyList<string>? EndpointServices { get; init; }

    /// <summary>Add isolated subnets (no route to the internet) for databases. Default: false.</summary>
    public bool? IsolatedSubnets { get; init; }

    /// <summary>Public subnet prefix length (16-28). Default: 24.</summary>
    public int? PublicSubnetMask { get; init; }

    /// <summary>Private subnet prefix length (16-28). Default: 20.</summary>
    public int? PrivateSubnetMask { get; init; }

    /// <summary>Record VPC flow logs (all traffic) to CloudWatch Logs. Default: true.</summary>
    public bool? FlowLogs { get; init; }

    /// <summary>Flow log retention. Default: one year.</summary>
    public RetentionDays? FlowLogRetention { get; init; }

    /// <summary>KMS key that encrypts the flow log group. Default: a new key with rotation on, usable by CloudWatch Logs of this account and region only.</summary>
    public Amazon.CDK.AWS.KMS.IKey? FlowLogEncryptionKey { get; init; }

    /// <summary>
    /// What the S3 gateway endpoint lets through. Default: <see cref="Network.S3EndpointAccess.OwnAccountAndAwsBuckets"/>.
    /// The endpoint carries the servers' S3 traffic in the VPC's region; S3 in other regions still leaves
    /// through the NAT gateway, which this policy does not see.
    /// </summary>
    public S3EndpointAccess? S3EndpointAccess { get; init; }

    /// <summary>
    /// Further buckets of other accounts the servers may read and write through the endpoint, by name
    /// (3-63 lower-case letters, digits, <c>.</c> and <c>-</c>; <c>*</c> allowed), e.g. a partner's
    /// <c>partner-exports</c>. Only with <see cref="Network.S3EndpointAccess.OwnAccountAndAwsBuckets"/>. Default: none.
    /// </summary>
    public IReadOnlyList<string>? S3EndpointExtraBuckets { get; init; }

    /// <summary>Give the VPC an Amazon-provided IPv6 block too, so a dual-stack load balancer can serve IPv6 clients. Default: false.</summary>
    public bool? DualStack { get; init; }

    /// <summary>Ranges this VPC must not overlap: other environments, peered VPCs, on-premises networks. Default: none.</summary>
    public IReadOnlyList<string>? MustNotOverlap { get; init; }

    /// <summary>
    /// Remove every rule from the VPC's default security group, which otherwise lets all its members
    /// reach each other. CloudFormation cannot change a default group, so the CDK does it with a
    /// Lambda-backed custom resource (<c>Custom::VpcRestrictDefaultSG</c>). Default: true. Set false
    /// only where that Lambda cannot run, e.g. a local CloudFormation emulator (the reference app's
    /// <c>-c e2e=moto</c>); on AWS keep it on.
    /// </summary>
    public bool? RestrictDefaultSecurityGroup { get; init; }
}
