#!/usr/bin/env bash
# Restores a base backup made by pg-base-backup.sh into a NEW data directory
# and sets it up to replay the WAL archive up to a point in time, then
# (with --start) starts it and waits until recovery has finished and the
# server has been promoted. It never touches an existing data directory.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

usage() {
  cat <<EOF
Usage: $script_name --backup FOLDER --archive-dir DIR --target-dir DIR [options]

  --backup FOLDER        a folder written by pg-base-backup.sh (base.tar*, pg_wal.tar*, backup_manifest)
  --archive-dir DIR      the WAL archive (read by restore_command)
  --target-dir DIR       the new data directory; must not exist or be empty
  --target-time TIME     stop replaying at this time, e.g. '2026-11-23 14:05:00+00'
                         (UTC offset required; fractions of a second allowed).
                         Without it, every archived WAL segment is replayed.
  --port N               port of the restored server (written to postgresql.auto.conf)
  --start                start the server (listening on 127.0.0.1 only) and wait
                         until recovery finished (pg_is_in_recovery() = false)
  --socket-dir DIR       unix socket directory while started by this script
                         (default /var/run/postgresql if it exists, else /tmp)
  --superuser ROLE       role to check recovery with over the socket (default postgres)
  --wait SECONDS         how long --start waits for recovery (default 3600)
  --keep-archiving       leave archive_mode as in the backup. By default the
                         restored server does NOT archive, so a drill or an
                         investigation copy never writes into the production
                         archive; re-enable it when this server becomes the primary.
  -h, --help             this text

The backup's PostgreSQL major version must be installed (/usr/lib/postgresql/N/bin,
or set PG_BINDIR). When the backup has no postgresql.conf / pg_hba.conf (Debian
keeps them in /etc/postgresql), minimal ones are written: reapply the
production settings before this server takes traffic.

Example:
  $script_name --backup /var/backups/coffer/20261123T020000Z \\
    --archive-dir /var/lib/coffer/wal-archive --target-dir /var/lib/postgresql/15/restore \\
    --target-time '2026-11-23 14:05:00+00' --port 5433 --start
EOF
}

backup=
archive_dir=
target_dir=
target_time=
port=
start=false
socket_dir=
superuser=postgres
wait_seconds=3600
keep_archiving=false

while [[ $# -gt 0 ]]; do
  case $1 in
    -h|--help) usage; exit 0 ;;
    --backup) backup=${2:?--backup needs a value}; shift 2 ;;
    --archive-dir) archive_dir=${2:?--archive-dir needs a value}; shift 2 ;;
    --target-dir) target_dir=${2:?--target-dir needs a value}; shift 2 ;;
    --target-time) target_time=${2:?--target-time needs a value}; shift 2 ;;
    --port) port=${2:?--port needs a value}; shift 2 ;;
    --start) start=true; shift ;;
    --socket-dir) socket_dir=${2:?--socket-dir needs a value}; shift 2 ;;
    --superuser) superuser=${2:?--superuser needs a value}; shift 2 ;;
    --wait) wait_seconds=${2:?--wait needs a value}; shift 2 ;;
    --keep-archiving) keep_archiving=true; shift ;;
    *) usage_error "unknown argument: $1" ;;
  esac
done

[[ -n $backup ]] || usage_error "--backup is required"
[[ -n $archive_dir ]] || usage_error "--archive-dir is required"
[[ -n $target_dir ]] || usage_error "--target-dir is required"
[[ -z $port || $port =~ ^[0-9]+$ ]] || usage_error "--port must be a number: $port"
[[ $wait_seconds =~ ^[0-9]+$ ]] || usage_error "--wait must be a number of seconds"
! $start || [[ -n $port ]] || usage_error "--start needs --port"
# A time without an offset would be read in the restored server's TimeZone: refuse the ambiguity.
if [[ -n $target_time && ! $target_time =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}[\ T][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?(Z|[+-][0-9]{2}(:?[0-9]{2})?)$ ]]; then
  usage_error "--target-time must look like 'YYYY-MM-DD HH:MM:SS+00' (with a UTC offset): $target_time"
fi

[[ -d $backup ]] || die "backup folder $backup does not exist"
[[ -d $archive_dir ]] || die "archive directory $archive_dir does not exist"
backup=$(realpath -- "$backup")
archive_dir=$(realpath -- "$archive_dir")
target_dir=$(realpath -m -- "$target_dir")
require_plain_path --archive-dir "$archive_dir"
require_plain_path --target-dir "$target_dir"

base_tar=$(backup_tar "$backup" base)
wal_tar=$(backup_tar "$backup" pg_wal)
[[ -n $base_tar ]] || die "$backup has no base.tar* (not a pg-base-backup.sh folder?)"
[[ -n $wal_tar ]] || die "$backup has no pg_wal.tar* (was it taken with --wal-method=stream?)"
if compgen -G "$backup/[0-9]*.tar*" >/dev/null; then
  die "$backup contains tablespaces ($(cd "$backup" && echo [0-9]*.tar*)); restore them by hand (see docs/runbooks/backup-and-restore.md)"
fi

if [[ -e $target_dir ]]; then
  [[ -d $target_dir ]] || die "$target_dir exists and is not a directory"
  [[ -z $(ls -A -- "$target_dir") ]] || die "$target_dir is not empty; restore into a new directory"
