#!/usr/bin/env bash
# One benchmark scenario from nothing to a comparison table:
#
#   bench/run.sh [postgres|sqlite] [--scenario transfers|hot|batch|mixed|invest|checkout] [--connections C] [--duration 30]
#                [--warmup 15] [--accounts N] [--batch-size 100] [--mix get-account=40,get-entries=20,...]
#                [--hot] [--no-pgbench] [--skip-build] [--port 5080] [--threads 2] [--profile]
#   bench/run.sh [postgres|sqlite] --jobs [--transport database|rabbitmq] [--job-count 20000] [--skip-build]
#
# postgres (the default): builds Release, recreates the database coffer_bench (owner coffer_owner,
# the server connects as coffer_app), runs `migrate up`, starts the server, drives it with
# bench/Coffer.Bench (seed wallets, warm up, measure, verify money), stops it, then runs pgbench with
# the same SQL at the same client count against the same database and wallets, and prints Coffer's
# throughput beside pgbench's and the ratio.
# sqlite: the same without PostgreSQL and pgbench (the embedded default has no raw-SQL twin here).
# Scenarios (docs/performance.md has a section each):
#   transfers  POST /api/v1/transfers between uniformly random wallets; pgbench: bench/pgbench/transfer.sql.
#              64 connections, 1,000 wallets by default.
#   hot        the same with wallet #1 on one side of every transfer (--hot is an alias).
#   batch      POST /api/v1/transfers/batch of --batch-size transfers (default 100) between 2 x batch-size
#              distinct wallets, each connection among its own share of the wallets (so --accounts must be at
#              least 2 x batch-size x connections); reports transfers/s and requests/s. pgbench: the server's statements for one
#              batch, generated for the batch size into the run's directory (Coffer.Bench pgbench-script).
#              16 connections, 10,000 wallets by default.
#   mixed      reads and transfers in the proportions of --mix (default 80 % reads: get-account=40,
#              get-entries=20,get-transfer=20,post-transfer=20); per-kind and overall rates and latencies.
#              pgbench: bench/pgbench/get-account.sql, get-entries.sql, get-transfer.sql and transfer.sql with the
#              same weights (-f script@weight). 64 connections, 1,000 wallets by default.
#   invest     an open investment product and --accounts funded investor wallets; each connection places an investment
#              (POST /api/v1/investment/investments) and executes it (POST .../execute, 202 + job execute-investment),
#              alternately. Reports both requests' rates and latencies, investments executed per second and the latency
#              from the 202 to the job's success; then one product-level dividend over every active investment (job
#              distribute-dividend), timed from its 202 to `completed` (payouts/s), its tallies and payouts checked.
#              No pgbench: the execution is a 202, a queued job and its own transactions, with no single-statement twin.
#              16 connections, 1,000 wallets by default.
#   checkout   a product of 20 variants with plenty of stock, a hot variant of 50 units and --accounts customers (tokens
#              minted by the generator with the run's development key, each with a funded wallet); phase 1: concurrent
#              wallet checkouts (POST /api/v1/commerce/orders, 1-3 items of 1-3 units) for the measured time, req/s and
#              p50/p95/p99; every order followed to paid (job capture-wallet-payment), the capture rate after the load;
#              phase 2: 200 simultaneous one-unit checkouts of the hot variant (exactly 50 may win). Then orders, money
#              (merchant_revenue = the order totals, each wallet down by its orders) and stock are verified. No pgbench.
#              16 connections, 200 customers by default.
# --jobs: the jobs scenario instead of transfers. After the same build, database and migration, the load generator's
# `jobs` verb hosts the server in its own process (with a no-op job type, and the server's GC settings), enqueues
# --job-count jobs and reports jobs per second from the first enqueue to the last committed success, plus the latency
# of single jobs on an idle system. --transport rabbitmq uses the broker at $BENCH_RABBITMQ_URI (default the test
# broker, amqp://guest:guest@127.0.0.1:5672/; started with scripts/services.sh if it is down) on a queue of the run's
# own, deleted afterwards.
#
# Everything lands in bench/results/<time>-<provider>-<scenario>/ (gitignored): summary.txt (the table),
# coffer.json/.txt, pgbench.json/.txt, machine.txt, server.log, top.txt, progress logs.
# bench/results/latest-<provider>-<scenario> points at the newest run. Exit code: 0 when the run completed and
# the money verification passed.
#
# PostgreSQL is expected on 127.0.0.1:5432 with the roles of scripts/pg-roles.sql (./test.sh sets
# that up); if it is not running, this script starts it with scripts/services.sh. Connections use
# sslmode=disable for the server and pgbench alike (loopback; Debian's cluster has ssl=on).
# --profile also samples the measured window: with perf (Debian's linux-perf), on-CPU samples of
# the whole machine, split by process and symbol into perf-summary.txt (bench/perf-summary.py;
# BENCH_KEEP_PERF=1 keeps perf.data); without perf, the server's thread stacks with dotnet-trace
# (`dotnet tool install --global dotnet-trace`) into server-cpu.speedscope.json, summarised by
# bench/profile-summary.py. top snapshots (top.txt) are always taken.
# BENCH_PG_DB names the database the run recreates (default coffer_bench), so runs from two worktrees need not share one.
# BENCH_PG_EXTRA, e.g. "No Reset On Close=true", is appended to the server's connection string
# (for experiments; the default is Npgsql's defaults).
# The build goes to bench/results/build (its own obj/ and bin/), so a concurrent ./test.sh build
# never replaces the binaries of a running benchmark.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
repo=$PWD
source scripts/lib.sh

