using Infra.Constructs.Defaults;
using Infra.Constructs.Validation;

namespace Infra.Constructs.Compute;

/// <summary>The resolved instance refresh of a fleet (<see cref="WebFleetSettings.Refresh"/>).</summary>
/// <param name="MinHealthy">Percent of the desired capacity kept in service and healthy.</param>
/// <param name="MaxHealthy">Percent of the desired capacity the group may reach while replacing.</param>
/// <param name="Checkpoints">Percentages at which the refresh pauses; empty for none.</param>
/// <param name="CheckpointDelayMinutes">The pause at each checkpoint.</param>
/// <param name="BakeMinutes">Minutes the alarms are watched after the last replacement.</param>
public sealed record FleetRefreshPlan(int MinHealthy, int MaxHealthy, IReadOnlyList<int> Checkpoints, int CheckpointDelayMinutes, int BakeMinutes)
{
    /// <summary>Applies the defaults and checks the refresh props of <paramref name="props"/>, collecting errors in <paramref name="check"/>.</summary>
    public static FleetRefreshPlan Resolve(WebFleetProps props, PropChecks check)
    {
        ArgumentNullException.ThrowIfNull(props);
        ArgumentNullException.ThrowIfNull(check);
        var minHealthy = props.RefreshMinHealthyPercent ?? ComputeDefaults.RefreshMinHealthyPercent;
        check.InRange(nameof(props.RefreshMinHealthyPercent), minHealthy, 0, 100);
        var maxHealthy = props.RefreshMaxHealthyPercent ?? ComputeDefaults.RefreshMaxHealthyPercent;
        check.InRange(nameof(props.RefreshMaxHealthyPercent), maxHealthy, 100, 200);
        if (maxHealthy - minHealthy > 100)
            check.Reject(nameof(props.RefreshMaxHealthyPercent), maxHealthy, $"at most {nameof(props.RefreshMinHealthyPercent)} + 100 ({minHealthy + 100})");
        if (minHealthy == 100 && maxHealthy == 100)
            check.Reject(nameof(props.RefreshMaxHealthyPercent), maxHealthy, $"above 100 when {nameof(props.RefreshMinHealthyPercent)} is 100 (else no server can be replaced)");
        var checkpoints = props.RefreshCheckpointPercentages?.ToArray() ?? [];
        if (checkpoints.Length > 0 && (checkpoints.Any(c => c is < 1 or > 100) || checkpoints.Zip(checkpoints.Skip(1)).Any(p => p.First >= p.Second) || checkpoints[^1] != 100))
            check.Reject(nameof(props.RefreshCheckpointPercentages), checkpoints, "ascending unique percentages from 1 to 100, the last one 100");
        if (checkpoints.Length == 0 && props.RefreshCheckpointDelay is not null)
            check.Reject(nameof(props.RefreshCheckpointDelay), props.RefreshCheckpointDelay.ToHumanString(), $"unset unless {nameof(props.RefreshCheckpointPercentages)} is set");
        var delay = check.Minutes(nameof(props.RefreshCheckpointDelay), props.RefreshCheckpointDelay, 0, 2880) ?? ComputeDefaults.RefreshCheckpointDelayMinutes;
        var bake = check.Minutes(nameof(props.RefreshBake), props.RefreshBake, 0, 2880) ?? ComputeDefaults.RefreshBakeMinutes;
        return new FleetRefreshPlan(minHealthy, maxHealthy, checkpoints, delay, bake);
    }
}
