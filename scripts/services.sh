#!/usr/bin/env bash
# Starts and stops the servers the tests talk to, all on 127.0.0.1 and
# without systemd. Every start is idempotent: a server that already answers
# is left alone.
#
#   scripts/services.sh start-all | stop-all | status
#   scripts/services.sh start-postgres | stop-postgres [pg_ctlcluster args] | restart-postgres
#   scripts/services.sh start-redis | stop-redis
#   scripts/services.sh start-rabbitmq | launch-rabbitmq | wait-rabbitmq [seconds] | stop-rabbitmq
#
# Chaos tests may call the stop/start commands to take a dependency away and
# bring it back, e.g. `scripts/services.sh stop-postgres -m immediate`.
# The file can also be sourced; the commands are then functions with '_'
# instead of '-'.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PG_VERSION=${COFFER_PG_VERSION:-15}
PG_CLUSTER=main
PG_PORT=5432
REDIS_PORT=6379
RABBITMQ_PORT=5672
# Logs and data of the servers this script starts itself (PostgreSQL keeps
# Debian's own locations). Machine-wide, like the servers.
SERVICES_DIR=${COFFER_SERVICES_DIR:-/tmp/coffer-services}

# ---------------------------------------------------------------- PostgreSQL

postgres_ready() { pg_isready -q -h 127.0.0.1 -p "$PG_PORT"; }

postgres_running() { as_root pg_ctlcluster "$PG_VERSION" "$PG_CLUSTER" status >/dev/null 2>&1; }

wait_postgres() {
  wait_until "${1:-60}" postgres_ready ||
    die "PostgreSQL is not ready on 127.0.0.1:$PG_PORT (log: /var/log/postgresql/postgresql-$PG_VERSION-$PG_CLUSTER.log)"
}

start_postgres() {
  if [[ ! -f /etc/postgresql/$PG_VERSION/$PG_CLUSTER/postgresql.conf ]]; then
    info "creating cluster $PG_VERSION/$PG_CLUSTER on port $PG_PORT"
    as_root pg_createcluster --port "$PG_PORT" "$PG_VERSION" "$PG_CLUSTER"
  fi
  local port
  port=$(as_root pg_conftool -s "$PG_VERSION" "$PG_CLUSTER" show port 2>/dev/null || echo "$PG_PORT")
  [[ $port == "$PG_PORT" ]] ||
    die "cluster $PG_VERSION/$PG_CLUSTER is configured for port $port, the tests expect $PG_PORT"

  if postgres_running; then
    info "PostgreSQL $PG_VERSION/$PG_CLUSTER already running"
  else
    info "starting PostgreSQL $PG_VERSION/$PG_CLUSTER"
    as_root pg_ctlcluster "$PG_VERSION" "$PG_CLUSTER" start </dev/null
  fi
  wait_postgres 60
  info "PostgreSQL ready on 127.0.0.1:$PG_PORT"
}

stop_postgres() {
  if postgres_running; then
    as_root pg_ctlcluster "$PG_VERSION" "$PG_CLUSTER" stop "$@"
  fi
  info "PostgreSQL stopped"
}

restart_postgres() {
  info "restarting PostgreSQL $PG_VERSION/$PG_CLUSTER"
  as_root pg_ctlcluster "$PG_VERSION" "$PG_CLUSTER" restart </dev/null
  wait_postgres 60
  info "PostgreSQL ready on 127.0.0.1:$PG_PORT"
}

# --------------------------------------------------------------------- Redis

redis_ready() { [[ $(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null) == PONG ]]; }

start_redis() {
  if redis_ready; then
    info "Redis already running on 127.0.0.1:$REDIS_PORT"
    return
  fi
  mkdir -p "$SERVICES_DIR/redis"
  # No persistence: tests treat Redis as disposable, and snapshots would fork
  # the server in the middle of load tests.
  redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT" \
    --dir "$SERVICES_DIR/redis" \
    --logfile "$SERVICES_DIR/redis/redis.log" \
    --pidfile "$SERVICES_DIR/redis/redis.pid" \
    --save '' --appendonly no </dev/null
  wait_until 30 redis_ready ||
    die "Redis did not answer PING on 127.0.0.1:$REDIS_PORT (log: $SERVICES_DIR/redis/redis.log)"
  info "Redis ready on 127.0.0.1:$REDIS_PORT"
}

