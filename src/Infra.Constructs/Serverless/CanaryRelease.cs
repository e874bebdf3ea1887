using System.Globalization;

namespace Infra.Constructs.Serverless;

/// <summary>
/// The lifecycle of an API Gateway stage canary as one reviewed setting:
/// <see cref="None"/> → <see cref="Started"/>(N %) → <see cref="Started"/>(more %) → <see cref="Promoted"/>
/// or <see cref="RolledBack"/>. Each step is a one-line configuration change and a <c>cdk deploy</c>.
/// In every phase but <see cref="CanaryPhase.Started"/> the canary is <i>cleared</i>, not removed:
/// see <see cref="CanaryRestApi"/> for why.
/// </summary>
public sealed record CanaryRelease
{
    private CanaryRelease(CanaryPhase phase, double percent)
    {
        Phase = phase;
        Percent = percent;
    }

    /// <summary>The phase.</summary>
    public CanaryPhase Phase { get; }

    /// <summary>Percent of requests the canary gets (0-100, fractions allowed); 0 unless <see cref="CanaryPhase.Started"/>.</summary>
    public double Percent { get; }

    /// <summary>No canary.</summary>
    public static CanaryRelease None { get; } = new(CanaryPhase.None, 0);

    /// <summary>Promoted: the canary's settings serve all requests.</summary>
    public static CanaryRelease Promoted { get; } = new(CanaryPhase.Promoted, 0);

    /// <summary>Rolled back: the stage's settings serve all requests.</summary>
    public static CanaryRelease RolledBack { get; } = new(CanaryPhase.RolledBack, 0);

    /// <summary>The canary gets <paramref name="percent"/> of the requests (0-100; 0 deploys it without traffic). Checked by the construct that uses it.</summary>
    public static CanaryRelease Started(double percent) => new(CanaryPhase.Started, percent);

    /// <summary>True when the canary gets a share of the traffic (it may be 0 %).</summary>
    public bool IsActive => Phase == CanaryPhase.Started;

    /// <summary>Phase names accepted by <see cref="TryParsePhase"/> (case-insensitive).</summary>
    public static IReadOnlyList<string> PhaseNames { get; } = ["none", "started", "promoted", "rolledBack"];

    /// <summary>Parses a phase name (see <see cref="PhaseNames"/>), for configuration and context values.</summary>
    public static bool TryParsePhase(string? text, out CanaryPhase phase)
    {
        phase = CanaryPhase.None;
        return text is not null
            && !int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out _)
            && Enum.TryParse(text.Trim(), ignoreCase: true, out phase)
            && Enum.IsDefined(phase);
    }

    /// <inheritdoc />
    public override string ToString() => Phase == CanaryPhase.Started
        ? $"Started({Percent.ToString(CultureInfo.InvariantCulture)}%)"
        : Phase.ToString();
}
