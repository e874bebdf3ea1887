using Infra.Constructs.Compute;
using Infra.Constructs.LoadBalancing;

namespace Infra.Constructs.Deployment;

/// <summary>Props for <see cref="BlueGreenFleets"/>.</summary>
public sealed record BlueGreenFleetsProps
{
    /// <summary>The load balancer both fleets sit behind. Required.</summary>
    public required WebLoadBalancer LoadBalancer { get; init; }

    /// <summary>Fleet settings shared by both colors (VPC, security group, sizes...). Required.</summary>
    public required WebFleetProps Fleet { get; init; }

    /// <summary>Overrides for the blue fleet, e.g. its AMI. Default: <see cref="Fleet"/> as is.</summary>
    public Func<WebFleetProps, WebFleetProps>? Blue { get; init; }

    /// <summary>Overrides for the green fleet, e.g. a new AMI. Default: <see cref="Fleet"/> as is.</summary>
    public Func<WebFleetProps, WebFleetProps>? Green { get; init; }

    /// <summary>Where traffic goes. Default: all to blue, green kept warm.</summary>
    public TrafficPlan? Traffic { get; init; }
}
