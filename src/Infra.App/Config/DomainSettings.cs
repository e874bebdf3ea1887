namespace Infra.App.Config;

/// <summary>
/// Domain of an environment. Without one, the environment serves plain HTTP on the load balancer's DNS name. With
/// <see cref="Infra.Constructs.Dns.HostedZoneSource.Create"/> the zone lives in the environment's own zone stack
/// (<c>{Env}-Dns</c>), deployed and delegated before the web stack (docs/domain.md).
/// </summary>
public sealed record DomainSettings(string DomainName, string ZoneName, Infra.Constructs.Dns.HostedZoneSource ZoneSource, string? HostedZoneId = null);
