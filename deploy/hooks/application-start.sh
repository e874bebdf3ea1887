#!/usr/bin/env bash
# ApplicationStart: restart app@PORT.service for every port in app.env (APP_BASE_PORT ..
# APP_BASE_PORT+APP_PROCESS_COUNT-1) ONE AT A TIME: each restarted process must answer its health
# path with the new version before the next one goes down, so nginx always has processes to send
# requests to (and retries a refused connection on the next one). Enables them for boot and stops
# leftover instances outside the range. When a process does not come up on the new release, the
# instance goes back to the previous release and the hook fails.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
# shellcheck source=common.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/common.sh"

hook_banner
have_systemctl || die "systemctl not found; cannot start the app@ units"
command -v curl >/dev/null 2>&1 || die "curl not found; it is needed to check each restarted process"
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

version="$(cat -- "$APP_DIR/VERSION" 2>/dev/null || true)"
log "restarting ${units[*]} one at a time onto release '$(current_release)' (version ${version:-unknown})"
if ! rolling_restart "$version" "${APP_PORTS[@]}"; then
  unit="$(unit_for_port "$FAILED_PORT")"
  show_unit_diagnostics "$unit"
  # Only the processes up to the failed one left the previous release: those are the ones to move back.
  moved=()
  for port in "${APP_PORTS[@]}"; do
    moved+=("$port")
    [[ "$port" == "$FAILED_PORT" ]] && break
  done
  roll_back "$unit did not answer $(health_path) with version '${version:-?}' within ${APP_START_TIMEOUT_SECONDS}s" "${moved[@]}" || true
  die "$unit did not come up on the new release (see: journalctl -u '$unit'); the instance serves release '$(current_release)'"
fi
if ! "$SYSTEMCTL" enable -- "${units[@]}" >/dev/null 2>&1; then
  warn "could not enable ${units[*]}; they will not come back after a reboot unless the user data starts them"
fi
log "restarted ${#units[@]} app@ instance(s) one at a time: ${units[*]}"
