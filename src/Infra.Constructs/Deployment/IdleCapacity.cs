namespace Infra.Constructs.Deployment;

/// <summary>What the fleet without traffic does.</summary>
public enum IdleCapacity
{
    /// <summary>Scale it to zero servers: no cost; warm it up (set <see cref="Warm"/>) before the next switch.</summary>
    ScaleToZero,
    /// <summary>Keep it at its configured capacity: a switch or a rollback is instant; costs twice the servers.</summary>
    Warm,
}
