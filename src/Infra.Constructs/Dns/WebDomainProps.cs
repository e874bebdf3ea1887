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

/// <summary>Props for <see cref="WebDomain"/>.</summary>
public sealed class WebDomainProps
{
    /// <summary>The name clients use, e.g. <c>app.example.com</c> or <c>example.com</c>. Required.</summary>
    public string? DomainName { get; init; }

    /// <summary>The hosted zone's name, e.g. <c>example.com</c>; <see cref="DomainName"/> must be it or below it. Required.</summary>
    public string? ZoneName { get; init; }

    /// <summary>Where the zone comes from. Default: <see cref="HostedZoneSource.Import"/>.</summary>
    public HostedZoneSource? ZoneSource { get; init; }

    /// <summary>Id of an existing zone (<c>Z...</c>), for <see cref="HostedZoneSource.Import"/>. Required in that mode.</summary>
    public string? HostedZoneId { get; init; }

    /// <summary>Extra names on the certificate, each within the zone, e.g. <c>www.example.com</c>. Default: none.</summary>
    public IReadOnlyList<string>? AlternativeNames { get; init; }
}
