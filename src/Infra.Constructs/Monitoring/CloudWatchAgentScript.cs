using System.Text.Json;
using System.Text.Json.Nodes;
using Infra.Constructs.Defaults;

namespace Infra.Constructs.Monitoring;

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

    /// <summary>The agent's JSON configuration.</summary>
    public static string Config(Options o)
    {
        static JsonObject File(string path, string group, string stream) => new()
        {
            ["file_path"] = path,
            ["log_group_name"] = group,
            ["log_stream_name"] = stream,
        };
        var config = new JsonObject
        {
            // Root (the default) reads nginx's and CodeDeploy's logs; no hostname dimension: one series per fleet.
            ["agent"] = new JsonObject { ["metrics_collection_interval"] = 60, ["omit_hostname"] = true },
            ["logs"] = new JsonObject
            {
                ["logs_collected"] = new JsonObject
                {
                    ["files"] = new JsonObject
                    {
                        ["collect_list"] = new JsonArray(
                            File("/var/log/nginx/access.log", o.NginxAccessLogGroup, "{instance_id}"),
                            File("/var/log/nginx/error.log", o.NginxErrorLogGroup, "{instance_id}"),
                            File(AppLogPath(o), o.AppLogGroup, "{instance_id}"),
                            File("/var/log/web-fleet-bootstrap.log", o.DeployLogGroup, "{instance_id}/bootstrap"),
                            File("/var/log/aws/codedeploy-agent/codedeploy-agent.log", o.DeployLogGroup, "{instance_id}/codedeploy-agent"),
                            File("/opt/codedeploy-agent/deployment-root/deployment-logs/codedeploy-agent-deployments.log", o.DeployLogGroup, "{instance_id}/deployments")),
                    },
                },
            },
            ["metrics"] = new JsonObject
            {
                ["namespace"] = o.MetricNamespace,
                // [] rolls every series up into one without dimensions: the fleet's worst server under Maximum.
                ["aggregation_dimensions"] = new JsonArray(new JsonArray()),
                ["metrics_collected"] = new JsonObject
                {
                    ["mem"] = new JsonObject { ["measurement"] = new JsonArray("used_percent") },
                    ["disk"] = new JsonObject
                    {
                        ["measurement"] = new JsonArray("used_percent"),
                        ["resources"] = new JsonArray("/"),
                        ["drop_device"] = true,
                    },
                },
            },
        };
        return config.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
    }

    /// <summary>The systemd unit that copies the journal of the app processes to <see cref="MonitoringDefaults.JournalExportFile"/>.</summary>
    public const string JournalExportUnit = """
        [Unit]
        Description=Copy the journal of app@*.service to /var/log/app/app.log for the CloudWatch agent
        After=systemd-journald.service

        [Service]
        # app@PORT.service instances run in system-app.slice; the cursor file resumes after a restart.
        ExecStart=/bin/sh -c 'exec /usr/bin/journalctl --follow --no-tail --output=short-iso --cursor-file=/var/lib/app-log-export/cursor _SYSTEMD_SLICE=system-app.slice >> /var/log/app/app.log'
        StateDirectory=app-log-export
        Restart=always
        RestartSec=5

        [Install]
        WantedBy=multi-user.target
        """;

    /// <summary>Local rotation of the copied journal (CloudWatch keeps the history).</summary>
    public const string LogRotate = """
        /var/log/app/*.log {
            daily
            rotate 3
            maxsize 100M
            missingok
            notifempty
            compress
            delaycompress
            copytruncate
        }
        """;

    /// <summary>The script lines (bash, <c>set -euo pipefail</c> in force; <c>PKG</c>, <c>pkg_install</c> and <c>REGION</c> set by <see cref="Compute.FleetBootstrapScript"/>).</summary>
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
