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
        Monitoring.CloudWatchAgentScript.Options? CloudWatchAgent = null);

    /// <summary>Ports of the app processes.</summary>
    public static IEnumerable<int> AppPorts(Options o) => Enumerable.Range(o.AppBasePort, o.AppProcessCount);

    /// <summary>The nginx configuration (the whole <c>/etc/nginx/nginx.conf</c>).</summary>
    public static string NginxConfig(Options o)
    {
        var servers = new StringBuilder();
        foreach (var port in AppPorts(o))
            servers.Append(CultureInfo.InvariantCulture, $"        server 127.0.0.1:{port} max_fails=3 fail_timeout=10s;\n");
        return $$"""
            user nginx;
            worker_processes auto;
            error_log /var/log/nginx/error.log notice;
            pid /run/nginx.pid;
            include /usr/share/nginx/modules/*.conf;
            events { worker_connections 1024; }
            http {
                log_format main '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent '
                                '"$http_referer" "$http_user_agent" "$http_x_forwarded_for" rt=$request_time urt=$upstream_response_time';
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
                }
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
                        proxy_http_version 1.1;
                        proxy_set_header Connection "";
                        proxy_set_header Host $host;
                        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
                        proxy_set_header X-Forwarded-Proto $http_x_forwarded_proto;
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
        NoNewPrivileges=true
        ProtectSystem=full
        PrivateTmp=true

        [Install]
        WantedBy=multi-user.target
        """;

    /// <summary>Placeholder app served until the first CodeDeploy revision replaces <c>/opt/app/current</c>.</summary>
    public const string PlaceholderApp = """
        #!/usr/bin/env python3
        # Placeholder until the first CodeDeploy revision: answers the health path and a version page.
        import os
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                ok = self.path == os.environ.get("APP_HEALTH_PATH", "/health")
                body = b"ok\n" if ok else b"placeholder: no revision deployed yet\n"
                self.send_response(200)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        ThreadingHTTPServer(("127.0.0.1", int(os.environ["PORT"])), Handler).serve_forever()
        """;

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

        var agent = o.InstallCodeDeployAgent ? """
            # CodeDeploy agent, from the regional bucket AWS documents for it.
            dnf install -y ruby wget
            curl -fsSL --retry 5 -o /tmp/codedeploy-install "https://aws-codedeploy-${REGION}.s3.${REGION}.amazonaws.com/latest/install"
            chmod +x /tmp/codedeploy-install
            /tmp/codedeploy-install auto
            systemctl enable --now codedeploy-agent
            """ : "# CodeDeploy agent: not installed (InstallCodeDeployAgent = false)";

        return $$"""
            set -euo pipefail
            exec > >(tee -a /var/log/web-fleet-bootstrap.log) 2>&1
            # IMDSv2 only: every metadata read carries a session token.
            IMDS_TOKEN=$(curl -fsS -X PUT http://169.254.169.254/latest/api/token -H 'X-aws-ec2-metadata-token-ttl-seconds: 300')
            REGION=$(curl -fsS -H "X-aws-ec2-metadata-token: ${IMDS_TOKEN}" http://169.254.169.254/latest/meta-data/placement/region)
            {{(o.CloudWatchAgent is { } cw ? Monitoring.CloudWatchAgentScript.Render(cw) : "# CloudWatch agent: not installed (WebFleetProps.Logs.Enabled = false)")}}
            dnf install -y nginx aws-cfn-bootstrap
            id app >/dev/null 2>&1 || useradd --system --home-dir /opt/app --shell /sbin/nologin app
            # Code is root-owned and read-only for the app user; CodeDeploy hooks keep it so.
            install -d -o root -g root -m 0755 /opt/app /opt/app/current /opt/app/current/static
            install -d -m 0755 /etc/app
            # App config: names and ARNs only; the app reads its secret from Secrets Manager at run time.
            cat > /etc/app/app.env <<'APPENV'
            {{env}}APPENV
            echo "AWS_REGION=${REGION}" >> /etc/app/app.env
            chmod 0644 /etc/app/app.env
            if [ ! -x /opt/app/current/start ]; then
            cat > /opt/app/current/start <<'APP'
            {{PlaceholderApp}}
            APP
            chmod 0755 /opt/app/current/start
            fi
            cat > /etc/systemd/system/app@.service <<'UNIT'
            {{AppUnit}}
            UNIT
            cat > /etc/nginx/nginx.conf <<'NGINX'
            {{NginxConfig(o)}}
            NGINX
            nginx -t
            systemctl daemon-reload
            for port in {{ports}}; do systemctl enable --now "app@${port}.service"; done
            systemctl enable --now nginx
            {{agent}}
            # Healthy only when nginx answers the health path through the app processes.
            for _ in $(seq 1 60); do
              if curl -fsS -o /dev/null "http://127.0.0.1:{{o.InstancePort}}{{o.HealthCheckPath}}"; then break; fi
              sleep 2
            done
            curl -fsS -o /dev/null "http://127.0.0.1:{{o.InstancePort}}{{o.HealthCheckPath}}"
            """;
    }
}
