# shellcheck shell=bash
# Shared helpers for the scripts in this folder. Source it; do not run it.
#
# Everything here prints to stdout so that CI logs keep sections and their
# output in order.

# Debian keeps daemons in /usr/sbin, which a non-root PATH often lacks.
case ":$PATH:" in *:/usr/sbin:*) ;; *) PATH="$PATH:/usr/sbin:/sbin" ;; esac

# Seconds since the epoch when the first script sourced this file; lets every
# header show how long the whole run has taken so far.
: "${COFFER_RUN_STARTED_AT:=$(date +%s)}"
export COFFER_RUN_STARTED_AT

elapsed() {
  local seconds=$(( $(date +%s) - COFFER_RUN_STARTED_AT ))
  printf '%dm%02ds' $((seconds / 60)) $((seconds % 60))
}

section() { printf '\n===== [%s +%s] %s =====\n' "$(date +%H:%M:%S)" "$(elapsed)" "$*"; }
info()    { printf '  %s\n' "$*"; }
warn()    { printf 'WARNING: %s\n' "$*"; }
die()     { printf 'ERROR: %s\n' "$*"; exit 1; }

# Runs a command as root, through sudo only when we are not root already.
as_root() {
  if [[ $EUID -eq 0 ]]; then "$@"; else sudo "$@"; fi
}

# Runs a command as the postgres OS user (peer authentication to the
# superuser). cd / because postgres may not be allowed into the caller's cwd.
as_postgres() {
  if [[ $(id -un) == postgres ]]; then
    (cd / && "$@")
  elif [[ $EUID -eq 0 ]]; then
    (cd / && runuser -u postgres -- "$@")
  else
    (cd / && sudo -u postgres -- "$@")
  fi
}

# Polls a command until it succeeds or timeout_seconds pass. Returns 1 on timeout.
wait_until() {
  local timeout_seconds=$1; shift
  local deadline=$(( $(date +%s) + timeout_seconds ))
  until "$@" >/dev/null 2>&1; do
    (( $(date +%s) < deadline )) || return 1
    sleep 1
  done
}

# True when something accepts TCP connections on 127.0.0.1:port.
tcp_port_open() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}
