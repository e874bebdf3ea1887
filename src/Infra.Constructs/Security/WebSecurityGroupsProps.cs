using Amazon.CDK.AWS.EC2;

namespace Infra.Constructs.Security;

/// <summary>Props for <see cref="WebSecurityGroups"/>.</summary>
public sealed record WebSecurityGroupsProps
{
    /// <summary>The VPC. Required.</summary>
    public required IVpc Vpc { get; init; }

    /// <summary>Port the servers listen on for the load balancer (nginx). Default: 80.</summary>
    public int? InstancePort { get; init; }

    /// <summary>Who may reach the load balancer on 80 and 443. Default: anywhere (<c>0.0.0.0/0</c> and <c>::/0</c>), as a public web service needs.</summary>
    public IReadOnlyList<string>? LoadBalancerIngressCidrs { get; init; }

    /// <summary>
    /// Networks allowed to SSH (port 22) to the servers, e.g. a VPN range. Default: none, and SSH
    /// is closed: operators use SSM Session Manager. IPv4 blocks wider than /16 and IPv6 blocks wider than /48 are
    /// rejected (<c>0.0.0.0/1</c> and <c>128.0.0.0/1</c> together are the whole internet).
    /// </summary>
    public IReadOnlyList<string>? AdminSshCidrs { get; init; }

    /// <summary>
    /// Where the servers may connect to. Default: <see cref="Security.AppEgress.Internet"/> (HTTPS and HTTP to
    /// anywhere). <see cref="Security.AppEgress.AwsServicesOnly"/> limits them to HTTPS to a network's AWS service
    /// endpoints and S3 (docs/security.md).
    /// </summary>
    public AppEgress? AppEgress { get; init; }
}
