namespace Infra.Constructs.Security;

/// <summary>Where the app servers may open connections to (<see cref="WebSecurityGroupsProps.AppEgress"/>).</summary>
public sealed class AppEgress
{
    private AppEgress(IAwsServiceEndpoints? endpoints) => Endpoints = endpoints;

    /// <summary>HTTPS (443) and HTTP (80) to anywhere: AWS APIs and package repositories through the NAT gateway. The default.</summary>
    public static AppEgress Internet { get; } = new(null);

    /// <summary>
    /// HTTPS only, and only to the given interface endpoints' security group and to S3 through the gateway
    /// endpoint (the region's S3 prefix list): a server cannot send data to the internet, nor to S3 in other
    /// regions, whatever the routes allow. Needs a network with endpoints
    /// (<see cref="Network.ProductionNetwork.Endpoints"/>, from <see cref="Network.NetworkEgress.NatGatewayAndEndpoints"/>
    /// or <see cref="Network.NetworkEgress.EndpointsOnly"/>) and an image that installs nothing from outside AWS.
    /// </summary>
    public static AppEgress AwsServicesOnly(IAwsServiceEndpoints endpoints) => new(endpoints ?? throw new ArgumentNullException(nameof(endpoints)));

    /// <summary>The endpoints, when limited to them.</summary>
    internal IAwsServiceEndpoints? Endpoints { get; }

    /// <inheritdoc/>
    public override string ToString() => Endpoints is null ? nameof(Internet) : nameof(AwsServicesOnly);
}
