#!/usr/bin/env bash
# The SQL the server sends for each request the benchmark scenarios make, from PostgreSQL's own statement log, so the
# pgbench scripts (bench/pgbench/*.sql and the generated batch script) can be checked against it after a server change:
#
#   bench/statement-log.sh [--skip-build] [--port 5091]
#
# Builds Release into bench/results/build (as run.sh does), recreates a scratch database coffer_sqllog with
# log_statement = 'all' set on that database only (nothing else is logged), starts the server on it, opens four wallets
# with deposits, then makes one request of each kind: POST /transfers, POST /transfers/batch (2 transfers),
# GET /accounts/{id}, GET /accounts/{id}/entries?limit=20, GET /transfers/{id}. Each request's statements (with their
# parameters) go to bench/results/statement-log/<kind>.log; the background workers' statements are left out.
# The scratch database is dropped at the end.
# Needs the Debian cluster's log file (/var/log/postgresql/postgresql-15-main.log, log_line_prefix with %d) and root or
# the postgres user (scripts/lib.sh as_postgres) to read it and to set log_statement.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
repo=$PWD
source scripts/lib.sh

build=true
port=5091
while (( $# > 0 )); do
  case $1 in
    --skip-build) build=false ;;
    --port) port=$2; shift ;;
    -h|--help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) die "unknown argument '$1' (see bench/statement-log.sh --help)" ;;
  esac
  shift
done

db=coffer_sqllog
log_file=${BENCH_PG_LOG:-/var/log/postgresql/postgresql-15-main.log}
out=$repo/bench/results/statement-log
artifacts=$repo/bench/results/build
server_dll=$artifacts/bin/Coffer.Server/release/Coffer.Server.dll
url=http://127.0.0.1:$port
[[ -r $log_file ]] || die "cannot read PostgreSQL's log $log_file (set BENCH_PG_LOG)"
if $build; then
  dotnet build src/Coffer.Server/Coffer.Server.csproj -c Release --artifacts-path "$artifacts" -nologo -v quiet -warnaserror
fi
rm -rf "$out" && mkdir -p "$out/data"

as_postgres psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "SET client_min_messages = warning" \
  -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db OWNER coffer_owner" \
  -c "ALTER DATABASE $db SET log_statement = 'all'"
export Coffer__DataDirectory=$out/data Coffer__Database__Provider=postgres
export ConnectionStrings__Coffer="Host=127.0.0.1;Port=5432;Database=$db;Username=coffer_app;Password=coffer_app;SSL Mode=Disable"
export ConnectionStrings__CofferMigrations="Host=127.0.0.1;Port=5432;Database=$db;Username=coffer_owner;Password=coffer_owner;SSL Mode=Disable"
dotnet "$server_dll" migrate up >/dev/null
token=$(dotnet "$server_dll" token --sub bench-ops --tenant bench --role operator --ttl-minutes 30)
dotnet "$server_dll" serve --urls "$url" >"$out/server.log" 2>&1 &
server_pid=$!
drop_database() { as_postgres psql -X -q -d postgres -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)"; }
trap 'kill -TERM "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; drop_database' EXIT
wait_until 60 curl -fsS "$url/health/ready" || die "the server did not become ready at $url"

call() { curl -fsS -H "Authorization: Bearer $token" -H "Content-Type: application/json" "$@"; }
json_id() { python3 -c 'import json, sys; print(json.load(sys.stdin)["id"])'; }
wallets=()
for i in 1 2 3 4; do
  id=$(call -H "Idempotency-Key: open-$i" -d '{"currency":"USD","ownerId":"sqllog","name":"w"}' "$url/api/v1/accounts" | json_id)
  call -H "Idempotency-Key: deposit-$i" -d "{\"accountId\":\"$id\",\"amount\":1000,\"currency\":\"USD\",\"externalReference\":\"d$i\"}" \
    "$url/api/v1/deposits" >/dev/null
  wallets+=("$id")
done

# One request at a time, each bracketed by log timestamps; the server's pid for a request is the backend that ran it.
capture() {
  local kind=$1; shift
  sleep 1.2
  local from; from=$(date -u '+%F %T.%3N')
  "$@" >"$out/$kind.response.json"
  sleep 0.3
  local to; to=$(date -u '+%F %T.%3N')
  # Statements of this database in the window, continuation lines included, without the background workers' ones.
  as_postgres cat "$log_file" | awk -v from="$from" -v to="$to" -v db="@$db " '
    /^[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9] / { stamp = $1 " " $2; keep = (stamp >= from && stamp <= to && index($0, db) > 0) }
    keep { print }' | grep -v -e 'feature_flags' >"$out/$kind.log" || true
  info "$kind: $(grep -c ' LOG: ' "$out/$kind.log") statements -> $out/$kind.log"
}
transfer="{\"fromAccountId\":\"${wallets[0]}\",\"toAccountId\":\"${wallets[1]}\",\"amount\":1,\"currency\":\"USD\"}"
batch="{\"transfers\":[{\"fromAccountId\":\"${wallets[0]}\",\"toAccountId\":\"${wallets[1]}\",\"amount\":1,\"currency\":\"USD\"},{\"fromAccountId\":\"${wallets[2]}\",\"toAccountId\":\"${wallets[3]}\",\"amount\":1,\"currency\":\"USD\"}]}"
capture post-transfer call -H "Idempotency-Key: t-1" -d "$transfer" "$url/api/v1/transfers"
capture post-batch call -H "Idempotency-Key: b-1" -d "$batch" "$url/api/v1/transfers/batch"
capture get-account call "$url/api/v1/accounts/${wallets[0]}"
capture get-entries call "$url/api/v1/accounts/${wallets[0]}/entries?limit=20"
transfer_id=$(json_id <"$out/post-transfer.response.json")
capture get-transfer call "$url/api/v1/transfers/$transfer_id"
info "the background workers (job claims, sweepers) may add statements of their own to a window: they carry tenant '*'"
