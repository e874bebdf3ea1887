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
        Monitoring.CloudWatchAgentScript.Options? CloudWatchAgent = null,
        bool SendsSignal = false);

    /// <summary>Ports of the app processes.</summary>
    public static IEnumerable<int> AppPorts(Options o) => Enumerable.Range(o.AppBasePort, o.AppProcessCount);

    /// <summary>
    /// Seconds nginx keeps a failed app process out of its upstream (passive check). The CodeDeploy
    /// hooks wait longer than this between two process restarts, so one process is always available.
    /// </summary>
    public const int UpstreamFailTimeoutSeconds = 5;

    /// <summary>The nginx configuration: <c>/etc/nginx/nginx.conf</c> after its first line (<c>user</c>, which the script writes for the image).</summary>
    public static string NginxConfig(Options o)
    {
        var servers = new StringBuilder();
        foreach (var port in AppPorts(o))
            servers.Append(CultureInfo.InvariantCulture, $"        server 127.0.0.1:{port} max_fails=3 fail_timeout={UpstreamFailTimeoutSeconds}s;\n");
        // The first line (user) depends on the image and is written by the script.
        return $$"""
            worker_processes auto;
            error_log /var/log/nginx/error.log notice;
            pid /run/nginx.pid;
            # Dynamic modules: Amazon Linux keeps them here, Debian and Ubuntu in modules-enabled.
            include /usr/share/nginx/modules/*.conf;
            include /etc/nginx/modules-enabled/*.conf;
            events { worker_connections 1024; }
            http {
                log_format main '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent '
                                '"$http_referer" "$http_user_agent" "$http_x_forwarded_for" rt=$request_time urt=$upstream_response_time ua=$upstream_addr';
                access_log /var/log/nginx/access.log main;
                sendfile on;
                keepalive_timeout 75s;
                server_tokens off;
                include /etc/nginx/mime.types;
                default_type application/octet-stream;
                # Second level of load balancing: spread requests over the local app processes.
                upstream app_processes {
                    least_conn;
            {{servers}}        keepalive 32;
                    # Shorter than the app's idle timeout (30 s): nginx closes an idle connection before the
                    # app does, so it never sends a request on a connection the app just reset.
                    keepalive_timeout 20s;
                }
                # A process that refuses or drops a connection (restarting, killed) costs a retry on the next
                # one, not a failed request; non-idempotent requests are not retried (nginx's default).
                proxy_next_upstream error timeout;
                proxy_next_upstream_tries 0;
                proxy_connect_timeout 2s;
                # Every location talks HTTP/1.1 with keep-alive to the app. A location left on nginx's
                # default (HTTP/1.0) would put connections the app closes after its answer back into the
                # shared keep-alive pool, and the next request on one fails ("upstream prematurely closed").
                proxy_http_version 1.1;
                proxy_set_header Connection "";
                proxy_set_header Host $host;
                proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
                proxy_set_header X-Forwarded-Proto $http_x_forwarded_proto;
                server {
                    listen {{o.InstancePort}} default_server;
                    server_name _;
                    location /static/ {
                        alias /opt/app/current/static/;
                        expires 1h;
                    }
                    location = {{o.HealthCheckPath}} {
                        access_log off;
                        proxy_pass http://app_processes;
                    }
                    location / {
                        proxy_pass http://app_processes;
                    }
                }
            }
            """;
    }

    /// <summary>The systemd template unit <c>app@.service</c>; instance name = port.</summary>
    public const string AppUnit = """
        [Unit]
        Description=Application process on 127.0.0.1:%i
        After=network-online.target
        Wants=network-online.target

        [Service]
        User=app
        Group=app
        WorkingDirectory=/opt/app/current
        EnvironmentFile=/etc/app/app.env
        Environment=PORT=%i
        ExecStart=/opt/app/current/start
        Restart=always
        RestartSec=2
        # The app finishes its requests in flight on SIGTERM; a hung one is killed after this.
        TimeoutStopSec=30
        NoNewPrivileges=true
        ProtectSystem=full
        PrivateTmp=true

        [Install]
        WantedBy=multi-user.target
        """;

    /// <summary>
    /// Placeholder app served until the first CodeDeploy revision: every path, the health path included,
    /// answers 503 with <c>X-App-Revision: none</c>, so the load balancer never counts a server without
    /// the app as healthy and clients see an honest "no revision deployed yet" (docs/boot-test.md).
    /// </summary>
    public const string PlaceholderApp = """
        #!/usr/bin/env python3
        # Placeholder until the first CodeDeploy revision: 503 on every path (health included).
        import os
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                body = b"no revision deployed yet\n"
                self.send_response(503)
                self.send_header("X-App-Revision", "none")
                self.send_header("Retry-After", "60")
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_HEAD = do_GET

            def log_message(self, *args):
                pass

        ThreadingHTTPServer(("127.0.0.1", int(os.environ["PORT"])), Handler).serve_forever()
        """;

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
            {{(o.CloudWatchAgent is { } cw ? Monitoring.CloudWatchAgentScript.Render(cw) : "# CloudWatch agent: not installed (WebFleetProps.Logs.Enabled = false)")}}
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