provider=postgres
scenario=transfers
connections=
duration=30
warmup=15
accounts=
batch_size=100
mix=get-account=40,get-entries=20,get-transfer=20,post-transfer=20
threads=2
port=5080
run_pgbench=true
build=true
profile=false
jobs_scenario=false
transport=database
job_count=20000
while (( $# > 0 )); do
  case $1 in
    postgres|sqlite) provider=$1 ;;
    --connections) connections=$2; shift ;;
    --duration) duration=$2; shift ;;
    --warmup) warmup=$2; shift ;;
    --accounts) accounts=$2; shift ;;
    --scenario) scenario=$2; shift ;;
    --batch-size) batch_size=$2; shift ;;
    --mix) mix=$2; shift ;;
    --threads) threads=$2; shift ;;
    --port) port=$2; shift ;;
    --hot) scenario=hot ;;
    --no-pgbench) run_pgbench=false ;;
    --skip-build) build=false ;;
    --profile) profile=true ;;
    --jobs) jobs_scenario=true ;;
    --transport) transport=$2; shift ;;
    --job-count) job_count=$2; shift ;;
    -h|--help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) die "unknown argument '$1' (see bench/run.sh --help)" ;;
  esac
  shift
done
[[ $provider == postgres ]] || run_pgbench=false
[[ $transport == database || $transport == rabbitmq ]] || die "--transport is database or rabbitmq, not '$transport'"

case $scenario in
  transfers|hot|transfers-hot|mixed) connections=${connections:-64}; accounts=${accounts:-1000} ;;
  # Each connection draws its batches from its own share of the wallets (accounts / connections >= 2 x batch size).
  batch) connections=${connections:-16}; accounts=${accounts:-10000} ;;
  invest) connections=${connections:-16}; accounts=${accounts:-1000}; run_pgbench=false ;;
  checkout) connections=${connections:-16}; accounts=${accounts:-200}; run_pgbench=false ;;
  *) die "--scenario is transfers, hot, batch, mixed, invest or checkout, not '$scenario'" ;;
esac
[[ $scenario == hot ]] && scenario=transfers-hot   # the name results have always had
label=$provider
if $jobs_scenario; then
  scenario=jobs-$transport
  label=$provider-$transport
  run_pgbench=false
fi
run_dir=$repo/bench/results/$(date -u +%Y%m%dT%H%M%SZ)-$provider-$scenario
artifacts=$repo/bench/results/build
server_dll=$artifacts/bin/Coffer.Server/release/Coffer.Server.dll
bench_dll=$artifacts/bin/Coffer.Bench/release/Coffer.Bench.dll
url=http://127.0.0.1:$port
mkdir -p "$run_dir"
ln -sfn "$run_dir" "$repo/bench/results/latest-$provider-$scenario"
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
export Coffer__DataDirectory=$run_dir/data
# One operator token drives the whole load: lift its per-principal limits (the benchmark measures the ledger).
export Coffer__RateLimits__Policies__writes__Permits=1000000000 Coffer__RateLimits__Policies__reads__Permits=1000000000
# The investment module's hourly policies (SEEDS §A: 10, 5, 10, 5 per user) likewise; their names have hyphens, which
# bash cannot export, so they go to the server through env(1).
server_env=()
for policy in investment-products investments investment-execute dividends; do
  server_env+=("Coffer__RateLimits__Policies__${policy}__Permits=1000000000")
