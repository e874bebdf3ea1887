#!/bin/bash
# install.sh: everything a web fleet server installs, and nothing that depends on an environment's
# settings. One source for two callers (docs/golden-images.md):
#   - the image pipeline's build component: install.sh --golden <source>
#     (installs every part, then writes the marker /etc/infra/golden-image);
#   - the first-boot script, when the image carries no matching marker: install.sh <part>...
#     (a plain Amazon Linux 2023 or Debian/Ubuntu image still works, as before golden images).
# Parts, in the order the first-boot script needs them (no part = all four):
#   signal-tool       /opt/aws/bin/cfn-signal (first: any later failure then reaches CloudFormation)
#   cloudwatch-agent  the CloudWatch agent, the journal export unit and its logrotate file
#   web               nginx, python3, curl, the app user, /opt/app, the placeholder app, app@.service
#   codedeploy-agent  the CodeDeploy agent (its installer is per region: REGION, else IMDSv2)
# Idempotent: what is there is kept. It enables and starts nothing of ours; configuration is the
# first-boot script's job. The lines "@include <file>" below are replaced by that server file
# (ServerFiles.InstallScript, tools/server-files/render.py) before this script runs anywhere.
set -euo pipefail

GOLDEN_MARKER=/etc/infra/golden-image
golden_source=""
parts=()
while [ $# -gt 0 ]; do
  case "$1" in
    --golden)
      [ $# -ge 2 ] && [ -n "$2" ] || { echo "install: --golden needs a source (the pipeline and its version)" >&2; exit 2; }
      golden_source="$2"; shift 2 ;;
    signal-tool|cloudwatch-agent|web|codedeploy-agent) parts+=("$1"); shift ;;
    *) echo "install: unknown argument '$1' (parts: signal-tool cloudwatch-agent web codedeploy-agent; --golden SOURCE)" >&2; exit 2 ;;
  esac
done
if [ ${#parts[@]} -eq 0 ]; then parts=(signal-tool cloudwatch-agent web codedeploy-agent); fi
if [ -n "$golden_source" ] && [ ${#parts[@]} -ne 4 ]; then
  # A golden image must carry every part, or a fleet booting it would miss one.
  echo "install: --golden installs every part; name none" >&2; exit 2
fi

# The image decides the package manager: Amazon Linux 2023 (dnf) or Debian/Ubuntu (apt-get).
if command -v dnf >/dev/null 2>&1; then PKG=dnf
elif command -v apt-get >/dev/null 2>&1; then PKG=apt
else echo "install: FAILED: neither dnf nor apt-get on this image" >&2; exit 1
fi
pkg_install() {
  echo "install: $PKG install $*"
  if [ "$PKG" = dnf ]; then dnf install -y "$@"; return; fi
  # An image that has every package needs no package lists (and no network); others fetch them once.
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@" ||
    { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@"; }
}

# The region, only for the installers AWS publishes per region. IMDSv2 only (a session token first);
# IMDS_ENDPOINT is for the boot test's stand-in.
region() {
  if [ -z "${REGION:-}" ]; then
    local imds="${IMDS_ENDPOINT:-http://169.254.169.254}" token
    token=$(curl -fsS --retry 5 --retry-connrefused -X PUT "${imds}/latest/api/token" -H 'X-aws-ec2-metadata-token-ttl-seconds: 300')
    REGION=$(curl -fsS --retry 5 -H "X-aws-ec2-metadata-token: ${token}" "${imds}/latest/meta-data/placement/region")
  fi
  echo "$REGION"
}

install_signal_tool() {
  # Amazon Linux 2023 images ship it.
  if [ -x /opt/aws/bin/cfn-signal ]; then
    echo "install: cfn-signal is installed"
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
}

install_cloudwatch_agent() {
  if [ -x /opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl ]; then
    echo "install: the CloudWatch agent is installed"
  elif [ "$PKG" = dnf ]; then
    pkg_install amazon-cloudwatch-agent
  else
    # Debian/Ubuntu: the package AWS publishes per region, OS and architecture.
    local r; r=$(region)
    . /etc/os-release
    curl -fsSL --retry 5 -o /tmp/amazon-cloudwatch-agent.deb "https://amazoncloudwatch-agent-${r}.s3.${r}.amazonaws.com/${ID}/$(dpkg --print-architecture)/latest/amazon-cloudwatch-agent.deb"
    dpkg -i -E /tmp/amazon-cloudwatch-agent.deb
  fi
  # The agent reads files only: this unit copies the app processes' journal to a file it tails. The
  # first-boot script enables it when the fleet's app has no log file of its own.
  install -d -m 0755 /var/log/app
  cat > /etc/systemd/system/app-log-export.service <<'UNIT'
@include app-log-export.service
UNIT
  cat > /etc/logrotate.d/app <<'ROTATE'
@include app.logrotate
ROTATE
}

install_web() {
  pkg_install nginx python3 curl
  id app >/dev/null 2>&1 || useradd --system --home-dir /opt/app --shell "$(command -v nologin || echo /sbin/nologin)" app
  # Code is root-owned and read-only for the app user. Each revision is a directory under releases/;
  # current is a symbolic link the CodeDeploy hooks switch (docs/deploy-revision.md).
  install -d -o root -g root -m 0755 /opt/app /opt/app/releases
  install -d -m 0755 /etc/app
  if [ -e /opt/app/current ]; then
    echo "install: /opt/app/current is already there (the image carries an app): kept"
  else
    install -d -o root -g root -m 0755 /opt/app/releases/placeholder /opt/app/releases/placeholder/static
    cat > /opt/app/releases/placeholder/start <<'APP'
@include placeholder-app.py
APP
    chmod 0755 /opt/app/releases/placeholder/start
    ln -sfn releases/placeholder /opt/app/current
  fi
  cat > /etc/systemd/system/app@.service <<'UNIT'
@include app@.service
UNIT
}

install_codedeploy_agent() {
  # From the regional bucket AWS documents for it (Amazon Linux, Debian and Ubuntu).
  if [ -x /opt/codedeploy-agent/bin/codedeploy-agent ]; then
    echo "install: the CodeDeploy agent is installed"
  else
    local r; r=$(region)
    if [ "$PKG" = dnf ]; then pkg_install ruby wget; else pkg_install ruby-full wget; fi
    curl -fsSL --retry 5 -o /tmp/codedeploy-install "https://aws-codedeploy-${r}.s3.${r}.amazonaws.com/latest/install"
    chmod +x /tmp/codedeploy-install
    /tmp/codedeploy-install auto
  fi
}

for part in "${parts[@]}"; do
  echo "install: $part"
  "install_${part//-/_}"
done

if [ -n "$golden_source" ]; then
  # What the first-boot script checks before it installs nothing: the hash of this very file.
  install -d -m 0755 "$(dirname "$GOLDEN_MARKER")"
  {
    printf 'source=%s\n' "$golden_source"
    printf 'built=%s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
    printf 'install_sha256=%s\n' "$(sha256sum "${BASH_SOURCE[0]}" | cut -d' ' -f1)"
  } > "$GOLDEN_MARKER.tmp"
  mv "$GOLDEN_MARKER.tmp" "$GOLDEN_MARKER"
  echo "install: golden image marker written: $GOLDEN_MARKER"
fi
echo "install: done (${parts[*]})"
