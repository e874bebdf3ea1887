namespace Infra.Constructs.Deployment;

/// <summary>The two fleets of a blue/green pair.</summary>
public enum TrafficColor
{
    /// <summary>The blue fleet.</summary>
    Blue,
    /// <summary>The green fleet.</summary>
    Green,
}
