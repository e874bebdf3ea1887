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

    /// <summary>
    /// Reach <see cref="Traffic"/> by a release that runs itself: the weights and which colors run at production
    /// capacity become stack parameters whose defaults are <see cref="Traffic"/> (the declared final state), a
    /// <c>cdk deploy</c> keeps their current values, and <c>tools/release</c> walks the steps, gated by the new
    /// color's alarms and metrics (docs/progressive-delivery.md). <see cref="TrafficPlan.CanaryPercent"/> must be 0:
    /// the steps set the share. Default: none (a <c>cdk deploy</c> applies <see cref="Traffic"/> at once).
    /// </summary>
    public Releases.ProgressiveRelease? Release { get; init; }
}
