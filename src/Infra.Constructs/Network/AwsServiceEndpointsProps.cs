using Amazon.CDK.AWS.EC2;

namespace Infra.Constructs.Network;

/// <summary>Props for <see cref="AwsServiceEndpoints"/>.</summary>
public sealed record AwsServiceEndpointsProps
{
    /// <summary>The VPC. Required.</summary>
    public required IVpc Vpc { get; init; }

    /// <summary>The subnets the endpoints' network interfaces go in (one per zone). Default: the VPC's private subnets.</summary>
    public SubnetSelection? Subnets { get; init; }

    /// <summary>
    /// The AWS services, by the last part of their endpoint name (<c>com.amazonaws.&lt;region&gt;.ssm</c> is <c>ssm</c>).
    /// Default: <see cref="Defaults.NetworkDefaults.ServerEndpointServices"/>, what the servers' agents, boot script and
    /// application secret use. Each costs per hour and zone (docs/security.md).
    /// </summary>
    public IReadOnlyList<string>? Services { get; init; }
}
