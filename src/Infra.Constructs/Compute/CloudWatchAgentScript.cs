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

    /// <summary>The script lines (bash, <c>set -euo pipefail</c> in force; <c>PKG</c>, <c>pkg_install</c> and <c>REGION</c> set by <see cref="FleetBootstrapScript"/>).</summary>
    public static string Render(Options o)
    {
        var journal = o.AppLogFile is null ? $$"""
            # The agent reads files only: copy the app processes' journal to a file it tails.
            install -d -m 0755 /var/log/app
            cat > /etc/systemd/system/app-log-export.service <<'UNIT'
            {{JournalExportUnit}}
            UNIT
            cat > /etc/logrotate.d/app <<'ROTATE'
            {{LogRotate}}
            ROTATE
            systemctl daemon-reload
            systemctl enable --now app-log-export.service
            """ : $"# App logs: the agent tails {o.AppLogFile} (FleetLogging.AppLogFile).";
        return $$"""
            # CloudWatch agent: nginx, app, bootstrap and CodeDeploy logs, memory and disk use (docs/monitoring.md).
            if [ -x /opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl ]; then
              echo "bootstrap: the CloudWatch agent is installed"
            elif [ "$PKG" = dnf ]; then
              pkg_install amazon-cloudwatch-agent
            else
              # Debian/Ubuntu: the package AWS publishes per region, OS and architecture.
              . /etc/os-release
              curl -fsSL --retry 5 -o /tmp/amazon-cloudwatch-agent.deb "https://amazoncloudwatch-agent-${REGION}.s3.${REGION}.amazonaws.com/${ID}/$(dpkg --print-architecture)/latest/amazon-cloudwatch-agent.deb"
              dpkg -i -E /tmp/amazon-cloudwatch-agent.deb
            fi
            {{journal}}
            cat > {{ConfigPath}} <<'CWAGENT'
            {{Config(o)}}
            CWAGENT
            /opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 -s -c file:{{ConfigPath}}
            """;
    }
}
