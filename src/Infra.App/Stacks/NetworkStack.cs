using Amazon.CDK;
using Constructs;
using Infra.App.Config;
using Infra.Constructs.Network;

namespace Infra.App.Stacks;

/// <summary>The network of one environment: changes rarely, outlives the servers.</summary>
public sealed class NetworkStack : Stack
{
    /// <summary>The network.</summary>
    public ProductionNetwork Network { get; }

    /// <summary>Creates the stack.</summary>
    public NetworkStack(Construct scope, string id, EnvironmentSettings settings, IStackProps props, IEnumerable<string> otherEnvironmentCidrs)
        : base(scope, id, props)
    {
        Network = new ProductionNetwork(this, "Network", new ProductionNetworkProps
        {
            Cidr = settings.VpcCidr,
            NatGateways = settings.NatGateways,
            MustNotOverlap = otherEnvironmentCidrs.ToList(),
            RestrictDefaultSecurityGroup = settings.RestrictDefaultSecurityGroup,
        });
    }
}
