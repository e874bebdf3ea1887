using Amazon.CDK.AWS.KMS;
using Amazon.CDK.AWS.Logs;

namespace Infra.Constructs.Compute;

/// <summary>
/// Logs and server metrics of a fleet (<see cref="WebFleetProps.Logs"/>): the CloudWatch
/// agent on every server ships nginx's access and error logs, the app's logs, the bootstrap and
/// CodeDeploy logs, and memory and disk use. On by default.
/// </summary>
public sealed record FleetLogging
{
    /// <summary>Install and configure the CloudWatch agent and create the log groups. Default: true.</summary>
    public bool? Enabled { get; init; }

    /// <summary>How long the log groups keep events. Default: <see cref="RetentionDays.ONE_YEAR"/>.</summary>
    public RetentionDays? Retention { get; init; }

    /// <summary>
    /// KMS key of the log groups; its policy must let CloudWatch Logs use it (<c>Monitoring.NotificationTopic.Key</c> and
    /// <c>Monitoring.MonitoringKeys.Create</c> do, <see cref="Security.EncryptionKeys.AllowCloudWatchLogs"/> grants it). Default: a new key per fleet (one more key per month on the bill).
    /// </summary>
    public IKey? EncryptionKey { get; init; }

    /// <summary>
    /// A log file the app writes (absolute path; <c>*</c> globs allowed), shipped instead of its journal.
    /// Default: none; the journal of <c>app@*.service</c> (the processes' stdout and stderr) is copied to
    /// <c>/var/log/app/app.log</c> and shipped.
    /// </summary>
    public string? AppLogFile { get; init; }

    /// <summary>CloudWatch Logs filter pattern for the app's log lines that count as errors. Default: <c>?ERROR ?CRITICAL ?FATAL ?Traceback</c>.</summary>
    public string? AppErrorPattern { get; init; }
}
