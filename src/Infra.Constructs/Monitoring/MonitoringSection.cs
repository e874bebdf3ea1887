using Amazon.CDK.AWS.CloudWatch;

namespace Infra.Constructs.Monitoring;

/// <summary>
/// What another part of the environment adds to its monitoring (<see cref="WebMonitoring.AddSection"/>):
/// e.g. an API stack's API Gateway requests, errors and latency with the canary and base stages
/// apart, and its Lambda errors, throttles and duration per alias. The monitoring construct knows
/// nothing about the source: it lays the widgets out under a title and wires the alarms.
/// </summary>
public sealed record MonitoringSection
{
    /// <summary>Heading of the section on the dashboard. Required.</summary>
    public required string Title { get; init; }

    /// <summary>Markdown under the heading, e.g. what to watch during a canary step. Default: none.</summary>
    public string? Description { get; init; }

    /// <summary>Widgets, laid out left to right in rows of 24 units (see <see cref="MonitoringWidgets"/>). Default: none.</summary>
    public IReadOnlyList<IWidget> Widgets { get; init; } = [];

    /// <summary>Alarms of the section: they notify the environment's topic and get a status widget. Default: none.</summary>
    public IReadOnlyList<IAlarm> Alarms { get; init; } = [];

    /// <summary>The alarms also count towards the composite "service unhealthy" alarm (same stack only). Default: true.</summary>
    public bool AlarmsAffectServiceHealth { get; init; } = true;
}
