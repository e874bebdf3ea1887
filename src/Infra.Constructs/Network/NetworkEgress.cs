namespace Infra.Constructs.Network;

/// <summary>How the servers in the private subnets reach AWS APIs and the internet (<see cref="ProductionNetworkProps.Egress"/>).</summary>
public enum NetworkEgress
{
    /// <summary>Through NAT gateways: the servers reach AWS APIs and the internet. The default.</summary>
    NatGateway,

    /// <summary>
    /// NAT gateways and interface endpoints for the AWS APIs the servers call: AWS API calls stay in the
    /// VPC, so the servers' security group can be limited to the endpoints
    /// (<see cref="Security.AppEgress.AwsServicesOnly"/>) while the NAT stays for whatever else needs it.
    /// </summary>
    NatGatewayAndEndpoints,

    /// <summary>
    /// No NAT gateway: the private subnets have no route to the internet (isolated), and the servers reach
    /// AWS only through interface endpoints and the S3 gateway endpoint. For images that install nothing
    /// from outside AWS (Amazon Linux 2023 reads its package repositories from S3). docs/security.md has
    /// what it costs against a NAT gateway.
    /// </summary>
    EndpointsOnly,
}
