namespace Infra.Constructs.Dns;

/// <summary>How <see cref="WebDomain"/> finds its Route 53 hosted zone.</summary>
public enum HostedZoneSource
{
    /// <summary>Import an existing zone by <see cref="WebDomainProps.HostedZoneId"/> and <see cref="WebDomainProps.ZoneName"/> (works with no AWS account at synth).</summary>
    Import,
    /// <summary>Look the zone up by name at synth time (needs a stack with account and region, and credentials once; cached in cdk.context.json).</summary>
    Lookup,
    /// <summary>Create a new public hosted zone (you then delegate to its name servers).</summary>
    Create,
}
