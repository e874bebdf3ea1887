#!/bin/bash
function exitTrap(){
exitCode=$?
/opt/aws/bin/cfn-signal --stack Prod-Web --resource FleetsGreenGroupASGE4F06486 --region ${Ref:AWS::Region} -e $exitCode || echo 'Failed to send Cloudformation Signal'
}
trap exitTrap EXIT
set -euo pipefail
exec > >(tee -a /var/log/web-fleet-bootstrap.log) 2>&1
echo "bootstrap: start $(date -u +%Y-%m-%dT%H:%M:%SZ)"
# What a server installs (packages, agents, the app user, unit files) is install.sh, the very script the
# image pipeline runs; this script configures. A golden image whose marker names this install.sh already
# has it all, so nothing is installed; any other image runs it, part by part (docs/golden-images.md).
# It travels compressed: EC2 takes at most 16 KB of user data (docs/golden-images.md); read it in the repository.
INSTALL_SHA256=[ASSET-HASH]
install -d -m 0755 /usr/local/lib/infra
base64 -d <<'INFRA_INSTALL_SH' | gunzip > /usr/local/lib/infra/install.sh
H4sIAAAAAAACA61ae1Pbxhb/X59iKyC2UyTxaNJ7TcyEBCdhmgCDnUl7U8YjpDVWkbWqdoVxCd/9
/s7uypZtTNq5N53Gkvbsnvdzs/FDcJVkwVUoR84GSzKpwjT15ajN+C0vpmqUZNcsZBN+xYYp54pJ
XmChgpTbLMxilgkDqEahYjHPeRZLJjKsMZ7dJoXIxjxTDQkUkisFUOmzs4wzKcoi4mwoCqYmgkU4
kheSNWMRyeBapDHPvGQcXnPpj+NWG/sZ84CGM/2V5UnO0yTjDcmuyiSNWSTGuciArF1jhnmeOYu9
MggP9UGMNSs2DLcsDwu1TcdnbFIkikuNahwWN2A54CoKkmxYhAuUtQ5qVA2TQirvSggIKiqSHKdN
6LQ5xVFYFAkOzgTOVZEWm0GwQPErIuXQ9/2K0pDlaZhk7Ggc/gXJfkyy8o7t7eztM8jumF8lYRZ8
viozVVpEUiVpyiaiuCElQT4cUubMCsIItUXHnwMTQBJDpShi8PooLyzjPNYiGbMm6CcSWYeBYiiw
LKx6ZHKdhamnhEiZ+ROIXAXhRGpLi4aZZ0BYU2Now0qmLA0V0A7DJC1BpNZAwcNoBEm9TUUZvxMF
xJWIrKWRRPRtQvLzwEemmKZYQ36hr0x/1apkf4A2QsfvcgGCyyxR2mgTJVkqrguhgBvcplwfTaa+
+Ce7TrK7bZbDG0S2v82iskjN0WGesxIesW15zHPzHaqK+IgkXTD9EX+99sl1kshgiUTM4SipmC4w
gK/H+qthAAYKIq1ZkNdJluOn4NeQRJtddN+fnJ1uM55Kzk4+Hfdu90g8JzGHEyjtBBPyyEQrDXLF
ww3Plc9OFBwzvEohXhIFzocNzNxYDBlkJg9AZTZMrstCS94eAwQrlgH3+0Nc+awPHsgdJXNfJ1mU
ljFnr0iyhy7sLxUTFoKKgmv5xOxqaiKGjSlWBc2efn2HN+mfGN571pnIqmRg4D2Cl0GBYMMLP5+2
KhMHE7Iy2aLMiMXphPj3HUQf5vFS6MBB1uY4788+HndPB5+OLn7pXnTWOLljXgYmfHRc1yHjl51m
y5mMQAb7yjY3mHet2A67PGCxcKDiEFpxN3ddKNAhO6qiUMsxdmX3cLbHLtmzZ3j3MmzYc/H67Ru7
ZzwaCeZa9bfnUcz4YVhFz6Y2ORsJZ6YNCUnyF5cdPts7gPXD7PH7YJEvMQSsB0yOkiGA2MGBBqp5
8rdlh/sGN/m2bMQtHRLkj50msd2qDrTHPW8tM1RmN5mYIE0U1yUlCNbY3G2wpj6kvRBIVvydvHQZ
/cFcQr2zzxdvu4u8Gzq4DCMnRopwkiFp4H5Do/v6+vIBlvGn0Z+OP1bD/5gM8D1MzOlanwuSditV
LyKG3n6qEIPIDXa0EKjZuJRKp47pQqZC6A9tXiZvJN8FpxNRIhOOE0k5GEbP1hrSI+nvgGXhmCMU
ZHxBeg54gnP2Z4ks5lES2wyZh9GNJjPM8INMtpqlmnE2bK3mqmaYK7iAQiaCxJC9x2S/3i0DODsM
Yn4bZCUSzN7hs12rl/Nf3new6sDcF3bYk57YBQhHx8olebw7OvnYPW7DrxKKkxp3RrK1J4rMxBTN
eF0quySV/OZ6YI9qttj9qrg3gbsSNdt87gJCW4dLCy4yKOGrrI6eK1hvCpjXcMyCK+QwbVfaOCqz
0NFzFM71Z9Rg4oPO0OZDmkhEhKYp1bCsqCyAnQpiV7Ihp5Sp87rIIm0xx903J0eng3cXZ6f97ulx
B/aQZEjRYaSSWz6TTI1Sz8uEZ9+9gpNidBlIHCCc6RBwP9tY5jFlXbjC/xcTBbiHylBNnoSbZOnU
1JhkvVU2lezoS4/l5RWkQ3XGPLP6NpmajSi9JJcUS5F+bqAinf502UdgAxB9fnZy2qf8WCHRuRH1
I2VGoMti0Os75nRrJCZA/AWq700eb3sPbi0GMBQnqIeh6VgiPt8v4Gp7I6XydhDsvvy3v/fiJ9/+
4gRNo96vnzqbTapXmDeUPUgOlgRDeVE9ecjwWcGHKGLgQ7+y8899IohwPgRUk0mqapJAH+Uy7wNr
/OqhlPN4tOeNuQqhxdDTq55SqSehDaiizfZ3dhomzxnm1pHxgbnrDoTj3OsHMLVME0F6BBroUoKS
R2Ck6xJW7SfGCzcNfpeswqp+YEL6gEK6VcbGIxHLlMiUw3JEVX+msru1BW1deUsxoAaVzCu6mGKB
jmOPRwN9Ui2+MJIUHUX2JVUR5nq/5BpwYzG2trUljnhKhm3KoSWTr4r+pGCUhtGoqZIK5XnLxprn
3XP28uW/Wv4KLbYe9m4BbxbNB+aNGX2bi2mZYrZmScszJ3FXzu79WSZwfjJ2CWuX+36o9YStPvw+
0Al5WPUGHr8LxzkVhSty8vLpvmeMx0ex61//pemYIYqJ6p2fX7xYUK5xw4x5cvgUyTXlrjENY5M1
E5xXEgNdNCwEhZqFGXa95cJDH79mzYvUk6b4WKf0vxnl43R81zSr7LQuDG+zs54uZ8MCfbLiEZIg
92uhsUBmRGAx0Cba+KZNFxIhJuWhRT8LPR/rsUewQI3zdWL0Y9R2bmV5BmhF1Jv3xYMPq9S/i6aJ
iH38EGw2Y4gKWPMCWc2rc9KaBdj1BLiafHNEwrzudymugp9JgEa3aKSRHXW3pDNa21QzuhGORJ7Y
Io6a2bwQEXIdl41Z26wE1ZjU4wBcoWWSus/TOFZHBFVXSWVoNfjQBSoSISGgYgUlCPpucyZaTWpW
EH50gH3EHW/DIgA4Nde6qUKBZ3Qsp1LxcWx/ad0DnGfa/KrZZq9eNT6fnvQbztfP4PfSOeaGUlhM
563IpwsjAlBDnfrz2W4wXyeA/vc17TbPL/uRczRE6dKxpHn23HjW+jtfe+bpEtUDoTo/u+jPsGn2
UYBJalspNptzPMIqU0BoByRrlsK0y9CtROsE2RJeKArv1Mv7TveORz167OhYQUOwiDU4vrKglIX+
aMmjeOF5Q5FSg66LK1IznkSp8lJ15AgC9RIp8Mng1q13x0gmuVoSfWDpG/R+6/W7n44HvY8nb7ud
ZV7Y4eGjsm04PRrIHCeo7JQopp3F050Lw2EnTCfhVFavPR51XkC8dl5w6XwJUUTGb6adcZmqxKMp
DQV+lJIO2cOiKc3GQH5MZJDRXJz1j/rdhrNA4nOt/HvjlJDRVD/ZCdK+fhmHdzL5i7PdnZ1P5gP6
MDRm4ka/YcSSDDGeUWYrjSuhMmlO5Gk4XfgC75wq2AJI5cgehqZ6GkH/aTNHPSDrgdUsHVPwI9+K
tQMudUc0aCDZhDFczjM6wsNIjLkXoy6o5lq0iFIiRUZo1nquTEAgMFScorNMIMmu7Fe038ZpN/Rg
i3JMgVDhwdlRbdIJFJm8heq8mqj5rIvpHwBuE2lnTyGLK5tA7Ip1mtAhXgYHGgkYLWwuQ8k+HV8J
2BnNo26Wh2sjIW5Q2U0SclwzbLYdfIWQxs3LEUlo8jGxsb8LBQPorh6Ciq41EY0szgjGpHs+31mx
8ET6XoEldlOS5NRO+Zqr02YM4rGl1dbjP7eemf8BgzO+gvp888nVAIerJDLGbPzte+AY0cL9js7P
G87GD7NQRfWkNWgaWdfwo55AsJoNrOtqrpTZZi929qmLr9pkBa2PeJji144pSdvJWA+IhXSGhRjr
otOvrjvM0hsQ/KHfP7/gf5aIOx9gwylNf/sjkj+8nBbN+NJxojTEBMbCNB/fipm58fwhZoaD991+
U/J0aL/SnysBtXbYlYukOXMGY6vwoSlXv2fuDJj2guIsHiCC4BpE8iYYbz2yDuYhuyZ6ryNE1wt7
sLvNXD34eWrLhe4bdZ4j+Jc7T0K/FRkNor3+NOcErvidCvRNxt/a9pFn12qEjSi2mynPmiSPVmtp
63ynbC4tTShT+foyx+x1jMDF4EP36JgKWy12Z6YGRK4BEqqE92hdbLPnyBqyppIcanWcR1TebLq7
ez/7O/hv16XeSjWF9G039dWlVO9etlrblU20jHUNaGhN21sOrN64ymgs4r/hfMZfal1Kxp72URsz
qirxyWrq9d+qoWA/iLLmgsBWj+RpM0G0txJbFNmxE8V7zKmrZEx5Wq5Zq1VLn0ELVQLO+0KUuX76
gg2Q/7xQWOGyO29k3+mCxUZeXWpQ11oD6JB6OiC2VjgtnWelvb4A2bNzJ0oGwyQz/QyVt4Vxeuqx
UA0n1yM9U+ydvO93Lz4dIFuNSrp2ycwNTUJNmK3oqFL3nX4y5ijGekrkhGd/xzkVp3xyXiS34AtT
ig6qBO6coxKBLHpahZ0hcrxDICge+uPcgPyDCqnerc5G3Avd6gZ7R4FSzUZtKKGvyugGHTv1dMir
eqxvxmLoCJr1Icu2bQl1IWDawtbKkGV5tm7a6uW7s+81u8u3aqvNrk2Ga9vK9fPaet1VlLjRmkCA
B+ZKbnnNI5VYAO1/3+lMa4xWx8wbUppwzNefaERtl2lPcGsB5se7dXjMkGYNDWGpxGygQarVF8EJ
3XXcz+40XHsLtjwLJwCiofo0MHuCwAsGD665mXni8qR2RfKFht+PX1Tj3ji6mV15J2p+0WGvOO1s
DP/qgXo+3Q7r0kBni8fLNhS+qD/15Yi7uXBp6LaIIdMV6DZ/yBr2Xm1L/p41VthYgKR/t6BmgE09
FvdK9uPWb97W2NuK+1sf2luf2lu9/7QWN86mmaNw78XL+QnmHW0h6ePNUe/DwNyGfd2BVtg3mBxK
u7jBGrC7XX3mA5LAEk8+dE9L49tHV1ZEsKrpxfsr808oKA8rPdld2g1bWtpOhsCalUE9v3xouc5/
AYYxY0ytIgAA
INFRA_INSTALL_SH
echo "$INSTALL_SHA256  /usr/local/lib/infra/install.sh" | sha256sum -c --quiet -
chmod 0755 /usr/local/lib/infra/install.sh
golden() { sed -n "s/^$1=//p" /etc/infra/golden-image | head -n 1; }
if [ -f /etc/infra/golden-image ] && [ "$(golden install_sha256)" = "$INSTALL_SHA256" ]; then
  INSTALL=no
  echo "bootstrap: golden image ($(golden source), built $(golden built)): installing nothing"
