namespace Infra.Constructs.Deployment;

/// <summary>How many servers an in-place (rolling) CodeDeploy deployment updates at once.</summary>
public enum RollingConfig
{
    /// <summary>One server at a time (CodeDeployDefault.OneAtATime): slowest, least capacity lost.</summary>
    OneAtATime,
    /// <summary>Half the servers at a time (CodeDeployDefault.HalfAtATime).</summary>
    HalfAtATime,
    /// <summary>All servers at once (CodeDeployDefault.AllAtOnce): fastest, an outage if the version is bad.</summary>
    AllAtOnce,
    /// <summary>Keep a custom minimum of healthy hosts: see <see cref="FleetDeploymentProps.MinimumHealthyHosts"/> and <see cref="FleetDeploymentProps.MinimumHealthyHostsArePercent"/>.</summary>
    Custom,
}
