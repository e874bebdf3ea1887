# shellcheck shell=bash
# Shared helpers for the CodeDeploy lifecycle hooks in this directory.
# Sourced, never run. The CodeDeploy agent runs each hook as root from the
# unpacked revision (deployment-archive/hooks/...), with LIFECYCLE_EVENT,
# DEPLOYMENT_ID, APPLICATION_NAME and DEPLOYMENT_GROUP_NAME in the environment.
# It keeps only the last ~2 KiB of a hook's output for the console, so every
# hook prints its conclusion (success or the reason for failure) last.
#
# The defaults follow the instance contract (see docs/deploy-revision.md). The
# overrides below exist for deploy/test/run; the agent never sets them.
#   APP_DIR        /opt/app/current     symbolic link to the release that serves
#   APP_INCOMING_DIR  /opt/app/incoming  where the agent copies the revision's app/ (appspec.yml)
#   APP_RELEASES_DIR  /opt/app/releases  one directory per deployed revision
#   APP_ENV_FILE   /etc/app/app.env     APP_PROCESS_COUNT, APP_BASE_PORT, APP_HEALTH_PATH,
#                                       optional APP_NGINX_PORT (default 80)
#   APP_USER       app                  user the app@.service units run as
#   APP_OWNER      root:root            owner of the installed files (read-only for the app)
#   SYSTEMCTL      systemctl            the systemctl to call

APP_DIR="${APP_DIR:-/opt/app/current}"
APP_ENV_FILE="${APP_ENV_FILE:-/etc/app/app.env}"
APP_USER="${APP_USER:-app}"
APP_OWNER="${APP_OWNER:-root:root}"
SYSTEMCTL="${SYSTEMCTL:-systemctl}"
APP_INCOMING_DIR="${APP_INCOMING_DIR:-$(dirname -- "$APP_DIR")/incoming}"
APP_RELEASES_DIR="${APP_RELEASES_DIR:-$(dirname -- "$APP_DIR")/releases}"
# Releases kept on the instance (the serving one and the one before it always are).
APP_KEEP_RELEASES="${APP_KEEP_RELEASES:-3}"
# Seconds between restarting two app processes: longer than nginx's fail_timeout for an upstream
# (5 s in src/Infra.Constructs/Compute/ServerFiles/nginx.conf.template; deploy/test/run checks it),
# so nginx always has a process to use.
APP_RESTART_SETTLE_SECONDS="${APP_RESTART_SETTLE_SECONDS:-6}"
# Seconds one restarted process gets to answer its health path.
APP_START_TIMEOUT_SECONDS="${APP_START_TIMEOUT_SECONDS:-30}"
# shellcheck disable=SC2034 # used by the hooks that source this file
APP_UNIT_TEMPLATE="app@.service"
MAX_PROCESS_COUNT=64

HOOK_NAME="${LIFECYCLE_EVENT:-$(basename -- "$0" .sh)}"

log() {
  printf '%s [%s] %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$HOOK_NAME" "$*"
}

warn() {
  log "WARNING: $*" >&2
}

# die MESSAGE: print the failure reason last (the console shows the log tail) and exit 1.
die() {
  log "FAILED: $*" >&2
  exit 1
}

hook_banner() {
  log "deployment ${DEPLOYMENT_ID:-(local run)} of ${APPLICATION_NAME:-?}/${DEPLOYMENT_GROUP_NAME:-?}; APP_DIR=$APP_DIR"
}

have_systemctl() {
  command -v "$SYSTEMCTL" >/dev/null 2>&1
}

