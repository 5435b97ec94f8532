#!/usr/bin/env bash
# Installs the Debian packages the test suite needs (PostgreSQL 15, Redis,
# RabbitMQ, promtool, yamllint) when they are missing. Touches apt only if
# something is missing, so a prepared machine pays nothing.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PG_VERSION=${COFFER_PG_VERSION:-15}

have() { command -v "$1" >/dev/null 2>&1; }

missing=()
if ! have pg_ctlcluster || [[ ! -x /usr/lib/postgresql/$PG_VERSION/bin/postgres ]]; then
  missing+=(postgresql)
fi
have redis-server    || missing+=(redis-server)
have rabbitmq-server || missing+=(rabbitmq-server)
have python3         || missing+=(python3)   # test.sh reads the .trx files with it
have promtool        || missing+=(prometheus) # checks and unit-tests deploy/prometheus/alerts.yml
have yamllint        || missing+=(yamllint)   # lints deploy/

if (( ${#missing[@]} == 0 )); then
  info "postgresql $PG_VERSION, redis-server, rabbitmq-server, python3, promtool and yamllint are installed; skipping apt"
  exit 0
fi

info "missing: ${missing[*]}"

# Package scripts must not start services: without systemd they start them in
# their own way (rabbitmq as a foreground init script, redis with the packaged
# config). services.sh starts everything itself, the same way on every machine.
# Docker-style images already ship a policy-rc.d that says so; add one only
# for the duration of the install when there is none.
policy=/usr/sbin/policy-rc.d
added_policy=false
if [[ ! -e $policy ]]; then
  printf '#!/bin/sh\nexit 101\n' | as_root tee "$policy" >/dev/null
  as_root chmod 755 "$policy"
  added_policy=true
  trap 'as_root rm -f "$policy"' EXIT
fi

started=$(date +%s)
as_root apt-get update -o Acquire::Retries=3
as_root env DEBIAN_FRONTEND=noninteractive \
  apt-get install -y -o Acquire::Retries=3 "${missing[@]}"
info "apt installed ${missing[*]} in $(( $(date +%s) - started ))s"
$added_policy && info "removing the temporary $policy"
exit 0
