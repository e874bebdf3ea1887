using Amazon.CDK.AWS.Logs;

namespace Infra.Constructs.Defaults;

/// <summary>Defaults for <see cref="Network.ProductionNetwork"/>, in one place.</summary>
public static class NetworkDefaults
{
    /// <summary>VPC address range.</summary>
    public const string Cidr = "10.0.0.0/16";
    /// <summary>Availability zones used; two is the minimum for a multi-AZ load balancer.</summary>
    public const int MaxAzs = 2;
    /// <summary>One NAT gateway: cheapest; set one per AZ for availability.</summary>
    public const int NatGateways = 1;
    /// <summary>Public subnet size (/24 = 256 addresses per AZ).</summary>
    public const int PublicSubnetMask = 24;
    /// <summary>Private subnet size (/20 = 4096 addresses per AZ).</summary>
    public const int PrivateSubnetMask = 20;
    /// <summary>Isolated (no internet route) subnet size.</summary>
    public const int IsolatedSubnetMask = 24;
    /// <summary>How long VPC flow logs are kept: a year, as incident reviews and audits expect.</summary>
    public const RetentionDays FlowLogRetention = RetentionDays.ONE_YEAR;

    /// <summary>
    /// The interface endpoints a server needs when it has no NAT (<see cref="Network.NetworkEgress"/>): Session Manager
    /// and Run Command (ssm, ssmmessages, ec2messages), the CloudWatch agent (logs, monitoring), the app secret
    /// (secretsmanager, kms), the CodeDeploy agent (codedeploy, codedeploy-commands-secure), role credentials for
    /// tools that ask STS (sts) and the boot script's signal (cloudformation). S3 goes through the gateway endpoint.
    /// </summary>
    public static readonly IReadOnlyList<string> ServerEndpointServices =
    [
        "ssm", "ssmmessages", "ec2messages", "logs", "monitoring", "secretsmanager", "kms",
        "codedeploy", "codedeploy-commands-secure", "sts", "cloudformation",
    ];
}
