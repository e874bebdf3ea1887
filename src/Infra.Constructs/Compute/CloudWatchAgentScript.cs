using Infra.Constructs.Defaults;

namespace Infra.Constructs.Compute;

/// <summary>
/// Renders the part of a server's first-boot script that installs and configures the CloudWatch
/// agent (see <see cref="FleetLogs"/>). It runs early in the script, so even a failing bootstrap
/// leaves its log in CloudWatch. The agent reads files only; the app's journal is copied to a file.
/// </summary>
public static class CloudWatchAgentScript
{
    /// <summary>Where the agent's configuration is written.</summary>
    public const string ConfigPath = "/opt/aws/amazon-cloudwatch-agent/etc/amazon-cloudwatch-agent.json";

    /// <summary>What the script needs: log group names (tokens are fine), the metric namespace and the app's log source.</summary>
    public sealed record Options(
        string NginxAccessLogGroup,
        string NginxErrorLogGroup,
        string AppLogGroup,
        string DeployLogGroup,
        string MetricNamespace,
        string? AppLogFile);

    /// <summary>The file the agent reads the app's logs from.</summary>
    public static string AppLogPath(Options o) => o.AppLogFile ?? MonitoringDefaults.JournalExportFile;

    /// <summary>The agent's JSON configuration (<c>ServerFiles/amazon-cloudwatch-agent.json.template</c>).</summary>
    public static string Config(Options o) => ServerFiles.Render(ServerFiles.CloudWatchAgentConfigTemplate, new Dictionary<string, string>
    {
        ["NGINX_ACCESS_LOG_GROUP"] = o.NginxAccessLogGroup,
        ["NGINX_ERROR_LOG_GROUP"] = o.NginxErrorLogGroup,
        ["APP_LOG_FILE"] = AppLogPath(o),
        ["APP_LOG_GROUP"] = o.AppLogGroup,
        ["DEPLOY_LOG_GROUP"] = o.DeployLogGroup,
        ["METRIC_NAMESPACE"] = o.MetricNamespace,
    });

    /// <summary>The systemd unit that copies the journal of the app processes to <see cref="MonitoringDefaults.JournalExportFile"/> (<c>ServerFiles/app-log-export.service</c>).</summary>
    public static string JournalExportUnit => ServerFiles.Read(ServerFiles.JournalExportUnit);

    /// <summary>Local rotation of the copied journal; CloudWatch keeps the history (<c>ServerFiles/app.logrotate</c>).</summary>
    public static string LogRotate => ServerFiles.Read(ServerFiles.LogRotate);

    /// <summary>
    /// The script lines that configure the agent (bash, <c>set -euo pipefail</c> in force). The agent, the journal
    /// export unit and its logrotate file are installed before them by <c>install.sh cloudwatch-agent</c>
    /// (<see cref="ServerFiles.InstallScript"/>), or are already on a golden image.
    /// </summary>
    public static string Render(Options o)
    {
        var journal = o.AppLogFile is null ? """
            # The agent reads files only: the journal export unit (installed with the agent) copies the app's journal to a file.
            systemctl daemon-reload
            systemctl enable --now app-log-export.service
            """ : $"# App logs: the agent tails {o.AppLogFile} (FleetLogging.AppLogFile).";
        return $$"""
            # CloudWatch agent: nginx, app, bootstrap and CodeDeploy logs, memory and disk use (docs/monitoring.md).
            {{journal}}
            cat > {{ConfigPath}} <<'CWAGENT'
            {{Config(o)}}
            CWAGENT
            /opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 -s -c file:{{ConfigPath}}
            """;
    }
}
