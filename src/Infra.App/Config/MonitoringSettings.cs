namespace Infra.App.Config;

/// <summary>
/// Monitoring of an environment (dashboard, alarms, notification topic, server logs; see docs/monitoring.md).
/// Alarm e-mails and HTTPS endpoints are subscribed to the environment's topic; each must confirm once.
/// </summary>
public sealed record MonitoringSettings
{
    /// <summary>Dashboard, alarms, topic and the servers' CloudWatch agent. Off: none of them, and deployments roll back on their own alarms.</summary>
    public bool Enabled { get; init; } = true;
    /// <summary>E-mail addresses told about every alarm and Auto Scaling launch/terminate.</summary>
    public IReadOnlyList<string> AlarmEmails { get; init; } = [];
    /// <summary>HTTPS endpoints (incident tool, chat webhook) told the same.</summary>
    public IReadOnlyList<string> AlarmHttpsEndpoints { get; init; } = [];
    /// <summary>Alarm thresholds; unset values use the library's defaults.</summary>
    public Infra.Constructs.Monitoring.AlarmThresholds Thresholds { get; init; } = new();
    /// <summary>How long the servers' log groups keep events (at least a year for Control Tower); null keeps the library's default (a year).</summary>
    public Amazon.CDK.AWS.Logs.RetentionDays? LogRetention { get; init; }
}
