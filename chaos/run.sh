#!/usr/bin/env bash
# One chaos run from nothing to its table (docs/reliability.md):
#
#   chaos/run.sh [--seed N] [--duration 75] [--clients 6] [--long-faults] [--no-faults] [--think-ms 60]
#                [--port-base 10] [--keep] [--inject-bug forget-idempotency-keys|tamper-balance|delete-transfer|unsettle-investment|cancel-without-refund] [--skip-build]
#
# Builds the harness (and with it the server) in Release into chaos/results/build, its own obj/ and bin/, so a concurrent
# ./test.sh build never swaps the binaries of a running chaos run. Then the harness starts its own PostgreSQL 15 (port 5442),
# Redis (6390) and RabbitMQ node (5682, distribution 25682) in a directory under /tmp — never the shared services other
# suites use — migrates, starts two Coffer servers and the fake payout provider, runs the seeded money workload for
# --duration seconds (and on until every kind of fault was injected once) while it injects faults, resolves every unknown
# outcome, settles the jobs and checks the money. Everything it started is stopped at the end, also on failure or Ctrl-C.
#
# The full run documented in docs/reliability.md:   chaos/run.sh --duration 600 --long-faults
# The smoke CI runs is the test tests/Coffer.Chaos.Tests (about 2 minutes).
#
# Output: the seed first, progress on stderr, the table last; chaos/results/<time>-seed-<N>/ keeps summary.txt, the
# servers' output (node-0.log, node-1.log) and progress.log. Exit 0 when every check passed, 1 when one failed (the table
# names the seed and the command that reproduces the run), 2 on a usage mistake. Needs root (PostgreSQL runs as the
# postgres user, RabbitMQ as rabbitmq) and the packages ./test.sh installs.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
repo=$PWD
source scripts/lib.sh

build=true
args=()
seed=
while (( $# > 0 )); do
  case $1 in
    --skip-build) build=false ;;
    --seed) seed=$2; args+=("$1" "$2"); shift ;;
    -h|--help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) args+=("$1") ;;
  esac
  shift
done
# The seed is chosen here when not given, so the results directory can carry it.
if [[ -z $seed ]]; then
  seed=$(( (RANDOM << 15 | RANDOM) % 1000000 + 1 ))
  args+=(--seed "$seed")
fi

artifacts=$repo/chaos/results/build
harness_dll=$artifacts/bin/Coffer.Chaos/release/Coffer.Chaos.dll
run_dir=$repo/chaos/results/$(date -u +%Y%m%dT%H%M%SZ)-seed-$seed
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
[[ $EUID -eq 0 ]] || die "the chaos harness runs as root (it starts PostgreSQL as postgres and RabbitMQ as rabbitmq)"

if $build; then
  section "Building the chaos harness and the server (Release) into $artifacts"
  dotnet build chaos/Coffer.Chaos/Coffer.Chaos.csproj -c Release --artifacts-path "$artifacts" -nologo -v quiet -warnaserror
  echo "$(git rev-parse --short HEAD 2>/dev/null)$(git diff --quiet HEAD -- src chaos 2>/dev/null || echo ' + uncommitted changes') built $(date -u +%FT%TZ)" >"$artifacts/built-from.txt"
fi
[[ -f $harness_dll ]] || die "no build in $artifacts (run without --skip-build)"

mkdir -p "$run_dir"
ln -sfn "$run_dir" "$repo/chaos/results/latest"
{
  echo "date:    $(date -u +%FT%TZ)"
  echo "build:   $(cat "$artifacts/built-from.txt" 2>/dev/null || echo unknown)"
  echo "cpu:     $(nproc) x $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
  echo "memory:  $(free -m | awk '/^Mem:/ {print $2 " MiB total, " $7 " MiB available"}')"
  echo "load:    $(uptime | sed 's/.*load average/load average/')"
  echo "command: chaos/run.sh ${args[*]}"
} | tee "$run_dir/machine.txt"

section "Chaos run (seed $seed) -> $run_dir"
# The harness stops everything it started when it ends; Ctrl-C and TERM reach it (it runs in the foreground).
exit_code=0
dotnet "$harness_dll" "${args[@]}" --logs "$run_dir" 2> >(tee "$run_dir/progress.log" >&2) || exit_code=$?
exit "$exit_code"
