using System.Globalization;
using System.Text;

namespace Infra.Constructs.Compute;

/// <summary>
/// Renders the servers' first-boot script: nginx in front of N app processes (a systemd template
/// unit, one process per port on 127.0.0.1), a placeholder app until the first CodeDeploy revision,
/// the CodeDeploy agent, and the app config file. It writes names and ARNs only, never a secret value.
/// The layout is the contract the revision bundle in <c>deploy/</c> relies on.
/// </summary>
public static class FleetBootstrapScript
{
    /// <summary>What the script needs to know.</summary>
    public sealed record Options(
        int AppProcessCount,
        int AppBasePort,
        int InstancePort,
        string HealthCheckPath,
        string EnvironmentName,
        string? Color,
        string? AppSecretArn,
        bool InstallCodeDeployAgent,
        CloudWatchAgentScript.Options? CloudWatchAgent = null,
        bool SendsSignal = false);

    /// <summary>Ports of the app processes.</summary>
    public static IEnumerable<int> AppPorts(Options o) => Enumerable.Range(o.AppBasePort, o.AppProcessCount);

    /// <summary>
    /// Seconds nginx keeps a failed app process out of its upstream (passive check): the <c>fail_timeout</c>
    /// written in <c>ServerFiles/nginx.conf.template</c> (a test pins both). The CodeDeploy hooks wait longer
    /// than this between two process restarts, so one process is always available.
    /// </summary>
    public const int UpstreamFailTimeoutSeconds = 5;

    /// <summary>The nginx configuration: <c>/etc/nginx/nginx.conf</c> after its first line (<c>user</c>, which the script writes for the image).</summary>
    public static string NginxConfig(Options o) => ServerFiles.Render(ServerFiles.NginxConfigTemplate, new Dictionary<string, string>
    {
        ["INSTANCE_PORT"] = o.InstancePort.ToString(CultureInfo.InvariantCulture),
        ["HEALTH_PATH"] = o.HealthCheckPath,
    }, AppPorts(o));

    /// <summary>The systemd template unit <c>app@.service</c>; instance name = port (<c>ServerFiles/app@.service</c>).</summary>
    public static string AppUnit => ServerFiles.Read(ServerFiles.AppUnit);

    /// <summary>
    /// Placeholder app served until the first CodeDeploy revision (<c>ServerFiles/placeholder-app.py</c>): every path,
    /// the health path included, answers 503 with <c>X-App-Revision: none</c>, so the load balancer never counts a
    /// server without the app as healthy and clients see an honest "no revision deployed yet" (docs/boot-test.md).
    /// </summary>
    public static string PlaceholderApp => ServerFiles.Read(ServerFiles.PlaceholderApp);

    /// <summary>Seconds the script waits for nginx to answer the health path before it fails (and its signal with it).</summary>
    public const int ReadyTimeoutSeconds = 60;

    /// <summary>The script body (no shebang; the CDK adds it). Signalling is added by <see cref="WebFleet"/>.</summary>
    public static string Render(Options o)
    {
        var ports = string.Join(' ', AppPorts(o));
        var env = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"APP_PROCESS_COUNT={o.AppProcessCount}\n")
            .Append(CultureInfo.InvariantCulture, $"APP_BASE_PORT={o.AppBasePort}\n")
            .Append(CultureInfo.InvariantCulture, $"APP_HEALTH_PATH={o.HealthCheckPath}\n")
            .Append(CultureInfo.InvariantCulture, $"APP_NGINX_PORT={o.InstancePort}\n")
            .Append(CultureInfo.InvariantCulture, $"APP_ENVIRONMENT={o.EnvironmentName}\n");
        if (o.Color is not null) env.Append(CultureInfo.InvariantCulture, $"APP_COLOR={o.Color}\n");
        if (o.AppSecretArn is not null) env.Append(CultureInfo.InvariantCulture, $"APP_SECRET_ARN={o.AppSecretArn}\n");

        var signal = o.SendsSignal ? """
            # What sends the healthy signal comes first, so any later failure reaches CloudFormation at once
            # instead of after the signal timeout. Amazon Linux 2023 images ship it.
            if [ -x /opt/aws/bin/cfn-signal ]; then
              echo "bootstrap: cfn-signal is installed"
            elif [ "$PKG" = dnf ]; then
              pkg_install aws-cfn-bootstrap
            else
              # Debian/Ubuntu: the helper scripts AWS publishes, in their own virtual environment (PEP 668).
              pkg_install python3-venv
              python3 -m venv /opt/aws/cfn-bootstrap
              /opt/aws/cfn-bootstrap/bin/pip install --quiet https://s3.amazonaws.com/cloudformation-examples/aws-cfn-bootstrap-py3-latest.tar.gz
              install -d -m 0755 /opt/aws/bin
              ln -sf /opt/aws/cfn-bootstrap/bin/cfn-signal /opt/aws/bin/cfn-signal
            fi
            """ : "# No healthy signal: this fleet does not wait for one (scaled to zero or WaitForHealthySignal = false).";

