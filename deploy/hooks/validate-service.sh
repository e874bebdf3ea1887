#!/usr/bin/env bash
# ValidateService: the deployment succeeds on this instance only if
#   1. every app process answers directly on 127.0.0.1:PORT: APP_HEALTH_PATH gives
#      200 "ok" and / names the version just installed (not an old process), and
#   2. nginx on 127.0.0.1:80 (APP_NGINX_PORT in app.env, if set) proxies
#      APP_HEALTH_PATH to the app (200 "ok"), and
#   3. nginx serves /static/style.css from APP_DIR/static (byte-identical).
# When a check still fails at the end, the instance goes back to the previous release (the one that
# served before this deployment) before the hook fails: the server is left serving a version that
# passed these checks before, not the one that just failed them.
# Checks are retried in rounds until all pass or VALIDATE_TIMEOUT_SECONDS run out;
# each request is bounded by VALIDATE_REQUEST_TIMEOUT_SECONDS. On failure the last
# lines name every check that failed and why.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
# shellcheck source=common.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/common.sh"

TIMEOUT_SECONDS="${VALIDATE_TIMEOUT_SECONDS:-90}"
INTERVAL_SECONDS="${VALIDATE_INTERVAL_SECONDS:-3}"
REQUEST_TIMEOUT_SECONDS="${VALIDATE_REQUEST_TIMEOUT_SECONDS:-5}"

hook_banner
command -v curl >/dev/null 2>&1 || die "curl not found; it is needed to validate the service"
load_ports
nginx_port="$(env_value APP_NGINX_PORT)" || nginx_port=80
[[ "$nginx_port" =~ ^[1-9][0-9]{0,4}$ ]] || die "APP_NGINX_PORT='$nginx_port' in $APP_ENV_FILE is not a port"
NGINX_URL="${VALIDATE_NGINX_URL:-http://127.0.0.1:$nginx_port}"
HEALTH_PATH="$(health_path)"
EXPECTED_VERSION="$(cat -- "$APP_DIR/VERSION" 2>/dev/null || true)"

work="$(mktemp -d)"
trap 'rm -rf -- "$work"' EXIT

# fetch URL: GET with bounded time; body in $work/body, status in HTTP_CODE.
# Returns non-zero with FETCH_ERROR set when no HTTP answer came back.
fetch() {
  local url="$1"
  FETCH_ERROR=""
  if HTTP_CODE="$(curl --silent --show-error --noproxy '*' --connect-timeout 2 \
    --max-time "$REQUEST_TIMEOUT_SECONDS" --output "$work/body" --write-out '%{http_code}' \
    -- "$url" 2>"$work/err")"; then
    return 0
  fi
  FETCH_ERROR="$(tr '\n' ' ' <"$work/err")"
  FETCH_ERROR="${FETCH_ERROR:-no answer}"
  return 1
}

# expect_ok URL: 200 with body "ok". Sets CHECK_ERROR on failure.
expect_ok() {
  local url="$1" body
  fetch "$url" || { CHECK_ERROR="GET $url: ${FETCH_ERROR% }"; return 1; }
  body="$(tr -d '\r\n' <"$work/body")"
  if [[ "$HTTP_CODE" != 200 || "$body" != ok ]]; then
    CHECK_ERROR="GET $url: HTTP $HTTP_CODE, body '${body:0:80}' (expected 200 'ok')"
    return 1
  fi
}

check_process() {
  local port="$1" base="http://127.0.0.1:$1" served
  expect_ok "$base$HEALTH_PATH" || return 1
  [[ -n "$EXPECTED_VERSION" ]] || return 0
  fetch "$base/" || { CHECK_ERROR="GET $base/: ${FETCH_ERROR% }"; return 1; }
  served="$(sed -n 's/.*<span id="version">\([^<]*\)<\/span>.*/\1/p' "$work/body" | head -n 1)"
  if [[ "$HTTP_CODE" != 200 || "$served" != "$EXPECTED_VERSION" ]]; then
    CHECK_ERROR="GET $base/: HTTP $HTTP_CODE, serves version '${served:-?}', expected '$EXPECTED_VERSION' (old process still running?)"
    return 1
  fi
}

check_nginx_health() {
  expect_ok "$NGINX_URL$HEALTH_PATH"
}

check_nginx_static() {
  local url="$NGINX_URL/static/style.css"
  fetch "$url" || { CHECK_ERROR="GET $url: ${FETCH_ERROR% }"; return 1; }
  if [[ "$HTTP_CODE" != 200 ]]; then
    CHECK_ERROR="GET $url: HTTP $HTTP_CODE (expected 200; nginx must serve $APP_DIR/static/ at /static/)"
    return 1
  fi
  if [[ -f "$APP_DIR/static/style.css" ]] && ! cmp -s "$work/body" "$APP_DIR/static/style.css"; then
    CHECK_ERROR="GET $url: content differs from $APP_DIR/static/style.css (nginx serves another directory?)"
    return 1
  fi
}

run_check() {
  case "$1" in
    process:*) check_process "${1#process:}" ;;
    nginx-health) check_nginx_health ;;
    nginx-static) check_nginx_static ;;
  esac
}

declare -A describe=() last_error=()
checks=()
for port in "${APP_PORTS[@]}"; do
  checks+=("process:$port")
  describe["process:$port"]="app process $(unit_for_port "$port") on 127.0.0.1:$port"
done
checks+=(nginx-health nginx-static)
describe[nginx-health]="health path $HEALTH_PATH through nginx at $NGINX_URL"
describe[nginx-static]="static file through nginx at $NGINX_URL/static/"

log "checking ${#checks[@]} things for version '${EXPECTED_VERSION:-unknown}' (timeout ${TIMEOUT_SECONDS}s)"
deadline=$((SECONDS + TIMEOUT_SECONDS))
pending=("${checks[@]}")
round=0
while true; do
  round=$((round + 1))
  still=()
  for check in "${pending[@]}"; do
    CHECK_ERROR=""
    if run_check "$check"; then
      log "ok: ${describe[$check]}"
    else
      last_error["$check"]="$CHECK_ERROR"
      still+=("$check")
    fi
  done
  pending=("${still[@]+"${still[@]}"}")
  if ((${#pending[@]} == 0)) || ((SECONDS >= deadline)); then
    break
  fi
  log "round $round: ${#pending[@]} check(s) not passing yet; retrying in ${INTERVAL_SECONDS}s"
  sleep "$INTERVAL_SECONDS"
done

if ((${#pending[@]} > 0)); then
  failed_units=()
  for check in "${pending[@]}"; do
    if [[ "$check" == process:* ]]; then
      failed_units+=("$(unit_for_port "${check#process:}")")
    fi
  done
  if ((${#failed_units[@]} > 0)); then
    show_unit_diagnostics "${failed_units[@]}"
  fi
  for check in "${pending[@]}"; do
    log "FAILED check: ${describe[$check]}: ${last_error[$check]}" >&2
  done
  roll_back "${#pending[@]} check(s) failed for version '${EXPECTED_VERSION:-unknown}'" || true
  die "${#pending[@]} of ${#checks[@]} checks still failing after ${round} round(s) / ${TIMEOUT_SECONDS}s: ${pending[*]}; the instance serves release '$(current_release)'"
fi
log "all ${#checks[@]} checks passed in round $round: version '${EXPECTED_VERSION:-unknown}' is serving"
