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
#   APP_DIR        /opt/app/current     where the revision's app/ is installed
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

# check_app_dir: refuse to manage anything but a plain absolute directory path.
check_app_dir() {
  [[ "$APP_DIR" == /?*/?* && "$APP_DIR" != *"/.."* && "$APP_DIR" != *"/./"* ]] ||
    die "APP_DIR='$APP_DIR' must be an absolute path at least two levels deep"
  [[ ! -L "$APP_DIR" ]] || die "APP_DIR=$APP_DIR is a symbolic link; expected a plain directory"
}
