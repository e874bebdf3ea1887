using Amazon.CDK;
using Amazon.CDK.AWS.CertificateManager;
using Amazon.CDK.AWS.EC2;
using Infra.Constructs.Security;

namespace Infra.Constructs.LoadBalancing;

/// <summary>Props for <see cref="WebLoadBalancer"/>.</summary>
public sealed record WebLoadBalancerProps
{
    /// <summary>The VPC; the load balancer goes in its public subnets. Required.</summary>
    public required IVpc Vpc { get; init; }

    /// <summary>Security group of the load balancer (see <see cref="Security.WebSecurityGroups.LoadBalancer"/>). Required.</summary>
    public required ISecurityGroup SecurityGroup { get; init; }

    /// <summary>
    /// TLS certificate. When set, clients are served over HTTPS on 443 and HTTP on 80 redirects there.
    /// Default: none, and the load balancer serves plain HTTP on 80 (only for environments without a domain).
    /// </summary>
    public ICertificate? Certificate { get; init; }

    /// <summary>TLS policy of the HTTPS listener. Default: <c>ELBSecurityPolicy-TLS13-1-2-2021-06</c> (TLS 1.3 and 1.2).</summary>
    public Amazon.CDK.AWS.ElasticLoadBalancingV2.SslPolicy? SslPolicy { get; init; }

    /// <summary>Protect the load balancer from deletion (production). Default: false.</summary>
    public bool? DeletionProtection { get; init; }

    /// <summary>Write access logs to an encrypted, SSL-only bucket. Default: true.</summary>
    public bool? AccessLogs { get; init; }

    /// <summary>How long access logs are kept (whole days, 1-3650). Default: 90 days.</summary>
    public Duration? AccessLogRetention { get; init; }

    /// <summary>Idle connection timeout (whole seconds, 1-4000). Default: 60 seconds.</summary>
    public Duration? IdleTimeout { get; init; }

    /// <summary>
    /// Web application firewall in front of the load balancer. Default: <see cref="WebFirewall.None"/>.
    /// <see cref="WebFirewall.AwsManagedRules"/> creates a WAFv2 web ACL with the AWS managed
    /// common, known-bad-inputs and IP-reputation rule groups and a per-IP rate-based rule (see
    /// <see cref="FirewallRateLimit"/>), logging to an encrypted group with the <c>Authorization</c> and
    /// <c>Cookie</c> headers redacted (about USD 6/month plus requests).
    /// </summary>
    public WebFirewall? Firewall { get; init; }

    /// <summary>
    /// Requests one client IP may send in five minutes before the web ACL blocks it, while its rate stays
    /// above the limit (10 to 2,000,000,000); only with <see cref="WebFirewall.AwsManagedRules"/>.
    /// Default: 2000 (<see cref="Defaults.FirewallDefaults.RateLimitPer5Minutes"/>).
    /// </summary>
    public int? FirewallRateLimit { get; init; }

    /// <summary>ARN of an existing WAFv2 web ACL (REGIONAL) to associate. Default: none. Rejected together with <see cref="WebFirewall.AwsManagedRules"/>.</summary>
    public string? WebAclArn { get; init; }

    /// <summary>Serve IPv6 clients too; needs a dual-stack VPC. Default: false.</summary>
    public bool? DualStack { get; init; }

    /// <summary>
    /// Escape hatch: the CDK's <c>ApplicationLoadBalancerProps</c>, overriding the library's (see
    /// <see cref="Validation.PropsOverride"/>: every property set here wins, e.g. <c>LoadBalancerName</c>,
    /// <c>ClientKeepAlive</c>, <c>PreserveHostHeader</c>, <c>XffHeaderProcessingMode</c>, <c>VpcSubnets</c>), except those
    /// in <see cref="WebLoadBalancer.GuardedLoadBalancerProps"/>, rejected at synth time. Default: none.
    /// </summary>
    public Amazon.CDK.AWS.ElasticLoadBalancingV2.ApplicationLoadBalancerProps? LoadBalancerOverrides { get; init; }
}
