namespace Infra.Constructs.Compute;

/// <summary>A scheduled capacity change ("scale by time"), e.g. more servers on weekday mornings.</summary>
public sealed class FleetSchedule
{
    /// <summary>Name of the scheduled action (letters, digits, hyphens). Required.</summary>
    public string Name { get; init; } = "";

    /// <summary>Five-field cron expression: minute hour day-of-month month day-of-week. Required.</summary>
    public string Cron { get; init; } = "";

    /// <summary>IANA time zone of <see cref="Cron"/>, e.g. <c>Europe/Berlin</c>. Default: UTC.</summary>
    public string? TimeZone { get; init; }

    /// <summary>New minimum. Default: unchanged.</summary>
    public int? MinCapacity { get; init; }

    /// <summary>New desired capacity. Default: unchanged.</summary>
    public int? DesiredCapacity { get; init; }

    /// <summary>New maximum. Default: unchanged.</summary>
    public int? MaxCapacity { get; init; }
}