# env_value KEY: print KEY's value from APP_ENV_FILE (systemd EnvironmentFile
# syntax: KEY=VALUE, optional surrounding quotes, # comments). The file is parsed,
# never sourced. Returns 1 when the key is absent.
env_value() {
  local key="$1" line value="" found=1
  [[ -r "$APP_ENV_FILE" ]] || return 1
  while IFS= read -r line || [[ -n "$line" ]]; do
    line="${line%$'\r'}"
    if [[ "$line" =~ ^[[:space:]]*${key}[[:space:]]*=(.*)$ ]]; then
      value="${BASH_REMATCH[1]}"
      found=0
    fi
  done <"$APP_ENV_FILE"
  value="${value#"${value%%[![:space:]]*}"}"
  value="${value%"${value##*[![:space:]]}"}"
  if [[ "$value" =~ ^\"(.*)\"$ || "$value" =~ ^\'(.*)\'$ ]]; then
    value="${BASH_REMATCH[1]}"
  fi
  printf '%s\n' "$value"
  return "$found"
}

# load_ports: set APP_PORTS to (APP_BASE_PORT .. APP_BASE_PORT+APP_PROCESS_COUNT-1).
load_ports() {
  local count base i
  [[ -r "$APP_ENV_FILE" ]] ||
    die "$APP_ENV_FILE is missing or unreadable; the instance user data must write it (APP_PROCESS_COUNT, APP_BASE_PORT, ...)"
  count="$(env_value APP_PROCESS_COUNT)" ||
    die "APP_PROCESS_COUNT is not set in $APP_ENV_FILE"
  if ! base="$(env_value APP_BASE_PORT)"; then
    base=8001
    warn "APP_BASE_PORT is not set in $APP_ENV_FILE; using $base"
  fi
  if [[ ! "$count" =~ ^[1-9][0-9]{0,2}$ ]] || ((count > MAX_PROCESS_COUNT)); then
    die "APP_PROCESS_COUNT='$count' in $APP_ENV_FILE is not a number from 1 to $MAX_PROCESS_COUNT"
  fi
  if [[ ! "$base" =~ ^[1-9][0-9]{3,4}$ ]] || ((base + count - 1 > 65535)); then
    die "APP_BASE_PORT='$base' in $APP_ENV_FILE is not a usable port (1000..65535 for all $count processes)"
  fi
  APP_PORTS=()
  for ((i = 0; i < count; i++)); do
    APP_PORTS+=("$((base + i))")
  done
}

# health_path: APP_HEALTH_PATH from APP_ENV_FILE, default /health.
health_path() {
  local path
  path="$(env_value APP_HEALTH_PATH)" || path=/health
  [[ "$path" == /* ]] || die "APP_HEALTH_PATH='$path' in $APP_ENV_FILE must start with /"
  printf '%s\n' "$path"
}

unit_for_port() {
  printf 'app@%s.service\n' "$1"
}

# loaded_app_units: every app@PORT.service systemd knows about (running or not).
loaded_app_units() {
  "$SYSTEMCTL" list-units --all --plain --no-legend --no-pager --type=service 'app@*.service' 2>/dev/null |
    awk '$1 ~ /^app@[0-9]+\.service$/ { print $1 }' || true
}

# show_unit_diagnostics UNIT...: recent status and journal lines, to explain a failure.
show_unit_diagnostics() {
  local unit
  have_systemctl || return 0
  for unit in "$@"; do
    log "--- $unit: systemctl status ---"
    "$SYSTEMCTL" status --no-pager --lines=15 -- "$unit" 2>&1 || true
  done
}

# check_app_dir: refuse to manage anything but plain absolute paths at least two levels deep.
check_app_dir() {
  local dir
  for dir in "$APP_DIR" "$APP_INCOMING_DIR" "$APP_RELEASES_DIR"; do
    [[ "$dir" == /?*/?* && "$dir" != *"/.."* && "$dir" != *"/./"* ]] ||
      die "'$dir' must be an absolute path at least two levels deep"
  done
  [[ ! -L "$APP_INCOMING_DIR" ]] || die "$APP_INCOMING_DIR is a symbolic link; expected a plain directory"
  if [[ -L "$APP_DIR" ]]; then
    case "$(readlink -- "$APP_DIR")" in
      "$APP_RELEASES_DIR"/?* | releases/?*) ;;
      *) die "$APP_DIR links to $(readlink -- "$APP_DIR"), not into $APP_RELEASES_DIR" ;;
    esac
  fi
}

# current_release: the name of the release APP_DIR links to ("" when APP_DIR is not a link).
current_release() {
  [[ -L "$APP_DIR" ]] || return 0
  basename -- "$(readlink -- "$APP_DIR")"
}

# switch_release NAME: point APP_DIR at APP_RELEASES_DIR/NAME in one rename (never absent).
# A plain directory left by an older user data becomes the release "legacy-<time>" first.
switch_release() {
  local name="$1" next
  [[ -d "$APP_RELEASES_DIR/$name" ]] || die "release $name does not exist in $APP_RELEASES_DIR"
  if [[ -d "$APP_DIR" && ! -L "$APP_DIR" ]]; then
    local legacy
    legacy="legacy-$(date -u +%Y%m%d%H%M%S)"
    mv -- "$APP_DIR" "$APP_RELEASES_DIR/$legacy"
    printf '%s\n' "$legacy" >"$APP_RELEASES_DIR/.previous"
    log "moved the plain directory $APP_DIR to release $legacy"
  fi
  next="$APP_DIR.next.$$"
  ln -sfn -- "$APP_RELEASES_DIR/$name" "$next"
  mv -Tf -- "$next" "$APP_DIR"
}

# previous_release: the release that served before the last switch (from AfterInstall).
previous_release() {
  cat -- "$APP_RELEASES_DIR/.previous" 2>/dev/null || true
}

# served_version PORT: the version the process on PORT names on / ("" when none).
served_version() {
  curl --silent --noproxy '*' --connect-timeout 1 --max-time 3 "http://127.0.0.1:$1/" 2>/dev/null |
    sed -n 's/.*<span id="version">\([^<]*\)<\/span>.*/\1/p' | head -n 1
}

# wait_process PORT VERSION: until the process on PORT answers its health path with 200 and, when
# VERSION is set, names VERSION on /. Fails after APP_START_TIMEOUT_SECONDS.
wait_process() {
  local port="$1" version="$2" path deadline
  path="$(health_path)"
  deadline=$((SECONDS + APP_START_TIMEOUT_SECONDS))
  while ((SECONDS < deadline)); do
    if [[ "$(curl --silent --noproxy '*' --connect-timeout 1 --max-time 3 "http://127.0.0.1:$port$path" 2>/dev/null)" == ok ]] &&
      { [[ -z "$version" ]] || [[ "$(served_version "$port")" == "$version" ]]; }; then
      return 0
    fi
    sleep 0.5
  done
  return 1
}

# rolling_restart VERSION PORT...: restart app@PORT one at a time; each must answer healthy (and
# name VERSION, if set) before the next goes down, so nginx always has processes to send requests
# to. Sets FAILED_PORT and returns 1 when one does not come up.
rolling_restart() {
  local version="$1" port first=1
  shift
  # shellcheck disable=SC2034 # read by the hook that calls rolling_restart
  FAILED_PORT=""
  for port in "$@"; do
    ((first)) || sleep "$APP_RESTART_SETTLE_SECONDS"
    first=0
    "$SYSTEMCTL" reset-failed -- "$(unit_for_port "$port")" >/dev/null 2>&1 || true
    if ! "$SYSTEMCTL" restart -- "$(unit_for_port "$port")" || ! wait_process "$port" "$version"; then
      # shellcheck disable=SC2034
      FAILED_PORT="$port"
      return 1
    fi
    log "$(unit_for_port "$port") serves ${version:-the release} and is healthy"
  done
  # And once more after the last one: nginx may count a process it just saw restart as failed for
  # fail_timeout, so the hook ends only when every process is live for nginx again. A deployment that
  # follows at once would otherwise take its first process down while nginx still skips the last one
  # (the boot test measured 502s from exactly that).
  sleep "$APP_RESTART_SETTLE_SECONDS"
}

# roll_back REASON [PORT...]: point APP_DIR back at the previous release and restart, one at a time,
# the processes on PORT... (default: all), so the instance is left serving the version that served
# before this deployment. ApplicationStart passes only the ports it moved: a process that never left
# the previous release keeps serving instead of going down once more next to a process nginx may
# still count as failed.
roll_back() {
  local reason="$1" previous
  shift
  previous="$(previous_release)"
  if [[ -z "$previous" || ! -d "$APP_RELEASES_DIR/$previous" ]]; then
    warn "$reason; no previous release to go back to"
    return 1
  fi
  warn "$reason; rolling back to release $previous"
  switch_release "$previous"
  load_ports
  local version port ports=("$@")
  [[ ${#ports[@]} -gt 0 ]] || ports=("${APP_PORTS[@]}")
  version="$(cat -- "$APP_RELEASES_DIR/$previous/VERSION" 2>/dev/null || true)"
  for port in "${ports[@]}"; do
    "$SYSTEMCTL" reset-failed -- "$(unit_for_port "$port")" >/dev/null 2>&1 || true
    "$SYSTEMCTL" restart -- "$(unit_for_port "$port")" || warn "could not restart $(unit_for_port "$port")"
    # The placeholder (no revision yet) answers 503 by design: wait only for a real release.
    if [[ -n "$version" ]]; then
      wait_process "$port" "$version" || warn "$(unit_for_port "$port") did not come back healthy on $previous"
      sleep "$APP_RESTART_SETTLE_SECONDS"
    fi
  done
  log "rolled back: $APP_DIR -> $previous (version ${version:-none})"
}