done
mkdir -p "$Coffer__DataDirectory"

pg_host=127.0.0.1 pg_port=5432 pg_db=${BENCH_PG_DB:-coffer_bench}
app_conn="Host=$pg_host;Port=$pg_port;Database=$pg_db;Username=coffer_app;Password=coffer_app;SSL Mode=Disable${BENCH_PG_EXTRA:+;$BENCH_PG_EXTRA}"
owner_conn="Host=$pg_host;Port=$pg_port;Database=$pg_db;Username=coffer_owner;Password=coffer_owner;SSL Mode=Disable"
psql_owner() { PGPASSWORD=coffer_owner PGSSLMODE=disable psql -X -q -v ON_ERROR_STOP=1 -h "$pg_host" -p "$pg_port" -U coffer_owner -d "$pg_db" "$@"; }
psql_super() { as_postgres psql -X -q -v ON_ERROR_STOP=1 -p "$pg_port" -d "${PSQL_DB:-postgres}" "$@"; }

server_pid=
stop_server() {
  [[ -n $server_pid ]] || return 0
  if kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    for _ in $(seq 1 30); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.5; done
    kill -KILL "$server_pid" 2>/dev/null || true
  fi
  wait "$server_pid" 2>/dev/null || true
  server_pid=
}
trap stop_server EXIT
trap 'exit 130' INT TERM

if $jobs_scenario; then
  section "Benchmark $scenario on $provider: $job_count jobs -> $run_dir"
else
  section "Benchmark $scenario on $provider: $connections connections, ${warmup}s warm-up + ${duration}s, $accounts wallets -> $run_dir"
fi
info "machine: $(nproc) cores, load: $(uptime | sed 's/.*load average/load average/')"

# --------------------------------------------------------------- build
if $build; then
  section "Building Release into $artifacts"
  dotnet build src/Coffer.Server/Coffer.Server.csproj -c Release --artifacts-path "$artifacts" -nologo -v quiet -warnaserror
  dotnet build bench/Coffer.Bench/Coffer.Bench.csproj -c Release --artifacts-path "$artifacts" -nologo -v quiet -warnaserror
  echo "$(git rev-parse --short HEAD 2>/dev/null)$(git diff --quiet HEAD -- src 2>/dev/null || echo ' + uncommitted changes in src') built $(date -u +%FT%TZ)" >"$artifacts/built-from.txt"
fi
[[ -f $server_dll && -f $bench_dll ]] || die "no build in $artifacts (run without --skip-build)"

# --------------------------------------------------------------- database
if [[ $provider == postgres ]]; then
  section "Preparing PostgreSQL database $pg_db"
  if ! pg_isready -q -h "$pg_host" -p "$pg_port"; then
    scripts/services.sh start-postgres
    scripts/pg-setup.sh configure
  fi
  scripts/pg-setup.sh roles   # idempotent; brings the roles' attributes (BYPASSRLS) up to date
  max_connections=$(psql_super -Atc 'SHOW max_connections')
  (( max_connections >= connections + 20 )) ||
    die "max_connections is $max_connections; $connections server connections plus pgbench need more (scripts/pg-setup.sh configure)"
  psql_super -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $pg_db WITH (FORCE)"
  psql_super -c "CREATE DATABASE $pg_db OWNER coffer_owner"
  export Coffer__Database__Provider=postgres
  export ConnectionStrings__Coffer=$app_conn
  export ConnectionStrings__CofferMigrations=$owner_conn
  # The owner bypasses row-level security: the check counts every tenant's rows (the app role sees none
  # outside a request's tenant).
  verify_db=$owner_conn
