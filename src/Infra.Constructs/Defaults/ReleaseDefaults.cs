namespace Infra.Constructs.Defaults;

/// <summary>Defaults of progressive releases (<see cref="Releases.ProgressiveRelease"/>), in one place.</summary>
public static class ReleaseDefaults
{
    /// <summary>Blue/green: 5 %, 25 %, 50 %, then all of the traffic on the new color, each step baked.</summary>
    public static readonly IReadOnlyList<double> FleetSteps = [5, 25, 50, 100];

    /// <summary>API stage canary: 10 %, then 50 %, then promoted.</summary>
    public static readonly IReadOnlyList<double> ApiSteps = [10, 50];

    /// <summary>Minutes each step runs with its share before the next (long enough for several 1-minute metric periods).</summary>
    public const int BakeMinutes = 10;

    /// <summary>Seconds between two looks at the gates: a breach is acted on within this time (the bound is 15 s).</summary>
    public const int PollSeconds = 15;

    /// <summary>Minutes the driver waits for the new color's healthy targets before refusing to send it traffic.</summary>
    public const int HealthyWaitMinutes = 15;

    /// <summary>The new side's 5xx (or Lambda error) share above which a step fails, in percent.</summary>
    public const double MaxErrorPercent = 1;

    /// <summary>How many percentage points the new side's error share may exceed the baseline's.</summary>
    public const double MaxErrorIncreasePoints = 0.5;

    /// <summary>The new side's p99 latency may be at most this multiple of the baseline's.</summary>
    public const double MaxP99Ratio = 1.5;

    /// <summary>Requests the new side must have served in a step before any decision but "wait".</summary>
    public const int MinRequests = 100;
}