fi

pg_version=$(tar_member "$base_tar" PG_VERSION)
bindir=$(pg_bindir "$pg_version")
log "restoring $backup (PostgreSQL $pg_version) into $target_dir with $bindir"

mkdir -p -- "$(dirname -- "$target_dir")"
make_owned_dir "$target_dir"
started=$(date +%s)
decompress "$base_tar" | as_postgres tar -xf - -C "$target_dir"
decompress "$wal_tar" | as_postgres tar -xf - -C "$target_dir/pg_wal"
log "unpacked the base backup and its WAL in $(( $(date +%s) - started ))s"

# Files written below belong to the server's OS user.
write_as_postgres() { as_postgres tee -a -- "$1" >/dev/null; }

if [[ ! -f $target_dir/postgresql.conf ]]; then
  warn "the backup has no postgresql.conf (Debian keeps it in /etc/postgresql); writing a minimal one"
  write_as_postgres "$target_dir/postgresql.conf" <<EOF
# Written by $script_name: the backup had no postgresql.conf. Reapply the
# production settings (see docs/runbooks/backup-and-restore.md) before this
# server takes traffic.
listen_addresses = '127.0.0.1'
EOF
fi
if [[ ! -f $target_dir/pg_hba.conf ]]; then
  warn "the backup has no pg_hba.conf; writing one that allows peer login as postgres and passwords on 127.0.0.1"
  write_as_postgres "$target_dir/pg_hba.conf" <<EOF
# Written by $script_name: the backup had no pg_hba.conf.
local   all   postgres                   peer
local   all   all                        scram-sha-256
host    all   all        127.0.0.1/32    scram-sha-256
EOF
fi
[[ -f $target_dir/pg_ident.conf ]] || as_postgres touch -- "$target_dir/pg_ident.conf"

# postgresql.auto.conf wins over postgresql.conf; later lines win over earlier ones.
{
  printf '\n# Point-in-time restore by %s at %s from %s\n' "$script_name" "$(date -u '+%Y-%m-%d %H:%M:%S+00')" "$backup"
  printf "restore_command = 'cp \"%s/%%f\" \"%%p\"'\n" "$archive_dir"
  if [[ -n $target_time ]]; then
    printf "recovery_target_time = '%s'\n" "$target_time"
    printf "recovery_target_action = 'promote'\n"
  fi
  printf "recovery_target_timeline = 'latest'\n"
  if ! $keep_archiving; then
    printf "archive_mode = 'off'\n"
  fi
  if [[ -n $port ]]; then
    printf "port = %s\n" "$port"
  fi
} | write_as_postgres "$target_dir/postgresql.auto.conf"
as_postgres rm -f -- "$target_dir/standby.signal"
as_postgres touch -- "$target_dir/recovery.signal"
log "wrote restore_command${target_time:+, recovery_target_time '$target_time'} to postgresql.auto.conf and created recovery.signal"

start_log=$target_dir/restore-start.log
port_hint=${port:-<port>}
if ! $start; then
  log "not started (no --start). Start it with:"
  log "  $( [[ $EUID -eq 0 ]] && echo 'runuser -u postgres -- ')$bindir/pg_ctl -D $target_dir -l $start_log -o \"-p $port_hint -c listen_addresses=127.0.0.1\" start"
  printf '%s\n' "$target_dir"
  exit 0
fi

if [[ -z $socket_dir ]]; then
  if [[ -d /var/run/postgresql ]]; then socket_dir=/var/run/postgresql; else socket_dir=/tmp; fi
fi
require_plain_path --socket-dir "$socket_dir"

log "starting the restored server on 127.0.0.1:$port (log $start_log)"
# -w returns once the server accepts connections; hot standby accepts them
# while it still replays, so the loop below waits for the promotion.
as_postgres "$bindir/pg_ctl" -D "$target_dir" -l "$start_log" -w -t 120 \
  -o "-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories=$socket_dir" start >&2 ||
  { tail -n 30 -- "$start_log" >&2 || true; die "the restored server did not start (log above)"; }

in_recovery() {
  as_postgres "$bindir/psql" -X -At -h "$socket_dir" -p "$port" -U "$superuser" -d postgres \
    -c 'SELECT pg_is_in_recovery()' 2>/dev/null
}
deadline=$(( $(date +%s) + wait_seconds ))
while true; do
  state=$(in_recovery || true)
  [[ $state == f ]] && break
  if ! as_postgres "$bindir/pg_ctl" -D "$target_dir" status >/dev/null 2>&1; then
    tail -n 30 -- "$start_log" >&2 || true
    die "the restored server stopped during recovery (log above)"
  fi
  if (( $(date +%s) >= deadline )); then
    die "recovery has not finished after ${wait_seconds}s (log $start_log); the server is left running"
  fi
  sleep 1
done

grep -E 'recovery stopping|last completed transaction|selected new timeline|archive recovery complete' -- "$start_log" |
  sed 's/^/  server: /' >&2 || true
log "restore and recovery took $(( $(date +%s) - started ))s; the restored server is promoted and listens on 127.0.0.1:$port"
printf '%s\n' "$target_dir"
