#!/usr/bin/env bash
# AfterInstall: the new files are in APP_INCOMING_DIR. Make them root-owned and read-only for the
# app user (code needs no write access; static/ must be readable by nginx), copy them to a release
# directory of their own, and point APP_DIR at it in one rename. The processes still run the
# release they started from; ApplicationStart restarts them onto the new one. Keeps the previous
# release for a roll back and prunes older ones.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
# shellcheck source=common.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/common.sh"

hook_banner
check_app_dir
[[ -d "$APP_INCOMING_DIR" ]] || die "$APP_INCOMING_DIR does not exist after the Install step"
[[ -f "$APP_INCOMING_DIR/start" ]] || die "$APP_INCOMING_DIR/start is missing: is appspec.yml's files section right?"

chown -R -h -- "$APP_OWNER" "$APP_INCOMING_DIR"
find "$APP_INCOMING_DIR" -type d -exec chmod 0755 -- {} +
find "$APP_INCOMING_DIR" -type f -exec chmod 0644 -- {} +
chmod 0755 -- "$APP_INCOMING_DIR/start"
log "set owner $APP_OWNER, directories 0755, files 0644, start 0755 under $APP_INCOMING_DIR"

version="$(cat -- "$APP_INCOMING_DIR/VERSION" 2>/dev/null || echo unknown)"
name="$(printf '%s' "${DEPLOYMENT_ID:-local-$(date -u +%Y%m%d%H%M%S)}" | tr -c 'A-Za-z0-9._-' '_')"
release="$APP_RELEASES_DIR/$name"
mkdir -p -- "$APP_RELEASES_DIR"
rm -rf -- "$release.tmp" "$release"
cp -a -- "$APP_INCOMING_DIR" "$release.tmp"
mv -T -- "$release.tmp" "$release"

serving="$(current_release)"
[[ -z "$serving" ]] || printf '%s\n' "$serving" >"$APP_RELEASES_DIR/.previous"
switch_release "$name"
log "$APP_DIR -> release $name (version $version); previous release: '$(previous_release)'"

# Prune: keep the newest APP_KEEP_RELEASES, and always the serving and the previous one.
keep_previous="$(previous_release)"
count=0
while IFS= read -r old; do
  count=$((count + 1))
  [[ "$old" == "$name" || "$old" == "$keep_previous" ]] && continue
  ((count > APP_KEEP_RELEASES)) || continue
  rm -rf -- "${APP_RELEASES_DIR:?}/$old"
  log "pruned release $old"
done < <(find "$APP_RELEASES_DIR" -mindepth 1 -maxdepth 1 -type d ! -name '.*' -printf '%T@ %f\n' | sort -rn | cut -d' ' -f2-)

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
log "installed version $version as release $name"
