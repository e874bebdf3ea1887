#!/usr/bin/env bash
# BeforeInstall: check the instance contract, then prepare an empty APP_INCOMING_DIR so the
# Install step copies the new revision onto a clean tree. The serving release (APP_DIR) is not
# touched: its processes keep answering until ApplicationStart.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
# shellcheck source=common.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/common.sh"

hook_banner
check_app_dir

# Preconditions the instance user data must have met; failing here is clearer than
# failing later in ApplicationStart.
id -u "$APP_USER" >/dev/null 2>&1 ||
  die "user '$APP_USER' does not exist; the instance user data must create it"
load_ports
log "app.env: ${#APP_PORTS[@]} process(es) on ports ${APP_PORTS[0]}..${APP_PORTS[-1]}"

# nginx must be able to traverse the parents to reach static/.
parent="$(dirname -- "$APP_DIR")"
[[ -d "$parent" ]] || install -d -m 0755 -- "$parent"
for dir in "$APP_INCOMING_DIR" "$APP_RELEASES_DIR"; do
  [[ ! -e "$dir" || -d "$dir" ]] || die "$dir exists but is not a directory"
  mkdir -p -- "$dir"
  chown -- "$APP_OWNER" "$dir"
  chmod 0755 -- "$dir"
done

removed="$(find "$APP_INCOMING_DIR" -mindepth 1 -maxdepth 1 | wc -l)"
find "$APP_INCOMING_DIR" -mindepth 1 -maxdepth 1 -exec rm -rf -- {} +
log "emptied $APP_INCOMING_DIR (removed $removed top-level entries); release '$(current_release)' keeps serving"
