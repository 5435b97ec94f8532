#!/usr/bin/env bash
# Runs Coffer's whole test suite on this machine, from nothing: installs and
# starts PostgreSQL 15, Redis and RabbitMQ on 127.0.0.1 when needed, creates
# the database roles, builds the solution once and runs every test project.
#
#   ./test.sh                                         # everything
#   ./test.sh --filter "FullyQualifiedName~Ledger"    # extra args go to every `dotnet test`
#   TEST_PROJECTS="Coffer.Ledger.Tests" ./test.sh     # only these projects (names or paths)
#   TEST_PROJECT_TIMEOUT=45m ./test.sh                # per-project limit (default 30m)
#
# The last line printed is always "N passed, N failed" (", N skipped" is
# appended when tests were skipped). The exit code is non-zero when a test
# failed, the build failed, a project crashed, setup failed or no test ran.
# .trx files land in .tmp/test-results/.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")"
repo_root=$PWD
source scripts/lib.sh

results_dir=$repo_root/.tmp/test-results
test_project_timeout=${TEST_PROJECT_TIMEOUT:-30m}
rabbitmq_boot_limit_seconds=60

# Whatever stops the run early (setup error, build error, Ctrl-C), the last
# line must still be the summary CI reads.
summary_printed=false
on_exit() {
  local exit_code=$?
  if ! $summary_printed; then
    printf '\ntest.sh stopped early (exit %s) after %s\n' "$exit_code" "$(elapsed)"
    echo "0 passed, 1 failed"
    (( exit_code != 0 )) || exit 1
  fi
}
trap on_exit EXIT

# `timeout` puts the test run in a process group of its own and, when the time
# is up, signals the whole group: dotnet test, vstest.console and the test
# host. It runs in the background so that Ctrl-C or a TERM from CI reaches
# this script at once (not after the project ends) and can stop it too.
running_timeout_pid=
run_with_timeout() {
  local exit_code=0
  timeout --kill-after=30s "$test_project_timeout" "$@" &
  running_timeout_pid=$!
  wait "$running_timeout_pid" || exit_code=$?
  running_timeout_pid=
  return "$exit_code"
}
stop_and_exit() {
  # timeout passes the TERM on to everything it runs.
  [[ -z $running_timeout_pid ]] || kill -TERM "$running_timeout_pid" 2>/dev/null || true
  exit "$1"
}
trap 'stop_and_exit 130' INT
trap 'stop_and_exit 143' TERM

section "Coffer test run in $repo_root (CI=${CI:-false})"
command -v dotnet >/dev/null || die "dotnet is not on PATH"
info "dotnet $(dotnet --version), $(nproc) cores"

# ------------------------------------------------------------ 1. packages
section "Installing missing packages"
scripts/install-deps.sh

# ------------------------------------------------------------ 2. services
section "Starting services"
source scripts/services.sh
# RabbitMQ boots slowly and nothing needs it until the tests run, so it boots
# while PostgreSQL is prepared and the solution builds.
launch_rabbitmq
rabbitmq_launched_at=$(date +%s)
start_postgres
start_redis

# ------------------------------------------------------------ 3. database
section "Preparing PostgreSQL (max_connections, roles, leftover test databases)"
scripts/pg-setup.sh all

# ------------------------------------------------------------ 4. environment
section "Test environment"
export COFFER_TEST_PG_OWNER="Host=127.0.0.1;Port=5432;Username=coffer_owner;Password=coffer_owner;Database=postgres"
export COFFER_TEST_PG_APP="Host=127.0.0.1;Port=5432;Username=coffer_app;Password=coffer_app"
export COFFER_TEST_REDIS="127.0.0.1:6379"
export COFFER_TEST_RABBITMQ="amqp://guest:guest@127.0.0.1:5672/"
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
for name in COFFER_TEST_PG_OWNER COFFER_TEST_PG_APP COFFER_TEST_REDIS COFFER_TEST_RABBITMQ; do
  info "$name=${!name}"
done

# ------------------------------------------------------------ 5. build
section "Building Coffer.slnx (Release, warnings as errors)"
if ! dotnet build Coffer.slnx -c Release -warnaserror; then
  section "Build failed after $(elapsed)"
  summary_printed=true
  echo "0 passed, 1 failed"
  exit 1
fi

# ------------------------------------------------------------ 6. tests
section "Finding test projects"
projects=()
if [[ -n ${TEST_PROJECTS:-} ]]; then
  for wanted in $TEST_PROJECTS; do
    if [[ $wanted == *.csproj ]]; then
      projects+=("$wanted")
    elif [[ -d $wanted ]]; then
      projects+=("$wanted/$(basename "$wanted").csproj")
    else
      projects+=("tests/$wanted/$wanted.csproj")
    fi
  done
else
  shopt -s nullglob
  projects=(tests/*/*.Tests.csproj)
  shopt -u nullglob
fi
(( ${#projects[@]} > 0 )) || warn "no test projects under tests/"
for project in "${projects[@]}"; do info "$project"; done

section "Waiting for RabbitMQ"
remaining_seconds=$(( rabbitmq_launched_at + rabbitmq_boot_limit_seconds - $(date +%s) ))
# Nothing uses RabbitMQ yet, so a broker that does not come up is only a warning.
wait_rabbitmq $(( remaining_seconds > 1 ? remaining_seconds : 1 )) || true

rm -rf "$results_dir"
mkdir -p "$results_dir"
outcomes=()   # "<project name>=<exit code>", read by trx-summary.py
for project in "${projects[@]}"; do
  name=$(basename "$project" .csproj)
  section "Testing $name"
  exit_code=0
  if [[ ! -f $project ]]; then
    warn "$project does not exist"
    exit_code=127
  else
    if ! grep -qF "\"${project#./}\"" Coffer.slnx; then
      # --no-build needs the project built; the solution build skipped it.
      warn "$project is not in Coffer.slnx; building it on its own (add it to the solution)"
      dotnet build "$project" -c Release -warnaserror || exit_code=$?
    fi
    if (( exit_code == 0 )); then
      project_started_at=$(date +%s)
      # Projects run one after another: the machine has 2 cores and each suite
      # already runs its tests in parallel. A failing project does not stop
      # the run, so every result is counted.
      run_with_timeout dotnet test "$project" -c Release --no-build \
        --logger "trx;LogFileName=$name.trx" --results-directory "$results_dir" \
        "$@" || exit_code=$?
      (( exit_code != 124 && exit_code != 137 )) || warn "$name was stopped after $test_project_timeout"
      info "$name finished in $(( $(date +%s) - project_started_at ))s with exit code $exit_code"
    fi
  fi
  outcomes+=("$name=$exit_code")
done

# ------------------------------------------------------------ 7. summary
section "Summary (total time $(elapsed))"
summary_exit_code=0
python3 scripts/trx-summary.py "$results_dir" "${outcomes[@]}" || summary_exit_code=$?
# 0 and 1 mean the summary line was printed; anything else is a crash of the
# script itself, which the exit trap reports.
if (( summary_exit_code <= 1 )); then summary_printed=true; fi
exit "$summary_exit_code"