else
  export Coffer__Database__Provider=sqlite
  unset ConnectionStrings__Coffer ConnectionStrings__CofferMigrations
  verify_db="Data Source=$Coffer__DataDirectory/coffer.db"
fi

# --------------------------------------------------------------- machine description
{
  echo "date:        $(date -u +%FT%TZ)"
  echo "server build: $(cat "$artifacts/built-from.txt" 2>/dev/null || echo 'unknown (built before built-from.txt existed)')"
  echo "uptime:      $(uptime)"
  echo "cpu:         $(nproc) x $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
  echo "memory:      $(free -m | awk '/^Mem:/ {print $2 " MiB total, " $7 " MiB available"}')"
  echo "disk:        $(df -h "$run_dir" | awk 'NR==2 {print $1 " " $2 " (" $5 " used)"}'), rotational=$(cat /sys/block/"$(basename "$(df "$run_dir" | awk 'NR==2 {print $1}')")"/queue/rotational 2>/dev/null || echo '?')"
  echo "kernel:      $(uname -r)"
  echo "dotnet:      $(dotnet --version)"
  if [[ $provider == postgres ]]; then
    echo "postgres:    $(psql_super -Atc 'SHOW server_version')"
    for setting in shared_buffers synchronous_commit fsync wal_sync_method max_connections commit_delay; do
      printf '  %-20s %s\n' "$setting" "$(psql_super -Atc "SHOW $setting")"
    done
  fi
} >"$run_dir/machine.txt"
sed 's/^/  /' "$run_dir/machine.txt"

# --------------------------------------------------------------- jobs scenario
if $jobs_scenario; then
  section "Jobs: $job_count no-op jobs through the $transport transport on $provider"
  dotnet "$server_dll" migrate up
  export Coffer__Jobs__Transport=$transport
  if [[ $transport == rabbitmq ]]; then
    rabbitmq_uri=${BENCH_RABBITMQ_URI:-amqp://guest:guest@127.0.0.1:5672/}
    if [[ -z ${BENCH_RABBITMQ_URI:-} ]] && ! tcp_port_open 5672; then
      scripts/services.sh start-rabbitmq
    fi
    export Coffer__RabbitMq__Uri=$rabbitmq_uri
    export Coffer__RabbitMq__Queue=coffer.bench.$(basename "$run_dir")
  fi
  # The hosted server gets the GC a `coffer serve` process has (the generator's own settings are for sharing the machine).
  jobs_exit=0
  DOTNET_gcServer=1 DOTNET_gcConcurrent=1 dotnet "$bench_dll" jobs --jobs "$job_count" --label "$label" \
    --json "$run_dir/coffer.json" --out "$run_dir/summary.txt" \
    2> >(tee "$run_dir/coffer-progress.log" >&2) >"$run_dir/server.log" || jobs_exit=$?
  section "Summary ($run_dir)"
  if [[ -f $run_dir/summary.txt ]]; then
    echo "machine load after the run: $(uptime | sed 's/.*load average/load average/')" >>"$run_dir/summary.txt"
    cat "$run_dir/summary.txt"
  else
    tail -20 "$run_dir/server.log"
    warn "the jobs run wrote no result (exit code $jobs_exit)"
  fi
  exit "$jobs_exit"
fi

# --------------------------------------------------------------- server
section "Migrating and starting the server"
dotnet "$server_dll" migrate up
token_roles=(--role operator)
[[ $scenario == invest || $scenario == checkout ]] && token_roles+=(--role admin)   # they create their products (checkout: and stock)
dotnet "$server_dll" token --sub bench-ops --tenant bench "${token_roles[@]}" --ttl-minutes 240 >"$Coffer__DataDirectory/operator.jwt"
$profile && export DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0
env "${server_env[@]}" dotnet "$server_dll" serve --urls "$url" >"$run_dir/server.log" 2>&1 &
unset DOTNET_PerfMapEnabled DOTNET_EnableWriteXorExecute
server_pid=$!
wait_until 60 curl -fsS "$url/health/ready" || { tail -30 "$run_dir/server.log"; die "the server did not become ready at $url"; }
info "server pid $server_pid ready at $url"
[[ $provider == postgres ]] && psql_super -c CHECKPOINT

# --------------------------------------------------------------- load
case $scenario in
  transfers) section "Coffer: POST /api/v1/transfers" ;;
  transfers-hot) section "Coffer: POST /api/v1/transfers, one hot wallet" ;;
  batch) section "Coffer: POST /api/v1/transfers/batch, $batch_size transfers per request" ;;
  mixed) section "Coffer: mixed reads and transfers ($mix)" ;;
  invest) section "Coffer: investments placed and executed, then one dividend over all of them" ;;
  checkout) section "Coffer: wallet checkouts, then a burst on one scarce variant, every order followed to paid" ;;
