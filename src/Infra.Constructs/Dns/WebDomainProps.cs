namespace Infra.Constructs.Dns;

/// <summary>Props for <see cref="WebDomain"/>.</summary>
public sealed record WebDomainProps
{
    /// <summary>The name clients use, e.g. <c>app.example.com</c> or <c>example.com</c>. Required.</summary>
    public required string DomainName { get; init; }

    /// <summary>The hosted zone's name, e.g. <c>example.com</c>; <see cref="DomainName"/> must be it or below it. Required.</summary>
    public required string ZoneName { get; init; }

    /// <summary>
    /// Where the zone comes from, when <see cref="HostedZone"/> is not given. Default: <see cref="HostedZoneSource.Import"/>.
    /// <see cref="HostedZoneSource.Create"/> puts the zone in the certificate's stack: its first deploy waits until
    /// the registrar delegates to the new zone (a synth warning says so; docs/domain.md).
    /// </summary>
    public HostedZoneSource? ZoneSource { get; init; }

    /// <summary>
    /// A zone object, for example <see cref="ServiceZone.Zone"/> of a zone stack deployed and delegated first (the
    /// recommended way for a new domain). Give this, or <see cref="ZoneSource"/> with its settings, not both.
    /// </summary>
    public Amazon.CDK.AWS.Route53.IHostedZone? HostedZone { get; init; }

    /// <summary>Id of an existing zone (<c>Z...</c>), for <see cref="HostedZoneSource.Import"/>. Required in that mode.</summary>
    public string? HostedZoneId { get; init; }

    /// <summary>Extra names on the certificate, each within the zone, e.g. <c>www.example.com</c>. Default: none.</summary>
    public IReadOnlyList<string>? AlternativeNames { get; init; }
}
