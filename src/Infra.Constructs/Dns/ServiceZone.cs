using Amazon.CDK;
using Amazon.CDK.AWS.Route53;
using Constructs;
using Infra.Constructs.Validation;

namespace Infra.Constructs.Dns;

/// <summary>
/// A public hosted zone meant for a long-lived stack of its own, deployed and delegated before the stack whose
/// DNS-validated certificate needs it (<see cref="WebDomainProps.HostedZone"/>). ACM validates a certificate only
/// through records resolvable on the public internet, so a zone created in the certificate's own stack keeps the
/// first deploy waiting until it fails and rolls back, deleting the zone; the next zone gets other name servers.
/// The zone is retained when its stack is deleted or it is replaced. Outputs <c>NameServers</c> and <c>ZoneName</c>
/// for the delegation (docs/domain.md).
/// </summary>
public sealed class ServiceZone : Construct
{
    /// <summary>The hosted zone.</summary>
    public IPublicHostedZone Zone { get; }

    /// <summary>The zone's four name servers (a deploy-time list), to delegate to at the registrar or the parent zone.</summary>
    public string[] NameServers { get; }

    /// <summary>Creates the zone and its outputs.</summary>
    public ServiceZone(Construct scope, string id, ServiceZoneProps props) : base(scope, id)
    {
        PropChecks.RequireProps(this, props);
        var check = new PropChecks(this, nameof(ServiceZoneProps));
        var name = check.Required(nameof(props.ZoneName), props.ZoneName);
        check.DomainName(nameof(props.ZoneName), name);
        check.ThrowIfAny();
        var zone = new PublicHostedZone(this, "Zone", new PublicHostedZoneProps { ZoneName = name.ToLowerInvariant(), Comment = $"Managed by {Node.Path}" });
        // A deleted zone cannot be recovered, and a new one gets new name servers: the delegation would break.
        zone.ApplyRemovalPolicy(RemovalPolicy.RETAIN);
        Zone = zone;
        NameServers = zone.HostedZoneNameServers!;
        _ = new CfnOutput(this, "NameServers", new CfnOutputProps
        {
            Value = Fn.Join(",", NameServers),
            Description = $"Name servers of {name}: delegate to them (NS records at the registrar or in the parent zone) before deploying the stacks that use the zone",
        });
        _ = new CfnOutput(this, "ZoneName", new CfnOutputProps { Value = name.ToLowerInvariant(), Description = "The zone's name" });
    }
}
