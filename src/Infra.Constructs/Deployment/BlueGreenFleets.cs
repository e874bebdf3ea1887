using Amazon.CDK;
using Constructs;
using Infra.Constructs.Compute;
using Infra.Constructs.LoadBalancing;
using Infra.Constructs.Validation;

namespace Infra.Constructs.Deployment;

/// <summary>
/// Blue/green and canary on EC2, the source notes' manual procedure as code: two fleets (each with
/// its own launch template, Auto Scaling group and target group) behind one weighted forward.
/// Changing <see cref="TrafficPlan"/> moves traffic and changes only the listener rule's weights
/// and the idle fleet's capacity; nothing on the traffic path is replaced.
/// (CloudFormation cannot drive CodeDeploy blue/green for EC2, so the switch is the template.)
/// </summary>
public sealed class BlueGreenFleets : Construct
{
    /// <summary>The blue fleet.</summary>
    public WebFleet Blue { get; }

    /// <summary>The green fleet.</summary>
    public WebFleet Green { get; }

    /// <summary>The plan in force.</summary>
    public TrafficPlan Traffic { get; }

    /// <summary>The fleet of <paramref name="color"/>.</summary>
    public WebFleet FleetOf(TrafficColor color) => color == TrafficColor.Blue ? Blue : Green;

    /// <summary>The fleet serving production traffic.</summary>
    public WebFleet Active => FleetOf(Traffic.ActiveColor);

    /// <summary>Creates both fleets and routes traffic by the plan.</summary>
    public BlueGreenFleets(Construct scope, string id, BlueGreenFleetsProps props) : base(scope, id)
    {
        PropChecks.RequireProps(this, props);
        var check = new PropChecks(this, nameof(BlueGreenFleetsProps));
        var lb = check.Required(nameof(props.LoadBalancer), props.LoadBalancer);
        var shared = check.Required(nameof(props.Fleet), props.Fleet);
        Traffic = props.Traffic ?? new TrafficPlan();
        Traffic.Validate(Node.Path);
        if (shared.Color is not null)
            throw check.Fail($"{nameof(props.Fleet)}.{nameof(WebFleetProps.Color)}", shared.Color, "unset (each fleet is named by its color)");

        Blue = CreateFleet(TrafficColor.Blue, shared, props.Blue);
        Green = CreateFleet(TrafficColor.Green, shared, props.Green);

        lb.Route(
            [new WeightedTarget(Blue.TargetGroup, Traffic.WeightOf(TrafficColor.Blue)),
             new WeightedTarget(Green.TargetGroup, Traffic.WeightOf(TrafficColor.Green))],
            Traffic.Stickiness);
        Blue.ScaleOnRequests();
        Green.ScaleOnRequests();
    }

    private WebFleet CreateFleet(TrafficColor color, WebFleetProps shared, Func<WebFleetProps, WebFleetProps>? overrides)
    {
        var name = color.ToString().ToLowerInvariant();
        var props = (overrides?.Invoke(shared) ?? shared) with { Color = name };
        if (!Traffic.IsRunning(color))
            // Idle and scaled to zero: no servers, no scheduled actions that would wake it, and no
            // shared RollingMinInService (CloudFormation rejects one at or above MaxSize on update).
            props = props with { MinCapacity = 0, DesiredCapacity = null, MaxCapacity = 0, Schedules = [], RollingMinInService = null };
        else if (!Traffic.IsAtProductionCapacity(color))
            // Idle and warm: the stated small size, none of the live color's schedules (they would raise a
            // fleet without traffic to business-hours capacity), and the rolling policy recomputed for it.
            props = props with
            {
                MinCapacity = Traffic.WarmCapacity,
                DesiredCapacity = null,
                MaxCapacity = props.MaxCapacity is { } max ? Math.Max(max, Traffic.WarmCapacity) : null,
                Schedules = [],
                RollingMinInService = null,
            };
        var fleet = new WebFleet(this, color.ToString(), props);
        Tags.Of(fleet).Add("deployment-color", name);
        return fleet;
    }
}
