using Amazon.CDK;

namespace Infra.Constructs.Releases;

/// <summary>
/// A release that runs itself, declared with the environment and reviewed in its pull request: the steps of
/// traffic the new version gets, how long each step bakes, and the gates it must pass. The template declares
/// the final state (its parameters' defaults); <c>tools/release</c> walks the steps against the deployed stack
/// and promotes or rolls back by itself (docs/progressive-delivery.md).
/// </summary>
public sealed record ProgressiveRelease
{
    /// <summary>
    /// Names this release in the stack's parameters and the driver's log; a new release needs a new id (a release
    /// rolled back under an id is not retried under it). 1-64 of letters, digits, '.', '_' and '-', starting with a
    /// letter or digit. Required.
    /// </summary>
    public required string Id { get; init; }

    /// <summary>
    /// Percent of the traffic on the new version at each step, ascending, each above 0 and at most 100 (blue/green:
    /// whole numbers; 100 is appended when missing). At most 10. Default: 5, 25, 50, 100 for fleets; 10, 50 for an API.
    /// </summary>
    public IReadOnlyList<double>? Steps { get; init; }

    /// <summary>How long each step runs before the next (1 minute - 24 hours, whole seconds). Default: 10 minutes.</summary>
    public Duration? BakeTime { get; init; }

    /// <summary>Time between two looks at the gates (5-60 s, whole seconds); a breach is acted on within it. Default: 15 s.</summary>
    public Duration? PollInterval { get; init; }

    /// <summary>How long the new color may take to have healthy targets before the release is refused (1-60 minutes). Default: 15 minutes.</summary>
    public Duration? HealthyWait { get; init; }

    /// <summary>What a step must show. Default: <see cref="ReleaseGates"/>' defaults.</summary>
    public ReleaseGates? Gates { get; init; }
}
