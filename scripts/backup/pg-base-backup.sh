#!/usr/bin/env bash
# Takes a base backup of a running PostgreSQL server into a new timestamped
# folder, verifies it, checks that WAL archiving works (point-in-time restore
# needs both), optionally prunes old backups and the WAL only they needed, and
# prints the folder's path on stdout (log lines go to stderr).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

usage() {
  cat <<EOF
Usage: $script_name --archive-dir DIR --backup-dir DIR [options]

Takes a base backup (pg_basebackup: tar format, compressed, WAL streamed into
the backup, fast checkpoint, SHA-256 manifest) into DIR/<UTC timestamp>/,
verifies it with pg_verifybackup and prints that folder.

Connection (the role needs the REPLICATION attribute or superuser; the
password comes from PGPASSWORD or ~/.pgpass of the OS user that runs
pg_basebackup, i.e. postgres when this runs as root):
  --host HOST           server host or socket directory   (env PGHOST, default: socket)
  --port PORT           server port                        (env PGPORT, default 5432)
  --user USER           role                               (env PGUSER, default postgres)

Storage:
  --archive-dir DIR     the WAL archive that archive_command writes to
                        (env COFFER_WAL_ARCHIVE_DIR); checked to receive this
                        backup's history file, and pruned with --keep
  --backup-dir DIR      where backup folders are created    (env COFFER_BACKUP_DIR)

Options:
  --compress SPEC       pg_basebackup --compress value (env COFFER_BACKUP_COMPRESS,
                        default client-gzip:6; e.g. server-zstd, client-lz4, none)
  --keep N              after success keep only the N newest backups and delete
                        archived WAL older than the oldest kept one
                        (env COFFER_BACKUP_KEEP, default 0 = prune nothing)
  --archive-wait SEC    how long to wait for the archive to receive the backup's
                        history file (default 60)
  --no-verify           skip pg_verifybackup (not recommended)
  -h, --help            this text

Exit codes: 0 success; 1 failure (the folder, if printed, is a complete
backup but WAL archiving is broken, so point-in-time restore from it will not
work); 2 usage error.

Example:
  $script_name --host 127.0.0.1 --port 5432 --user backup \\
    --archive-dir /var/lib/coffer/wal-archive --backup-dir /var/backups/coffer --keep 7
EOF
}

host=${PGHOST:-}
port=${PGPORT:-5432}
user=${PGUSER:-postgres}
archive_dir=${COFFER_WAL_ARCHIVE_DIR:-}
backup_dir=${COFFER_BACKUP_DIR:-}
compress=${COFFER_BACKUP_COMPRESS:-client-gzip:6}
keep=${COFFER_BACKUP_KEEP:-0}
archive_wait_seconds=60
verify=true

while [[ $# -gt 0 ]]; do
  case $1 in
    -h|--help) usage; exit 0 ;;
    --host) host=${2:?--host needs a value}; shift 2 ;;
    --port) port=${2:?--port needs a value}; shift 2 ;;
    --user) user=${2:?--user needs a value}; shift 2 ;;
    --archive-dir) archive_dir=${2:?--archive-dir needs a value}; shift 2 ;;
    --backup-dir) backup_dir=${2:?--backup-dir needs a value}; shift 2 ;;
    --compress) compress=${2:?--compress needs a value}; shift 2 ;;
    --keep) keep=${2:?--keep needs a value}; shift 2 ;;
    --archive-wait) archive_wait_seconds=${2:?--archive-wait needs a value}; shift 2 ;;
    --no-verify) verify=false; shift ;;
    *) usage_error "unknown argument: $1" ;;
  esac
done

[[ -n $archive_dir ]] || usage_error "--archive-dir (or COFFER_WAL_ARCHIVE_DIR) is required"
[[ -n $backup_dir ]] || usage_error "--backup-dir (or COFFER_BACKUP_DIR) is required"
[[ $port =~ ^[0-9]+$ ]] || usage_error "--port must be a number: $port"
[[ $keep =~ ^[0-9]+$ ]] || usage_error "--keep must be a number: $keep"
[[ $archive_wait_seconds =~ ^[0-9]+$ ]] || usage_error "--archive-wait must be a number of seconds"
[[ -d $archive_dir ]] || die "archive directory $archive_dir does not exist"
archive_dir=$(realpath -- "$archive_dir")

bindir=$(pg_bindir)
log "using $("$bindir/pg_basebackup" --version) from $bindir"

if [[ ! -d $backup_dir ]]; then
  make_owned_dir "$backup_dir"
fi
backup_dir=$(realpath -- "$backup_dir")
as_postgres test -w "$backup_dir" || die "backup directory $backup_dir is not writable by $( [[ $EUID -eq 0 ]] && echo postgres || id -un)"

stamp=$(date -u +%Y%m%dT%H%M%SZ)
folder=$backup_dir/$stamp
partial=$folder.partial
[[ ! -e $folder && ! -e $partial ]] || die "$folder already exists (two backups in one second?)"

verify_dir=
cleanup() {
  local status=$?
  [[ -z $verify_dir ]] || rm -rf -- "$verify_dir"
  if (( status != 0 )) && [[ -e $partial ]]; then
    log "removing the incomplete backup $partial"
    rm -rf -- "$partial"
  fi
}
trap cleanup EXIT

