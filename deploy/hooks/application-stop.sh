#!/usr/bin/env bash
# ApplicationStop: stop every app@PORT.service gracefully before the new files land.
# CodeDeploy runs this script from the LAST SUCCESSFUL revision on the instance, so a
# change here takes effect one deployment later. On an instance's first deployment
# CodeDeploy skips ApplicationStop; this script also tolerates running with no
# instances loaded and no app.env. systemd sends SIGTERM (the app shuts down cleanly)
# and escalates to SIGKILL after the unit's TimeoutStopSec.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
# shellcheck source=common.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/common.sh"

hook_banner
if ! have_systemctl; then
  log "systemctl not found: nothing to stop"
  exit 0
fi

mapfile -t units < <(loaded_app_units)
if ((${#units[@]} == 0)); then
  log "no app@ instances are loaded: nothing to stop (first deployment on this instance?)"
  exit 0
fi

log "stopping ${units[*]}"
if ! "$SYSTEMCTL" stop -- "${units[@]}"; then
  show_unit_diagnostics "${units[@]}"
  die "systemctl stop failed for one of: ${units[*]} (deploy with --ignore-application-stop-failures to get past a broken previous revision)"
fi
log "stopped ${#units[@]} app@ instance(s)"