stop_redis() {
  if redis_ready; then
    redis-cli -h 127.0.0.1 -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
    wait_until 15 bash -c "! redis-cli -h 127.0.0.1 -p $REDIS_PORT ping" ||
      die "Redis still answers on 127.0.0.1:$REDIS_PORT"
  fi
  info "Redis stopped"
}

# ------------------------------------------------------------------ RabbitMQ

# A fixed node name avoids depending on the machine's hostname resolving, and
# keeps every listener (AMQP, epmd, Erlang distribution) on loopback.
export RABBITMQ_NODENAME=rabbit@localhost
export RABBITMQ_NODE_IP_ADDRESS=127.0.0.1
export RABBITMQ_NODE_PORT=$RABBITMQ_PORT
export ERL_EPMD_ADDRESS=127.0.0.1
export RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"

rabbitmq_ready() { tcp_port_open "$RABBITMQ_PORT"; }

# Like as_root, but sudo must pass the settings above through.
as_root_rabbitmq() {
  if [[ $EUID -eq 0 ]]; then
    "$@"
  else
    sudo --preserve-env=RABBITMQ_NODENAME,RABBITMQ_NODE_IP_ADDRESS,RABBITMQ_NODE_PORT,ERL_EPMD_ADDRESS,RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS "$@"
  fi
}

# Starts RabbitMQ in the background and returns at once; it takes a while to
# boot, so callers can do other work before wait_rabbitmq.
launch_rabbitmq() {
  if rabbitmq_ready; then
    info "RabbitMQ already running on 127.0.0.1:$RABBITMQ_PORT"
    return
  fi
  mkdir -p "$SERVICES_DIR"
  info "launching RabbitMQ (log: $SERVICES_DIR/rabbitmq-launch.log)"
  # -detached forks the node; its stdio must not be our stdout, or whoever
  # reads our output (CI) would wait for the node to exit.
  as_root_rabbitmq rabbitmq-server -detached \
    </dev/null >>"$SERVICES_DIR/rabbitmq-launch.log" 2>&1 ||
    warn "rabbitmq-server -detached failed (see $SERVICES_DIR/rabbitmq-launch.log)"
}

wait_rabbitmq() {
  local timeout_seconds=${1:-60}
  if wait_until "$timeout_seconds" rabbitmq_ready; then
    info "RabbitMQ ready on 127.0.0.1:$RABBITMQ_PORT"
  else
    warn "RabbitMQ did not open 127.0.0.1:$RABBITMQ_PORT within ${timeout_seconds}s (logs: /var/log/rabbitmq/)"
    return 1
  fi
}

start_rabbitmq() { launch_rabbitmq; wait_rabbitmq "${1:-60}"; }

stop_rabbitmq() {
  if rabbitmq_ready; then
    as_root_rabbitmq rabbitmqctl shutdown >/dev/null   # waits for the VM to exit
    wait_until 30 bash -c "! (exec 3<>/dev/tcp/127.0.0.1/$RABBITMQ_PORT)" ||
      die "RabbitMQ still listens on 127.0.0.1:$RABBITMQ_PORT"
  fi
  info "RabbitMQ stopped"
}

# ------------------------------------------------------------------- all

start_all() { launch_rabbitmq; start_postgres; start_redis; wait_rabbitmq 60 || true; }
stop_all()  { stop_rabbitmq; stop_redis; stop_postgres; }

status() {
  local state
  postgres_ready && state=up || state=down; info "postgres 127.0.0.1:$PG_PORT $state"
  redis_ready    && state=up || state=down; info "redis    127.0.0.1:$REDIS_PORT $state"
  rabbitmq_ready && state=up || state=down; info "rabbitmq 127.0.0.1:$RABBITMQ_PORT $state"
}

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
  command=${1:-}
  [[ -n $command ]] || die "usage: $0 <command> (see the top of this file)"
  shift
  function=${command//-/_}
  case $function in
    start_all|stop_all|status|start_postgres|stop_postgres|restart_postgres|\
    start_redis|stop_redis|launch_rabbitmq|wait_rabbitmq|start_rabbitmq|stop_rabbitmq)
      "$function" "$@" ;;
    *) die "unknown command: $command" ;;
  esac
fi
