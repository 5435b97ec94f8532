#!/usr/bin/env bash
# PostgreSQL archive_command helper: copies one finished WAL segment (or a
# .history / .backup file) into the WAL archive, atomically and durably.
#
#   archive_command = '/opt/coffer/scripts/backup/pg-archive-wal.sh %p %f /var/lib/coffer/wal-archive'
#
# The server runs it as its own OS user, with the data directory as the
# working directory (%p is relative to it), once per file, and retries the
# same file until it exits 0. Therefore:
#   * exit 0 only when the file is safely in the archive: copied to a
#     temporary name, fsync'ed, then linked to its final name (a rename that
#     never replaces), and the directory fsync'ed;
#   * a file that is already archived with the same content is a success
#     (a retry after a crash between the copy and the server's bookkeeping);
#   * a file that is already archived with DIFFERENT content is an error: two
#     servers archive into one directory, or a restored server reuses a
#     timeline. Overwriting would destroy the only copy of real history, so
#     the server keeps the segment and retries (see pg_stat_archiver) until an
#     operator looks.
#   * the archive directory is never created here: a missing mount must fail
#     loudly instead of filling the root file system.
set -euo pipefail

script_name=$(basename "$0")

usage() {
  cat <<EOF
Usage: $script_name <path> <file> <archive-dir>

  <path>         the segment to archive (%p in archive_command)
  <file>         its file name (%f in archive_command)
  <archive-dir>  the WAL archive directory (must exist and be writable)

Exit codes: 0 archived (or already archived identically), 1 failure or a
different file of that name is already archived, 2 usage error.

Example (postgresql.conf):
  archive_command = '$0 %p %f /var/lib/coffer/wal-archive'
EOF
}

# One line per file in the server log (the server captures stderr).
log() { printf '%s: %s\n' "$script_name" "$*" >&2; }
fail() { log "ERROR: $*"; exit 1; }

if [[ ${1:-} == -h || ${1:-} == --help ]]; then
  usage
  exit 0
fi
if [[ $# -ne 3 ]]; then
  usage >&2
  exit 2
fi

source_path=$1
file_name=$2
archive_dir=$3

# WAL segments, partial segments, timeline history and backup history files
# only; above all no path separators, so nothing is written outside the archive.
if [[ ! $file_name =~ ^([0-9A-F]{24}(\.partial|\.[0-9A-F]{8}\.backup)?|[0-9A-F]{8}\.history)$ ]]; then
  log "ERROR: '$file_name' is not a WAL, history or backup file name"
  exit 2
fi
[[ -f $source_path ]] || fail "$source_path does not exist (working directory $PWD)"
[[ -d $archive_dir ]] || fail "archive directory $archive_dir does not exist (not mounted?)"

destination=$archive_dir/$file_name

# Already there: identical is success, different is refused.
already_archived() {
  if cmp -s -- "$source_path" "$destination"; then
    log "$file_name is already archived with identical content; nothing to do"
    exit 0
  fi
  fail "$destination already exists with DIFFERENT content; refusing to overwrite it" \
    "(two servers archiving into one directory?)"
}

if [[ -e $destination ]]; then
  already_archived
fi

temporary=$(mktemp -- "$archive_dir/.$file_name.XXXXXX")
trap 'rm -f -- "$temporary"' EXIT

cp -- "$source_path" "$temporary"
chmod 0600 -- "$temporary"
sync -- "$temporary"

# link(2) is atomic and, unlike rename(2), fails when the name exists: the
# final name appears complete or not at all, and never replaces a file.
if ! ln -- "$temporary" "$destination" 2>/dev/null; then
  if [[ -e $destination ]]; then
    already_archived
  fi
  # A file system without hard links: rename instead (the server runs one
  # archiver at a time, and the name was checked above).
  mv -f -T -- "$temporary" "$destination"
fi
rm -f -- "$temporary"
sync -- "$archive_dir"

log "archived $file_name to $archive_dir"