connection=(--port "$port" --username "$user" --no-password)
[[ -z $host ]] || connection+=(--host "$host")

log "base backup of ${host:-local socket}:$port as $user into $partial (compress $compress)"
started=$(date +%s)
as_postgres "$bindir/pg_basebackup" "${connection[@]}" \
  --pgdata "$partial" --format tar --compress "$compress" \
  --wal-method stream --checkpoint fast \
  --manifest-checksums SHA256 --label "coffer-$stamp"
log "pg_basebackup finished in $(( $(date +%s) - started ))s"

base_tar=$(backup_tar "$partial" base)
wal_tar=$(backup_tar "$partial" pg_wal)
[[ -n $base_tar && -n $wal_tar && -f $partial/backup_manifest ]] ||
  die "pg_basebackup left no base.tar*, pg_wal.tar* or backup_manifest in $partial"
if compgen -G "$partial/[0-9]*.tar*" >/dev/null; then
  warn "the server has tablespaces; pg-restore.sh restores only the main data directory"
fi

# What pg-restore.sh and --keep need later, readable without unpacking.
label=$(tar_member "$base_tar" backup_label)
start_wal_file=$(sed -nE 's/^START WAL LOCATION: .*\(file ([0-9A-F]{24})\)$/\1/p' <<<"$label")
[[ -n $start_wal_file ]] || die "could not read START WAL LOCATION from backup_label"
pg_version=$(tar_member "$base_tar" PG_VERSION)
{
  printf 'label=coffer-%s\n' "$stamp"
  printf 'server_version=%s\n' "$pg_version"
  printf 'start_wal_file=%s\n' "$start_wal_file"
  sed -nE 's/^START TIME: (.*)$/start_time=\1/p' <<<"$label"
  printf 'end_time=%s\n' "$(date -u '+%Y-%m-%d %H:%M:%S+00')"
  printf 'compress=%s\n' "$compress"
} >"$partial/coffer-backup.info"
if [[ $EUID -eq 0 ]]; then chown postgres:postgres -- "$partial/coffer-backup.info"; fi

if $verify; then
  verify_major=$(pg_major_of "$bindir")
  if (( verify_major >= 18 )); then
    # pg_verifybackup reads tar-format backups itself from PostgreSQL 18 on.
    as_postgres "$bindir/pg_verifybackup" --quiet "$partial"
  else
    # Older versions verify plain directories only: unpack a scratch copy.
    verify_dir=$backup_dir/.verify-$stamp
    make_owned_dir "$verify_dir"
    decompress "$base_tar" | as_postgres tar -xf - -C "$verify_dir"
    decompress "$wal_tar" | as_postgres tar -xf - -C "$verify_dir/pg_wal"
    as_postgres "$bindir/pg_verifybackup" --quiet --manifest-path "$partial/backup_manifest" "$verify_dir"
    rm -rf -- "$verify_dir"
    verify_dir=
  fi
  log "pg_verifybackup: the backup matches its manifest and its WAL parses"
fi

mv -T -- "$partial" "$folder"
log "backup complete: $folder ($(du -sh -- "$folder" | cut -f1), starts at WAL $start_wal_file)"
printf '%s\n' "$folder"

# The server archives a history file for the backup when it ends; seeing it
# proves archive_command works, without which the backup restores only to its
# own end, not to a later point in time.
deadline=$(( $(date +%s) + archive_wait_seconds ))
until compgen -G "$archive_dir/$start_wal_file.*.backup" >/dev/null; do
  if (( $(date +%s) >= deadline )); then
    log "ERROR: the archive $archive_dir has not received $start_wal_file.*.backup after ${archive_wait_seconds}s:" \
      "WAL archiving is broken (see pg_stat_archiver and the server log); point-in-time restore is not possible"
    exit 1
  fi
  sleep 1
done
log "WAL archiving works: the archive holds this backup's history file"

if (( keep > 0 )); then
  mapfile -t backups < <(find "$backup_dir" -mindepth 1 -maxdepth 1 -type d -regextype posix-extended \
    -regex '.*/[0-9]{8}T[0-9]{6}Z' -printf '%f\n' | sort)
  if (( ${#backups[@]} > keep )); then
    for old in "${backups[@]:0:${#backups[@]}-keep}"; do
      log "retention: deleting backup $backup_dir/$old"
      rm -rf -- "${backup_dir:?}/$old"
    done
  fi
  oldest=$(find "$backup_dir" -mindepth 1 -maxdepth 1 -type d -regextype posix-extended \
    -regex '.*/[0-9]{8}T[0-9]{6}Z' -printf '%f\n' | sort | head -n 1)
  oldest_start=$(sed -n 's/^start_wal_file=//p' "$backup_dir/$oldest/coffer-backup.info" 2>/dev/null || true)
  if [[ -n $oldest_start ]]; then
    log "retention: deleting archived WAL older than $oldest_start (start of the oldest kept backup $oldest)"
    as_postgres "$bindir/pg_archivecleanup" "$archive_dir" "$oldest_start"
  else
    warn "retention: $backup_dir/$oldest has no coffer-backup.info; archived WAL left as it is"
  fi
fi
