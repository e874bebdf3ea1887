namespace Infra.Constructs.Serverless;

/// <summary>How CodeDeploy moves a Lambda alias to a new version; see <see cref="TrafficShift"/>.</summary>
public enum TrafficShiftKind
{
    /// <summary>All traffic moves at once (alarms can still roll back afterwards).</summary>
    AllAtOnce,
    /// <summary>A share moves first, the rest after an interval.</summary>
    Canary,
    /// <summary>Equal shares move at every interval until all traffic has moved.</summary>
    Linear,
}
