#!/usr/bin/env bash
# Prepares the running PostgreSQL server for the tests: enough connections,
# the coffer roles and database, no leftover test databases, and password
# logins over TCP that really work.
#
#   scripts/pg-setup.sh all              # what test.sh runs
#   scripts/pg-setup.sh configure | roles | drop-test-dbs | verify-login
set -euo pipefail
here=$(dirname "${BASH_SOURCE[0]}")
source "$here/lib.sh"
source "$here/services.sh"   # restart_postgres, PG_PORT

# Load and concurrency tests open many connections at once; Debian's default
# is 100.
MAX_CONNECTIONS=${COFFER_PG_MAX_CONNECTIONS:-300}

# psql as the superuser over the local socket (peer authentication).
psql_super() { as_postgres psql -X -q -v ON_ERROR_STOP=1 -p "$PG_PORT" -d postgres "$@"; }

configure() {
  local current
  current=$(psql_super -Atc 'SHOW max_connections')
  if (( current >= MAX_CONNECTIONS )); then
    info "max_connections = $current"
    return
  fi
  info "raising max_connections from $current to $MAX_CONNECTIONS (needs a restart)"
  psql_super -c "ALTER SYSTEM SET max_connections = $MAX_CONNECTIONS"
  restart_postgres
  current=$(psql_super -Atc 'SHOW max_connections')
  (( current >= MAX_CONNECTIONS )) || die "max_connections is still $current after the restart"
}

roles() {
  psql_super <"$here/pg-roles.sql"
  info "roles coffer_owner, coffer_app and database coffer are in place"
}

drop_test_dbs() {
  local leftovers
  leftovers=$(psql_super -Atc "SELECT count(*) FROM pg_database
    WHERE datname LIKE 'coffer\_t\_%' OR datname LIKE 'coffer\_tpl\_%'")
  psql_super <"$here/pg-drop-test-dbs.sql"
  info "dropped $leftovers leftover test database(s)"
}

# Logs in over TCP with a password, as the tests do. Role name = password.
tcp_login() {
  local role=$1 password=$2
  [[ $(PGPASSWORD=$password PGCONNECT_TIMEOUT=5 psql -X -At -h 127.0.0.1 -p "$PG_PORT" \
        -U "$role" -d postgres -c 'select 1' 2>/dev/null) == 1 ]]
}

# Puts a password rule for the coffer roles first in pg_hba.conf. Only needed
# where someone changed Debian's default, which already allows
# 'host all all 127.0.0.1/32 scram-sha-256'. md5 also accepts SCRAM-stored
# passwords, so it works whatever password_encryption was when they were set.
allow_password_logins() {
  local hba_file rule='host all coffer_owner,coffer_app 127.0.0.1/32 md5'
  hba_file=$(psql_super -Atc 'SHOW hba_file')
  warn "password login over TCP failed; adding '$rule' to the top of $hba_file"
  as_root awk -v rule="$rule" '
    !done && $0 !~ /^[[:space:]]*(#|$)/ { print "# added by Coffer scripts/pg-setup.sh"; print rule; done = 1 }
    { print }
    END { if (!done) { print "# added by Coffer scripts/pg-setup.sh"; print rule } }
  ' "$hba_file" | as_root tee "$hba_file.coffer-new" >/dev/null
  as_root chown --reference="$hba_file" "$hba_file.coffer-new"
  as_root chmod --reference="$hba_file" "$hba_file.coffer-new"
  as_root mv "$hba_file.coffer-new" "$hba_file"
  psql_super -Atc 'SELECT pg_reload_conf()' >/dev/null
}

verify_login() {
  local role
  for role in coffer_owner coffer_app; do
    if ! tcp_login "$role" "$role"; then
      allow_password_logins
      tcp_login "$role" "$role" ||
        die "$role cannot log in to 127.0.0.1:$PG_PORT with its password (see the PostgreSQL log)"
    fi
  done
  info "coffer_owner and coffer_app log in over TCP with their passwords"
  # A server that also lets a wrong password in (trust) would hide auth bugs.
  if tcp_login coffer_app not-the-password; then
    warn "PostgreSQL accepts coffer_app with a wrong password (trust authentication in pg_hba.conf?)"
  fi
}

all() { configure; roles; drop_test_dbs; verify_login; }

command=${1:-all}
case ${command//-/_} in
  all|configure|roles|drop_test_dbs|verify_login) "${command//-/_}" ;;
  *) die "unknown command: $command" ;;
esac
