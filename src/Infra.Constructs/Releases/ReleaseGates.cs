using Amazon.CDK;

namespace Infra.Constructs.Releases;

/// <summary>
/// What a step of a <see cref="ProgressiveRelease"/> must show before the next: the new side's alarms are OK
/// and its metrics, compared with the side that keeps the old version (the baseline), are within these bounds.
/// A step is never promoted on too little data: fewer than <see cref="MinRequests"/> requests hold it.
/// </summary>
public sealed record ReleaseGates
{
    /// <summary>Fail a step when one of the new side's alarms is in ALARM. Default: true.</summary>
    public bool? Alarms { get; init; }

    /// <summary>Fail when the new side's 5xx (Lambda: error) share exceeds this percent (0-100, above 0). Default: 1.</summary>
    public double? MaxErrorPercent { get; init; }

    /// <summary>Fail when the new side's error share exceeds the baseline's by more than this many points (0-100). Default: 0.5.</summary>
    public double? MaxErrorIncreasePoints { get; init; }

    /// <summary>Fail when the new side's p99 latency exceeds this (1 ms - 60 s). Default: no absolute bound.</summary>
    public Duration? MaxP99 { get; init; }

    /// <summary>Fail when the new side's p99 exceeds the baseline's times this (1-10). Default: 1.5.</summary>
    public double? MaxP99Ratio { get; init; }

    /// <summary>Requests the new side must serve in a step before a decision (1-1,000,000). Default: 100.</summary>
    public int? MinRequests { get; init; }
}
