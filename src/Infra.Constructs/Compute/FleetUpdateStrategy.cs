namespace Infra.Constructs.Compute;

/// <summary>
/// How CloudFormation replaces a fleet's servers when its launch template changes (a new image, user data
/// or instance type). docs/rolling.md says when to pick which, with the AWS documentation it rests on.
/// </summary>
public enum FleetUpdateStrategy
{
    /// <summary>
    /// The <c>AutoScalingInstanceRefresh</c> update policy: EC2 Auto Scaling launches new servers before it
    /// terminates old ones (minimum healthy 100 %, maximum 200 % by default), and counts a new server only
    /// once it is in service (after the CodeDeploy launch hook deployed the last revision to it) and healthy
    /// in its target group, plus the instance warm-up. The fleet's deployment alarms stop the refresh, and
    /// CloudFormation then rolls the stack back.
    /// </summary>
    InstanceRefresh,

    /// <summary>
    /// The <c>AutoScalingRollingUpdate</c> update policy: CloudFormation terminates a batch of servers and
    /// launches replacements that count once they send their success signal (nginx answers the health path).
    /// Capacity drops by a batch while it runs; kept for fleets that cannot launch extra servers.
    /// </summary>
    RollingUpdate,
}
