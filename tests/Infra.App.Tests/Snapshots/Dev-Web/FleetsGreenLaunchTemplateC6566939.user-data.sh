#!/bin/bash
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
# No healthy signal: this fleet does not wait for one (scaled to zero or WaitForHealthySignal = false).
# IMDSv2 only: every metadata read carries a session token. IMDS_ENDPOINT is for the boot test's stand-in.
IMDS="${IMDS_ENDPOINT:-http://169.254.169.254}"
IMDS_TOKEN=$(curl -fsS --retry 5 --retry-connrefused -X PUT "${IMDS}/latest/api/token" -H 'X-aws-ec2-metadata-token-ttl-seconds: 300')
REGION=$(curl -fsS --retry 5 -H "X-aws-ec2-metadata-token: ${IMDS_TOKEN}" "${IMDS}/latest/meta-data/placement/region")
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
# The agent reads files only: copy the app processes' journal to a file it tails.
install -d -m 0755 /var/log/app
cat > /etc/systemd/system/app-log-export.service <<'UNIT'
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
UNIT
cat > /etc/logrotate.d/app <<'ROTATE'
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
ROTATE
systemctl daemon-reload
systemctl enable --now app-log-export.service
cat > /opt/aws/amazon-cloudwatch-agent/etc/amazon-cloudwatch-agent.json <<'CWAGENT'
{
  "agent": {
    "metrics_collection_interval": 60,
    "omit_hostname": true
  },
  "logs": {
    "logs_collected": {
      "files": {
        "collect_list": [
          {
            "file_path": "/var/log/nginx/access.log",
            "log_group_name": "${Ref:FleetsGreenLogsNginxAccess7D61C84E}",
            "log_stream_name": "{instance_id}"
          },
          {
            "file_path": "/var/log/nginx/error.log",
            "log_group_name": "${Ref:FleetsGreenLogsNginxError2FB85310}",
            "log_stream_name": "{instance_id}"
          },
          {
            "file_path": "/var/log/app/app.log",
            "log_group_name": "${Ref:FleetsGreenLogsAppAEB41848}",
            "log_stream_name": "{instance_id}"
          },
          {
            "file_path": "/var/log/web-fleet-bootstrap.log",
            "log_group_name": "${Ref:FleetsGreenLogsDeployE02EF3E6}",
            "log_stream_name": "{instance_id}/bootstrap"
          },
          {
            "file_path": "/var/log/aws/codedeploy-agent/codedeploy-agent.log",
            "log_group_name": "${Ref:FleetsGreenLogsDeployE02EF3E6}",
            "log_stream_name": "{instance_id}/codedeploy-agent"
          },
          {
            "file_path": "/opt/codedeploy-agent/deployment-root/deployment-logs/codedeploy-agent-deployments.log",
            "log_group_name": "${Ref:FleetsGreenLogsDeployE02EF3E6}",
            "log_stream_name": "{instance_id}/deployments"
          }
        ]
      }
    }
  },
  "metrics": {
    "namespace": "WebFleet/Dev-Web/Fleets/Green",
    "aggregation_dimensions": [
      []
    ],
    "metrics_collected": {
      "mem": {
        "measurement": [
          "used_percent"
        ]
      },
      "disk": {
        "measurement": [
          "used_percent"
        ],
        "resources": [
          "/"
        ],
        "drop_device": true
      }
    }
  }
}
CWAGENT
/opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 -s -c file:/opt/aws/amazon-cloudwatch-agent/etc/amazon-cloudwatch-agent.json
pkg_install nginx python3 curl
if id nginx >/dev/null 2>&1; then NGINX_USER=nginx; else NGINX_USER=www-data; fi
id app >/dev/null 2>&1 || useradd --system --home-dir /opt/app --shell "$(command -v nologin || echo /sbin/nologin)" app
# Code is root-owned and read-only for the app user. Each revision is a directory under releases/;
# current is a symbolic link the CodeDeploy hooks switch (docs/deploy-revision.md).
install -d -o root -g root -m 0755 /opt/app /opt/app/releases
install -d -m 0755 /etc/app
# App config: names and ARNs only; the app reads its secret from Secrets Manager at run time.
cat > /etc/app/app.env <<'APPENV'
APP_PROCESS_COUNT=2
APP_BASE_PORT=8001
APP_HEALTH_PATH=/health
APP_NGINX_PORT=80
APP_ENVIRONMENT=dev
APP_COLOR=green
APP_SECRET_ARN=${Ref:AppSecret048408C8}
APPENV
echo "AWS_REGION=${REGION}" >> /etc/app/app.env
chmod 0644 /etc/app/app.env
if [ -e /opt/app/current ]; then
  echo "bootstrap: /opt/app/current is already there (the image carries an app): kept"
else
  install -d -o root -g root -m 0755 /opt/app/releases/placeholder /opt/app/releases/placeholder/static
cat > /opt/app/releases/placeholder/start <<'APP'
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
APP
  chmod 0755 /opt/app/releases/placeholder/start
  ln -sfn releases/placeholder /opt/app/current
fi
cat > /etc/systemd/system/app@.service <<'UNIT'
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
UNIT
printf 'user %s;\n' "$NGINX_USER" > /etc/nginx/nginx.conf
cat >> /etc/nginx/nginx.conf <<'NGINX'
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
        server 127.0.0.1:8001 max_fails=3 fail_timeout=5s;
        server 127.0.0.1:8002 max_fails=3 fail_timeout=5s;
        keepalive 32;
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
        listen 80 default_server;
        server_name _;
        location /static/ {
            alias /opt/app/current/static/;
            expires 1h;
        }
        location = /health {
            access_log off;
            proxy_pass http://app_processes;
        }
        location / {
            proxy_pass http://app_processes;
        }
    }
}
NGINX
nginx -t
systemctl daemon-reload
for port in 8001 8002; do systemctl enable "app@${port}.service"; systemctl restart "app@${port}.service"; done
systemctl enable nginx
# Restart, not start: an image with nginx already running would keep its old configuration.
systemctl restart nginx
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
# Ready when nginx answers the health path through the app processes: 200 from a revision, or the
# placeholder's 503 with X-App-Revision: none before the first one. A server that cannot answer
# fails in about a minute, not after the signal timeout.
ready() {
  local headers code
  headers=$(curl -sS -o /dev/null -D - --max-time 5 "http://127.0.0.1:80/health" 2>/dev/null) || return 1
  code=$(printf '%s\n' "$headers" | awk 'NR == 1 { print $2 }')
  [ "$code" = 200 ] && return 0
  [ "$code" = 503 ] && printf '%s\n' "$headers" | grep -qi '^x-app-revision: none'
}
deadline=$((SECONDS + 60))
until ready; do
  if [ "$SECONDS" -ge "$deadline" ]; then
    echo "bootstrap: FAILED: nginx did not answer /health on port 80 within 60 s" >&2
    exit 1
  fi
  sleep 2
done
echo "bootstrap: ready after ${SECONDS} s"
