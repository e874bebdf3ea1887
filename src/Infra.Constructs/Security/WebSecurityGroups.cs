using Amazon.CDK.AWS.EC2;
using Constructs;
using Infra.Constructs.Validation;

namespace Infra.Constructs.Security;

/// <summary>
/// The chain of security groups for a web service: the internet reaches only the load balancer
/// (80/443), the load balancer reaches only the servers' instance port, and nothing else reaches
/// the servers except SSH from declared admin networks. Every group and rule has a description.
/// </summary>
public sealed class WebSecurityGroups : Construct
{
    /// <summary>Group of the load balancer.</summary>
    public ISecurityGroup LoadBalancer { get; }

    /// <summary>Group of the application servers.</summary>
    public ISecurityGroup App { get; }

    /// <summary>The port the servers accept load-balancer traffic on.</summary>
    public int InstancePort { get; }

    // The port each App group opens to its load balancer, so a fleet on that group takes it from here: the
    // port is given once (WebFleetProps.InstancePort may repeat it, never contradict it).
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<ISecurityGroup, WebSecurityGroups> Owners = new();

    /// <summary>The groups that made <paramref name="appGroup"/> (their <see cref="App"/>), or null for any other group.</summary>
    public static WebSecurityGroups? Of(ISecurityGroup appGroup) => Owners.TryGetValue(appGroup, out var owner) ? owner : null;

    /// <summary>Creates the groups.</summary>
    public WebSecurityGroups(Construct scope, string id, WebSecurityGroupsProps props) : base(scope, id)
    {
        PropChecks.RequireProps(this, props);
        var check = new PropChecks(this, nameof(WebSecurityGroupsProps));
        var vpc = check.Required(nameof(props.Vpc), props.Vpc);
        InstancePort = props.InstancePort ?? 80;
        check.Port(nameof(props.InstancePort), InstancePort);

        var ingress = props.LoadBalancerIngressCidrs ?? ["0.0.0.0/0", "::/0"];
        if (ingress.Count == 0)
            check.Reject(nameof(props.LoadBalancerIngressCidrs), ingress, "at least one CIDR block (the load balancer would be unreachable)");
        var ingressBlocks = ingress.Select(c => check.CidrBlock(nameof(props.LoadBalancerIngressCidrs), c)).OfType<Cidr>().ToList();

        var admin = props.AdminSshCidrs ?? [];
        foreach (var c in admin)
        {
            if (check.CidrBlock(nameof(props.AdminSshCidrs), c) is not { } block) continue;
            // Not only /0: 0.0.0.0/1 plus 128.0.0.0/1 is the whole internet too.
            var minPrefix = block.IsIPv4 ? Defaults.SecurityDefaults.AdminSshMinPrefixIPv4 : Defaults.SecurityDefaults.AdminSshMinPrefixIPv6;
            if (block.IsAnywhere)
                check.Reject(nameof(props.AdminSshCidrs), c, "specific admin networks only; SSH from the whole internet is never allowed (use SSM Session Manager)");
            else if (block.PrefixLength < minPrefix)
                check.Reject(nameof(props.AdminSshCidrs), c, $"an admin network of /{minPrefix} or narrower ({(block.IsIPv4 ? "IPv4" : "IPv6")}); wider blocks add up to the internet (use SSM Session Manager)");
        }
        check.ThrowIfAny();

        var lb = new SecurityGroup(this, "LoadBalancer", new SecurityGroupProps
        {
            Vpc = vpc,
            Description = "Load balancer: HTTP and HTTPS from clients; forwards only to the app servers",
            AllowAllOutbound = false,
        });
        foreach (var block in ingressBlocks)
        {
            var peer = block.IsIPv4 ? Peer.Ipv4(block.ToString()) : Peer.Ipv6(block.ToString());
            lb.AddIngressRule(peer, Port.Tcp(443), $"HTTPS from {block}");
            lb.AddIngressRule(peer, Port.Tcp(80), $"HTTP from {block} (redirected to HTTPS when a domain is set)");
        }

        var app = new SecurityGroup(this, "App", new SecurityGroupProps
        {
            Vpc = vpc,
            Description = "App servers: instance port from the load balancer only",
            AllowAllOutbound = false,
        });
        app.AddIngressRule(lb, Port.Tcp(InstancePort), "Instance port (nginx) from the load balancer");
        lb.AddEgressRule(app, Port.Tcp(InstancePort), "Forward to the app servers' instance port");
        // DNS and NTP go to link-local addresses that security groups do not filter: neither needs a rule.
        if ((props.AppEgress ?? Security.AppEgress.Internet).Endpoints is { } endpoints)
        {
            app.AddEgressRule(endpoints.SecurityGroup, Port.Tcp(443), "HTTPS to the AWS service endpoints (SSM, CloudWatch, CodeDeploy, Secrets Manager ...)");
            app.AddEgressRule(Peer.PrefixList(endpoints.LookUpS3PrefixList()), Port.Tcp(443), "HTTPS to S3 through the gateway endpoint (packages, revisions)");
        }
        else
        {
            // Servers need HTTPS out for packages, SSM, CodeDeploy, Secrets Manager and CloudWatch; HTTP for package mirrors.
            app.AddEgressRule(Peer.AnyIpv4(), Port.Tcp(443), "HTTPS to AWS APIs and package repositories");
            app.AddEgressRule(Peer.AnyIpv4(), Port.Tcp(80), "HTTP to package repositories");
        }
        foreach (var c in admin)
        {
            var peer = c.Contains(':') ? Peer.Ipv6(c) : Peer.Ipv4(c);
            app.AddIngressRule(peer, Port.Tcp(22), $"SSH from admin network {c}");
        }

        LoadBalancer = lb;
        App = app;
        Owners.AddOrUpdate(app, this);
    }
}
