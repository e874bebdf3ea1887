#!/usr/bin/env bash
# ApplicationStart: (re)start app@PORT.service for every port in app.env
# (APP_BASE_PORT .. APP_BASE_PORT+APP_PROCESS_COUNT-1), enable them for boot, stop
# leftover instances outside that range, and fail if one does not stay up.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
# shellcheck source=common.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/common.sh"

SETTLE_SECONDS="${APP_START_SETTLE_SECONDS:-2}"

hook_banner
have_systemctl || die "systemctl not found; cannot start the app@ units"
load_ports

units=()
for port in "${APP_PORTS[@]}"; do
  units+=("$(unit_for_port "$port")")
done

# Instances left over from a larger APP_PROCESS_COUNT.
mapfile -t loaded < <(loaded_app_units)
for unit in "${loaded[@]}"; do
  if [[ " ${units[*]} " != *" $unit "* ]]; then
    log "stopping and disabling $unit: its port is outside the configured range"
    "$SYSTEMCTL" stop -- "$unit" || warn "could not stop $unit"
    "$SYSTEMCTL" disable -- "$unit" >/dev/null 2>&1 || true
  fi
done

"$SYSTEMCTL" reset-failed -- "${units[@]}" >/dev/null 2>&1 || true
log "starting ${units[*]}"
if ! "$SYSTEMCTL" restart -- "${units[@]}"; then
  show_unit_diagnostics "${units[@]}"
  die "systemctl restart failed for one of: ${units[*]}"
fi
if ! "$SYSTEMCTL" enable -- "${units[@]}" >/dev/null 2>&1; then
  warn "could not enable ${units[*]}; they will not come back after a reboot unless the user data starts them"
fi

# A process that crashes on start (bad code, port in use) is usually gone by now.
sleep "$SETTLE_SECONDS"
failed=()
for unit in "${units[@]}"; do
  if ! "$SYSTEMCTL" is-active --quiet -- "$unit"; then
    failed+=("$unit")
  fi
done
if ((${#failed[@]} > 0)); then
  show_unit_diagnostics "${failed[@]}"
  die "not active ${SETTLE_SECONDS}s after start: ${failed[*]} (see: journalctl -u 'app@*')"
fi
log "started ${#units[@]} app@ instance(s): ${units[*]}"
