#!/usr/bin/env bash
# ApplicationStop: nothing is stopped. The app processes keep serving the current release while
# the new one is installed next to it; ApplicationStart restarts them one at a time, so an in-place
# deployment on a server drops no request (docs/deploy-revision.md). CodeDeploy runs this script
# from the LAST SUCCESSFUL revision on the instance (a change here takes effect one deployment
# later) and skips it on an instance's first deployment.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
# shellcheck source=common.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/common.sh"

hook_banner
if ! have_systemctl; then
  log "systemctl not found: nothing to do"
  exit 0
fi
mapfile -t units < <(loaded_app_units)
log "leaving ${#units[@]} app@ instance(s) serving release '$(current_release)'; ApplicationStart restarts them one at a time"