esac
# How the 2 cores split between server, PostgreSQL, generator and everything else, every 5 s.
top -b -c -d 5 -n $(( (warmup + duration) / 5 + 3 )) -w 200 2>/dev/null |
  awk '/^top -/ {print ""} /^top -|^%Cpu|^ *PID/ {print; n = 0; next} /^ *[0-9]/ && n < 12 {print; n++}' >"$run_dir/top.txt" &
top_pid=$!
profile_pid=
if $profile; then
  # Samples the measured window only: waits for the first "measure" progress line of the generator.
  (
    until grep -q ' measure ' "$run_dir/coffer-progress.log" 2>/dev/null; do sleep 0.5; done
    seconds=$(( duration < 20 ? duration : 20 ))
    if command -v perf >/dev/null; then
      # On-CPU samples of every process (server, PostgreSQL, generator, kernel); the server writes a
      # perf map (DOTNET_PerfMapEnabled) so its JIT-compiled frames get names.
      perf record -F 499 -a -g -o "$run_dir/perf.data" -- sleep "$seconds" >"$run_dir/perf.log" 2>&1
      ps -eo pid,args >"$run_dir/processes.txt"
      python3 bench/perf-summary.py "$run_dir" >"$run_dir/perf-summary.txt" 2>>"$run_dir/perf.log" || true
      [[ -n ${BENCH_KEEP_PERF:-} ]] || rm -f "$run_dir/perf.data"
    else
      PATH=$PATH:$HOME/.dotnet/tools
      dotnet-trace collect -p "$server_pid" --profile dotnet-sampled-thread-time --duration "00:00:00:$seconds" \
        --format speedscope -o "$run_dir/server-cpu.nettrace" >"$run_dir/dotnet-trace.log" 2>&1
    fi
  ) &
  profile_pid=$!
fi
coffer_exit=0
dotnet "$bench_dll" load --scenario "${scenario#transfers-}" --url "$url" --token-file "$Coffer__DataDirectory/operator.jwt" \
  --connections "$connections" --duration "$duration" --warmup "$warmup" --accounts "$accounts" \
  --batch-size "$batch_size" --mix "$mix" \
  --server-pid "$server_pid" --db "$verify_db" --label "$label" --data-dir "$Coffer__DataDirectory" \
  --json "$run_dir/coffer.json" --accounts-out "$run_dir/accounts.txt" \
  2> >(tee "$run_dir/coffer-progress.log" >&2) | tee "$run_dir/coffer.txt" || coffer_exit=$?
{
  echo "server process over its whole life (start-up, seeding, load, verification):"
  awk '/^(VmHWM|VmRSS|Threads)/' "/proc/$server_pid/status"
  awk -v hz="$(getconf CLK_TCK)" '{ printf "cpu seconds (utime+stime): %.1f\n", ($14 + $15) / hz }' "/proc/$server_pid/stat"
} >"$run_dir/server-process.txt" 2>/dev/null || true
[[ -z $profile_pid ]] || wait "$profile_pid" || warn "dotnet-trace failed (see $run_dir/dotnet-trace.log)"
kill "$top_pid" 2>/dev/null || true
stop_server
grep -Ei 'warn|fail|error|crit' "$run_dir/server.log" | head -5 || true

# --------------------------------------------------------------- pgbench
if $run_pgbench && [[ -s $run_dir/accounts.txt ]]; then
  psql_owner <<SQL
