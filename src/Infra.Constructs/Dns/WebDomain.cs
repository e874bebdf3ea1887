using System.Text.RegularExpressions;
using Amazon.CDK;
using Amazon.CDK.AWS.CertificateManager;
using Amazon.CDK.AWS.ElasticLoadBalancingV2;
using Amazon.CDK.AWS.Route53;
using Amazon.CDK.AWS.Route53.Targets;
using Constructs;
using Infra.Constructs.Validation;

namespace Infra.Constructs.Dns;

/// <summary>
/// A domain for the service: the Route 53 hosted zone (imported, looked up or created) and an ACM
/// certificate validated through DNS in that zone. Call <see cref="PointAt"/> to add the alias
/// records (A, and AAAA for a dual-stack load balancer) once the load balancer exists.
/// </summary>
public sealed partial class WebDomain : Construct
{
    /// <summary>The hosted zone.</summary>
    public IHostedZone Zone { get; }

    /// <summary>The DNS-validated certificate for <see cref="DomainName"/> and its alternative names.</summary>
    public ICertificate Certificate { get; }

    /// <summary>The name clients use.</summary>
    public string DomainName { get; }

    /// <summary>Creates the zone reference and the certificate.</summary>
    public WebDomain(Construct scope, string id, WebDomainProps props) : base(scope, id)
    {
        PropChecks.RequireProps(this, props);
        var check = new PropChecks(this, nameof(WebDomainProps));
        var domain = check.Required(nameof(props.DomainName), props.DomainName);
        check.NotBlank(nameof(props.DomainName), domain);
        check.DomainName(nameof(props.DomainName), domain);
        var zoneName = check.Required(nameof(props.ZoneName), props.ZoneName);
        check.DomainName(nameof(props.ZoneName), zoneName);
        if (!IsWithin(domain, zoneName))
            check.Reject(nameof(props.DomainName), domain, $"{zoneName} or a name below it (the certificate is validated in that zone)");
        foreach (var alt in props.AlternativeNames ?? [])
        {
            check.DomainName(nameof(props.AlternativeNames), alt.StartsWith("*.", StringComparison.Ordinal) ? alt[2..] : alt);
            if (!IsWithin(alt.TrimStart('*', '.'), zoneName))
                check.Reject(nameof(props.AlternativeNames), alt, $"names within {zoneName}");
        }
        check.ThrowIfAny();
        DomainName = domain.ToLowerInvariant();

        if (props.HostedZone is { } given)
        {
            foreach (var (name, value) in new (string, object?)[] { (nameof(props.ZoneSource), props.ZoneSource), (nameof(props.HostedZoneId), props.HostedZoneId) })
                if (value is not null)
                    throw check.Fail(name, value, $"unset when {nameof(props.HostedZone)} is given");
            if (!Token.IsUnresolved(given.ZoneName) && !given.ZoneName.TrimEnd('.').Equals(zoneName, StringComparison.OrdinalIgnoreCase))
                throw check.Fail(nameof(props.ZoneName), zoneName, $"the name of the given {nameof(props.HostedZone)} ({given.ZoneName})");
            Zone = given;
        }
        else
        {
            var source = props.ZoneSource ?? HostedZoneSource.Import;
            switch (source)
            {
                case HostedZoneSource.Import:
                    var zoneId = check.Required(nameof(props.HostedZoneId), props.HostedZoneId);
                    check.Matches(nameof(props.HostedZoneId), zoneId, ZoneIdPattern(), "a Route 53 zone id such as Z0123456789ABCDEFGHIJ");
                    check.ThrowIfAny();
                    Zone = HostedZone.FromHostedZoneAttributes(this, "Zone", new HostedZoneAttributes { HostedZoneId = zoneId, ZoneName = zoneName });
                    break;
                case HostedZoneSource.Lookup:
                    if (props.HostedZoneId is not null)
                        throw check.Fail(nameof(props.HostedZoneId), props.HostedZoneId, "unset unless ZoneSource is Import");
                    if (Token.IsUnresolved(Stack.Of(this).Account) || Token.IsUnresolved(Stack.Of(this).Region))
                        throw check.Fail(nameof(props.ZoneSource), source, "Import or Create in an environment-agnostic stack; Lookup needs the stack's account and region");
                    Zone = HostedZone.FromLookup(this, "Zone", new HostedZoneProviderProps { DomainName = zoneName });
                    break;
                case HostedZoneSource.Create:
                    if (props.HostedZoneId is not null)
                        throw check.Fail(nameof(props.HostedZoneId), props.HostedZoneId, "unset unless ZoneSource is Import");
                    Zone = new PublicHostedZone(this, "Zone", new PublicHostedZoneProps { ZoneName = zoneName, Comment = $"Managed by {Node.Path}" });
                    Annotations.Of(this).AddWarningV2("infra:zone-created-with-certificate",
                        $"the hosted zone {zoneName} is created in the stack of its DNS-validated certificate: ACM can validate only once the registrar " +
                        "delegates to the new zone's name servers, so the first deploy waits and rolls back, deleting the zone. Create it in a zone stack " +
                        "deployed and delegated first (ServiceZone, WebDomainProps.HostedZone) or import an existing zone (docs/domain.md).");
                    break;
                default:
                    throw check.Fail(nameof(props.ZoneSource), source, "Import, Lookup or Create");
            }
        }

        Certificate = new Certificate(this, "Certificate", new CertificateProps
        {
            DomainName = DomainName,
            SubjectAlternativeNames = props.AlternativeNames?.ToArray(),
            Validation = CertificateValidation.FromDns(Zone),
        });
    }

    /// <summary>Adds alias records for <see cref="DomainName"/> to the load balancer: A, and AAAA when it is dual-stack.</summary>
    public void PointAt(IApplicationLoadBalancer loadBalancer, bool dualStack)
    {
        var target = RecordTarget.FromAlias(new LoadBalancerTarget(loadBalancer));
        var recordName = DomainName;
        new ARecord(this, "Alias", new ARecordProps { Zone = Zone, RecordName = recordName, Target = target });
        if (dualStack)
            new AaaaRecord(this, "AliasIpv6", new AaaaRecordProps { Zone = Zone, RecordName = recordName, Target = target });
    }

    private static bool IsWithin(string name, string zone) =>
        name.Equals(zone, StringComparison.OrdinalIgnoreCase) || name.EndsWith("." + zone, StringComparison.OrdinalIgnoreCase);

    [GeneratedRegex(@"^Z[A-Z0-9]{1,32}$")]
    private static partial Regex ZoneIdPattern();
}
