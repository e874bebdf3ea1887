using System.Globalization;

namespace Infra.Constructs.Serverless;

/// <summary>
/// A CodeDeploy traffic-shifting configuration for a Lambda alias (<see cref="AliasDeployment"/>).
/// The predefined <c>CodeDeployDefault.Lambda*</c> configurations are used where they match;
/// other values create a custom deployment configuration.
/// </summary>
public sealed record TrafficShift
{
    private TrafficShift(TrafficShiftKind kind, int percent, int intervalMinutes)
    {
        Kind = kind;
        Percent = percent;
        IntervalMinutes = intervalMinutes;
    }

    /// <summary>The kind of shift.</summary>
    public TrafficShiftKind Kind { get; }

    /// <summary>Canary: percent moved first; linear: percent moved at each step (1-99). 100 for all at once.</summary>
    public int Percent { get; }

    /// <summary>Minutes between steps (1-2880); 0 for all at once.</summary>
    public int IntervalMinutes { get; }

    /// <summary>All traffic at once.</summary>
    public static TrafficShift AllAtOnce { get; } = new(TrafficShiftKind.AllAtOnce, 100, 0);

    /// <summary><paramref name="percent"/> first, the rest after <paramref name="minutes"/>. Checked by the construct that uses it.</summary>
    public static TrafficShift Canary(int percent, int minutes) => new(TrafficShiftKind.Canary, percent, minutes);

    /// <summary><paramref name="percent"/> more every <paramref name="minutes"/>. Checked by the construct that uses it.</summary>
    public static TrafficShift Linear(int percent, int minutes) => new(TrafficShiftKind.Linear, percent, minutes);

    /// <inheritdoc />
    public override string ToString() => Kind switch
    {
        TrafficShiftKind.Canary => $"Canary({Percent.ToString(CultureInfo.InvariantCulture)}% then the rest after {IntervalMinutes} min)",
        TrafficShiftKind.Linear => $"Linear({Percent.ToString(CultureInfo.InvariantCulture)}% every {IntervalMinutes} min)",
        _ => Kind.ToString(),
    };
}