DROP TABLE IF EXISTS bench_accounts, bench_transfers;
CREATE TABLE bench_accounts (n int GENERATED ALWAYS AS IDENTITY PRIMARY KEY, id uuid NOT NULL UNIQUE);
\\copy bench_accounts (id) FROM '$run_dir/accounts.txt'
-- The transfers and deposits of the run, for get-transfer.sql (mixed).
CREATE TABLE bench_transfers (n int GENERATED ALWAYS AS IDENTITY PRIMARY KEY, id uuid NOT NULL);
INSERT INTO bench_transfers (id) SELECT id FROM transfers WHERE tenant_id = 'bench' ORDER BY id;
GRANT SELECT ON bench_accounts, bench_transfers TO coffer_app;
SET client_min_messages = error;  -- the owner may not vacuum the shared catalogs; it says so for each
VACUUM ANALYZE;
SQL
  psql_super -c CHECKPOINT
  pgbench_args=(--script bench/pgbench/transfer.sql --hot "$([[ $scenario == transfers-hot ]] && echo 1 || echo 0)")
  case $scenario in
    transfers|transfers-hot) section "pgbench: bench/pgbench/transfer.sql, the same SQL per transfer" ;;
    batch)
      section "pgbench: the server's statements for one batch of $batch_size transfers"
      dotnet "$bench_dll" pgbench-script --scenario batch --batch-size "$batch_size" --out "$run_dir/pgbench-batch.sql"
      pgbench_args=(--script "$run_dir/pgbench-batch.sql" --batch-size "$batch_size" --hot 0 --define "partitions=$connections")
      ;;
    mixed)
      section "pgbench: bench/pgbench/get-*.sql and transfer.sql weighted as $mix"
      scripts=() kinds=()
      IFS=, read -ra weights <<<"$mix"
      for pair in "${weights[@]}"; do
        kind=${pair%%=*} weight=${pair#*=}
        (( weight > 0 )) || continue
        case $kind in
          post-transfer) scripts+=("bench/pgbench/transfer.sql@$weight") ;;
          get-account|get-entries|get-transfer) scripts+=("bench/pgbench/$kind.sql@$weight") ;;
          *) die "--mix: unknown kind '$kind'" ;;
        esac
        kinds+=("$kind")
      done
      transfer_count=$(psql_owner -Atc 'SELECT count(*) FROM bench_transfers')
      pgbench_args=(--script "$(IFS=,; echo "${scripts[*]}")" --kinds "$(IFS=,; echo "${kinds[*]}")" --hot 0
        --define "transfers=$transfer_count")
      ;;
  esac
  pgbench_exit=0
  PGHOST=$pg_host PGPORT=$pg_port PGUSER=coffer_app PGPASSWORD=coffer_app PGDATABASE=$pg_db PGSSLMODE=disable \
    dotnet "$bench_dll" pgbench "${pgbench_args[@]}" \
      --connections "$connections" --threads "$threads" --duration "$duration" --warmup "$warmup" --accounts "$accounts" \
      --log-dir "$run_dir/pgbench-logs" --json "$run_dir/pgbench.json" --label "$label" --scenario "$scenario" \
      | tee "$run_dir/pgbench.txt" || pgbench_exit=$?
  rm -rf "$run_dir/pgbench-logs"
  (( pgbench_exit == 0 )) || warn "pgbench failed with exit code $pgbench_exit"
elif [[ $scenario == invest ]]; then
  info "pgbench: none for invest (a 202, a queued job and its own transactions: no single-statement twin; docs/performance.md)"
elif [[ $scenario == checkout ]]; then
  info "pgbench: none for checkout (reservations, a hold, an order and a queued capture per request: no single-script twin)"
elif [[ $provider == sqlite ]]; then
  info "pgbench: none for sqlite (pgbench drives PostgreSQL; the embedded profile has no raw-SQL twin here)"
fi

# --------------------------------------------------------------- summary
section "Summary ($run_dir)"
compare_args=(--coffer "$run_dir/coffer.json" --out "$run_dir/summary.txt")
[[ -f $run_dir/pgbench.json ]] && compare_args+=(--pgbench "$run_dir/pgbench.json")
if [[ -f $run_dir/coffer.json ]]; then
  dotnet "$bench_dll" compare "${compare_args[@]}" || true
  echo "machine load after the run: $(uptime | sed 's/.*load average/load average/')" | tee -a "$run_dir/summary.txt"
else
  warn "the load generator wrote no result (exit code $coffer_exit)"
fi
exit "$coffer_exit"