        var agent = o.InstallCodeDeployAgent ? """
            # CodeDeploy agent, from the regional bucket AWS documents for it (Amazon Linux, Debian and Ubuntu).
            if [ -x /opt/codedeploy-agent/bin/codedeploy-agent ]; then
              echo "bootstrap: the CodeDeploy agent is installed"
            else
              if [ "$PKG" = dnf ]; then pkg_install ruby wget; else pkg_install ruby-full wget; fi
              curl -fsSL --retry 5 -o /tmp/codedeploy-install "https://aws-codedeploy-${REGION}.s3.${REGION}.amazonaws.com/latest/install"
              chmod +x /tmp/codedeploy-install
              /tmp/codedeploy-install auto
            fi
            systemctl enable --now codedeploy-agent
            """ : "# CodeDeploy agent: not installed (InstallCodeDeployAgent = false)";

        return $$"""
            set -euo pipefail
            exec > >(tee -a /var/log/web-fleet-bootstrap.log) 2>&1
            echo "bootstrap: start $(date -u +%Y-%m-%dT%H:%M:%SZ)"
            # The image decides the package manager, nginx's user and paths: Amazon Linux 2023 (dnf) or Debian/Ubuntu (apt-get).
            if command -v dnf >/dev/null 2>&1; then PKG=dnf
            elif command -v apt-get >/dev/null 2>&1; then PKG=apt
            else echo "bootstrap: FAILED: neither dnf nor apt-get on this image" >&2; exit 1
            fi
            pkg_install() {
              if [ "$PKG" = dnf ]; then dnf install -y "$@"; return; fi
              # An image that has every package needs no package lists (and no network); others fetch them once.
              DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@" ||
                { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@"; }
            }
            {{signal}}
            # IMDSv2 only: every metadata read carries a session token. IMDS_ENDPOINT is for the boot test's stand-in.
            IMDS="${IMDS_ENDPOINT:-http://169.254.169.254}"
            IMDS_TOKEN=$(curl -fsS --retry 5 --retry-connrefused -X PUT "${IMDS}/latest/api/token" -H 'X-aws-ec2-metadata-token-ttl-seconds: 300')
            REGION=$(curl -fsS --retry 5 -H "X-aws-ec2-metadata-token: ${IMDS_TOKEN}" "${IMDS}/latest/meta-data/placement/region")
            {{(o.CloudWatchAgent is { } cw ? CloudWatchAgentScript.Render(cw) : "# CloudWatch agent: not installed (WebFleetProps.Logs.Enabled = false)")}}
            pkg_install nginx python3 curl
            if id nginx >/dev/null 2>&1; then NGINX_USER=nginx; else NGINX_USER=www-data; fi
            id app >/dev/null 2>&1 || useradd --system --home-dir /opt/app --shell "$(command -v nologin || echo /sbin/nologin)" app
            # Code is root-owned and read-only for the app user. Each revision is a directory under releases/;
            # current is a symbolic link the CodeDeploy hooks switch (docs/deploy-revision.md).
            install -d -o root -g root -m 0755 /opt/app /opt/app/releases
            install -d -m 0755 /etc/app
            # App config: names and ARNs only; the app reads its secret from Secrets Manager at run time.
            cat > /etc/app/app.env <<'APPENV'
            {{env}}APPENV
            echo "AWS_REGION=${REGION}" >> /etc/app/app.env
            chmod 0644 /etc/app/app.env
            if [ -e /opt/app/current ]; then
              echo "bootstrap: /opt/app/current is already there (the image carries an app): kept"
            else
              install -d -o root -g root -m 0755 /opt/app/releases/placeholder /opt/app/releases/placeholder/static
            cat > /opt/app/releases/placeholder/start <<'APP'
            {{PlaceholderApp}}
            APP
              chmod 0755 /opt/app/releases/placeholder/start
              ln -sfn releases/placeholder /opt/app/current
            fi
            cat > /etc/systemd/system/app@.service <<'UNIT'
            {{AppUnit}}
            UNIT
            printf 'user %s;\n' "$NGINX_USER" > /etc/nginx/nginx.conf
            cat >> /etc/nginx/nginx.conf <<'NGINX'
            {{NginxConfig(o)}}
            NGINX
            nginx -t
            systemctl daemon-reload
            for port in {{ports}}; do systemctl enable "app@${port}.service"; systemctl restart "app@${port}.service"; done
            systemctl enable nginx
            # Restart, not start: an image with nginx already running would keep its old configuration.
            systemctl restart nginx
            {{agent}}
            # Ready when nginx answers the health path through the app processes: 200 from a revision, or the
            # placeholder's 503 with X-App-Revision: none before the first one. A server that cannot answer
            # fails in about a minute, not after the signal timeout.
            ready() {
              local headers code
              headers=$(curl -sS -o /dev/null -D - --max-time 5 "http://127.0.0.1:{{o.InstancePort}}{{o.HealthCheckPath}}" 2>/dev/null) || return 1
              code=$(printf '%s\n' "$headers" | awk 'NR == 1 { print $2 }')
              [ "$code" = 200 ] && return 0
              [ "$code" = 503 ] && printf '%s\n' "$headers" | grep -qi '^x-app-revision: none'
            }
            deadline=$((SECONDS + {{ReadyTimeoutSeconds}}))
            until ready; do
              if [ "$SECONDS" -ge "$deadline" ]; then
                echo "bootstrap: FAILED: nginx did not answer {{o.HealthCheckPath}} on port {{o.InstancePort}} within {{ReadyTimeoutSeconds}} s" >&2
                exit 1
              fi
              sleep 2
            done
            echo "bootstrap: ready after ${SECONDS} s"
            """;
    }
}
