namespace Infra.Constructs.Deployment;

/// <summary>
/// What the color without traffic runs. Its capacity follows the traffic plan, never the live color's
/// schedules: a safe flip is three reviewed steps, <see cref="Ready"/> (the idle color at production
/// capacity), then the flip (rollback = flip back, both colors full), then <see cref="Warm"/> or
/// <see cref="ScaleToZero"/> for the color that lost the traffic (docs/blue-green.md).
/// </summary>
public enum IdleCapacity
{
    /// <summary>Scale it to zero servers: no cost; set <see cref="Ready"/> before the next switch.</summary>
    ScaleToZero,
    /// <summary>
    /// Keep <see cref="TrafficPlan.WarmCapacity"/> servers (default 1), without the live color's schedules:
    /// a new version can be deployed and checked there; set <see cref="Ready"/> before sending it traffic.
    /// </summary>
    Warm,
    /// <summary>
    /// Run it like the live color (its capacity and schedules), without traffic: the step before a flip, and
    /// the step after one while a flip back must stay instant. Costs twice the servers.
    /// </summary>
    Ready,
}