elif [ -f /etc/infra/golden-image ]; then
  INSTALL=yes
  echo "bootstrap: WARNING: golden image ($(golden source), built $(golden built)) was made by another install.sh (sha256 $(golden install_sha256), this script carries $INSTALL_SHA256): running install.sh (idempotent)"
else
  INSTALL=yes
  echo "bootstrap: no golden image marker (/etc/infra/golden-image): running install.sh"
fi
install_part() {
  if [ "$INSTALL" = no ]; then return 0; fi
  REGION="${REGION:-}" /usr/local/lib/infra/install.sh "$@"
}
# What sends the healthy signal comes first, so any later failure reaches CloudFormation at once
# instead of after the signal timeout.
install_part signal-tool
# IMDSv2 only: every metadata read carries a session token. IMDS_ENDPOINT is for the boot test's stand-in.
IMDS="${IMDS_ENDPOINT:-http://169.254.169.254}"
IMDS_TOKEN=$(curl -fsS --retry 5 --retry-connrefused -X PUT "${IMDS}/latest/api/token" -H 'X-aws-ec2-metadata-token-ttl-seconds: 300')
REGION=$(curl -fsS --retry 5 -H "X-aws-ec2-metadata-token: ${IMDS_TOKEN}" "${IMDS}/latest/meta-data/placement/region")
install_part cloudwatch-agent
# CloudWatch agent: nginx, app, bootstrap and CodeDeploy logs, memory and disk use (docs/monitoring.md).
# The agent reads files only: the journal export unit (installed with the agent) copies the app's journal to a file.
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
    "namespace": "WebFleet/Prod-Web/Fleets/Green",
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
install_part web
if id nginx >/dev/null 2>&1; then NGINX_USER=nginx; else NGINX_USER=www-data; fi
# App config: names and ARNs only; the app reads its secret from Secrets Manager at run time.
cat > /etc/app/app.env <<'APPENV'
APP_PROCESS_COUNT=4
APP_BASE_PORT=8001
APP_HEALTH_PATH=/health
APP_NGINX_PORT=80
APP_ENVIRONMENT=prod
APP_COLOR=green
APP_SECRET_ARN=${Ref:AppSecret048408C8}
APPENV
echo "AWS_REGION=${REGION}" >> /etc/app/app.env
chmod 0644 /etc/app/app.env
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
        server 127.0.0.1:8003 max_fails=3 fail_timeout=5s;
        server 127.0.0.1:8004 max_fails=3 fail_timeout=5s;
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
for port in 8001 8002 8003 8004; do systemctl enable "app@${port}.service"; systemctl restart "app@${port}.service"; done
systemctl enable nginx
# Restart, not start: an image with nginx already running would keep its old configuration.
systemctl restart nginx
# CodeDeploy agent (install.sh: the regional installer AWS documents).
install_part codedeploy-agent
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
