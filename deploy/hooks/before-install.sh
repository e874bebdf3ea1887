#!/usr/bin/env bash
# BeforeInstall: check the instance contract, then prepare an empty APP_DIR so the
# Install step copies the new revision onto a clean tree (no stale files from an
# older revision, no "file already exists" conflicts).
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

# nginx (user nginx) must be able to traverse the parent to reach static/.
parent="$(dirname -- "$APP_DIR")"
[[ -d "$parent" ]] || install -d -m 0755 -- "$parent"
if [[ -e "$APP_DIR" && ! -d "$APP_DIR" ]]; then
  die "$APP_DIR exists but is not a directory"
fi
mkdir -p -- "$APP_DIR"
chown -- "$APP_OWNER" "$APP_DIR"
chmod 0755 -- "$APP_DIR"

removed="$(find "$APP_DIR" -mindepth 1 -maxdepth 1 | wc -l)"
find "$APP_DIR" -mindepth 1 -maxdepth 1 -exec rm -rf -- {} +
log "emptied $APP_DIR (removed $removed top-level entries); ready for the new revision"
