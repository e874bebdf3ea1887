#!/usr/bin/env bash
# AfterInstall: the new files are in APP_DIR. Make them root-owned and read-only for
# the app user (code needs no write access; static/ must be readable by nginx), make
# start executable, and reload systemd so unit changes made by the instance are seen.
# The appspec permissions section sets the same modes; this hook enforces them for
# any file the appspec patterns do not reach.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
# shellcheck source=common.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/common.sh"

hook_banner
check_app_dir
[[ -d "$APP_DIR" ]] || die "$APP_DIR does not exist after the Install step"
[[ -f "$APP_DIR/start" ]] || die "$APP_DIR/start is missing: is appspec.yml's files section right?"

chown -R -h -- "$APP_OWNER" "$APP_DIR"
find "$APP_DIR" -type d -exec chmod 0755 -- {} +
find "$APP_DIR" -type f -exec chmod 0644 -- {} +
chmod 0755 -- "$APP_DIR/start"
log "set owner $APP_OWNER, directories 0755, files 0644, start 0755 under $APP_DIR"

version="$(cat -- "$APP_DIR/VERSION" 2>/dev/null || echo unknown)"
if have_systemctl; then
  "$SYSTEMCTL" daemon-reload
  if ! "$SYSTEMCTL" list-unit-files --no-legend --no-pager "$APP_UNIT_TEMPLATE" 2>/dev/null |
    grep -q "^$APP_UNIT_TEMPLATE"; then
    die "systemd unit $APP_UNIT_TEMPLATE is not installed; the instance user data must install it"
  fi
  log "systemd reloaded; $APP_UNIT_TEMPLATE is installed"
else
  warn "systemctl not found: skipped daemon-reload"
fi
log "installed version $version"
