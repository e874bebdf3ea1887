using Infra.Constructs.Validation;

namespace Infra.Constructs.Deployment;

/// <summary>
/// Where traffic goes between the blue and green fleets: the whole of blue/green and canary as one
/// reviewed setting. The active color gets <c>100 - CanaryPercent</c> of requests, the other color
/// <see cref="CanaryPercent"/>. A flip is <c>ActiveColor</c> changing; a canary step is
/// <c>CanaryPercent</c> changing; a rollback is the reverse change.
/// </summary>
public sealed record TrafficPlan
{
    /// <summary>The color serving production traffic. Default: <see cref="TrafficColor.Blue"/>.</summary>
    public TrafficColor ActiveColor { get; init; } = TrafficColor.Blue;

    /// <summary>Percent of requests sent to the other color (0-100). 0 = plain blue/green. Default: 0.</summary>
    public int CanaryPercent { get; init; }

    /// <summary>What the color without traffic does. Default: <see cref="IdleCapacity.Warm"/>.</summary>
    public IdleCapacity IdleCapacity { get; init; } = IdleCapacity.Warm;

    /// <summary>
    /// Servers of the idle color when <see cref="IdleCapacity"/> is <see cref="Deployment.IdleCapacity.Warm"/>
    /// (1-100; its minimum and desired size, no schedules). Default: 1 (<see cref="Defaults.DeploymentDefaults.WarmCapacity"/>).
    /// </summary>
    public int WarmCapacity { get; init; } = Defaults.DeploymentDefaults.WarmCapacity;

    /// <summary>
    /// Keep each client on the color it first reached for this long: whole seconds from 1 second to 7 days (the
    /// load balancer's target-group stickiness). Default: off.
    /// </summary>
    public Amazon.CDK.Duration? Stickiness { get; init; }

    /// <summary>The color without (or with the canary share of) traffic.</summary>
    public TrafficColor OtherColor => ActiveColor == TrafficColor.Blue ? TrafficColor.Green : TrafficColor.Blue;

    /// <summary>Relative weight of <paramref name="color"/> (0-100).</summary>
    public int WeightOf(TrafficColor color) => color == ActiveColor ? 100 - CanaryPercent : CanaryPercent;

    /// <summary>True when <paramref name="color"/> must run servers: it gets traffic, or the idle color stays warm or ready.</summary>
    public bool IsRunning(TrafficColor color) => WeightOf(color) > 0 || IdleCapacity != IdleCapacity.ScaleToZero;

    /// <summary>True when <paramref name="color"/> runs at the production capacity and schedules: it gets traffic, or it is idle and <see cref="Deployment.IdleCapacity.Ready"/>.</summary>
    public bool IsAtProductionCapacity(TrafficColor color) => WeightOf(color) > 0 || IdleCapacity == IdleCapacity.Ready;

    /// <summary>Checks the plan; throws <see cref="InvalidPropException"/> naming <paramref name="constructPath"/>.</summary>
    public void Validate(string constructPath)
    {
        var check = new PropChecks(constructPath, nameof(TrafficPlan));
        if (!Enum.IsDefined(ActiveColor))
            check.Reject(nameof(ActiveColor), ActiveColor, "Blue or Green");
        check.InRange(nameof(CanaryPercent), CanaryPercent, 0, 100);
        check.Seconds(nameof(Stickiness), Stickiness, 1, 604800);
        if (!Enum.IsDefined(IdleCapacity))
            check.Reject(nameof(IdleCapacity), IdleCapacity, "ScaleToZero, Warm or Ready");
        check.InRange(nameof(WarmCapacity), WarmCapacity, 1, 100);
        check.ThrowIfAny();
    }

    /// <summary>Parses a color name (case-insensitive), for configuration and context values.</summary>
    public static bool TryParseColor(string? text, out TrafficColor color)
    {
        // Names only: Enum.TryParse also takes numbers ("1") and comma lists ("blue,green" = Green).
        var name = text?.Trim();
        foreach (var c in Enum.GetValues<TrafficColor>())
        {
            if (string.Equals(c.ToString(), name, StringComparison.OrdinalIgnoreCase)) { color = c; return true; }
        }
        color = TrafficColor.Blue;
        return false;
    }
}
