# shellcheck shell=bash
# Shared helpers of pg-base-backup.sh and pg-restore.sh. Source it; do not run it.
# (pg-archive-wal.sh is self-contained on purpose: the server runs it for every
# WAL segment and it must not depend on anything else.)
#
# Log lines go to stderr, so that a script's stdout carries only its result
# (e.g. the backup folder) and can be captured: folder=$(pg-base-backup.sh ...).

script_name=$(basename "$0")

log()  { printf '%s %s: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$script_name" "$*" >&2; }
warn() { log "WARNING: $*"; }
die()  { log "ERROR: $*"; exit 1; }

# Usage errors exit 2, like most command-line tools.
usage_error() { printf '%s: %s\nTry %s -h.\n' "$script_name" "$*" "$script_name" >&2; exit 2; }

# PostgreSQL's binaries refuse to run as root and its files must belong to the
# server's OS user: as root, run them as postgres; otherwise as the current user.
as_postgres() {
  if [[ $EUID -eq 0 ]]; then
    # cd / because postgres may not be allowed into the caller's directory.
    (cd / && runuser -u postgres -- "$@")
  else
    "$@"
  fi
}

# Makes a directory the server's OS user owns (as root) or the caller owns, mode 0700.
make_owned_dir() {
  mkdir -p -- "$1"
  chmod 0700 -- "$1"
  if [[ $EUID -eq 0 ]]; then chown postgres:postgres -- "$1"; fi
}

# The bin directory of PostgreSQL: $PG_BINDIR, else the given major version's
# Debian directory, else the newest Debian one, else wherever pg_ctl is on PATH.
pg_bindir() {
  local major=${1:-} dir
  if [[ -n ${PG_BINDIR:-} ]]; then
    [[ -x $PG_BINDIR/pg_ctl ]] || die "PG_BINDIR=$PG_BINDIR has no pg_ctl"
    printf '%s\n' "$PG_BINDIR"
    return
  fi
  if [[ -n $major && -x /usr/lib/postgresql/$major/bin/pg_ctl ]]; then
    printf '%s\n' "/usr/lib/postgresql/$major/bin"
    return
  fi
  [[ -z $major ]] || die "PostgreSQL $major binaries not found (/usr/lib/postgresql/$major/bin); set PG_BINDIR"
  dir=$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin 2>/dev/null | sort -V | tail -n 1)
  if [[ -n $dir && -x $dir/pg_ctl ]]; then
    printf '%s\n' "$dir"
    return
  fi
  dir=$(command -v pg_ctl 2>/dev/null) || die "PostgreSQL binaries not found; set PG_BINDIR"
  dirname -- "$dir"
}

# The major version of a bin directory's tools (15, 16, ...).
pg_major_of() {
  "$1/pg_ctl" --version | sed -E 's/.* ([0-9]+)(\.[0-9]+)?.*/\1/'
}

# Writes a tar member, compressed or not, to stdout: decompress FILE.
decompress() {
  case $1 in
    *.tar)     cat -- "$1" ;;
    *.tar.gz)  gzip -dc -- "$1" ;;
    *.tar.lz4) lz4 -dc -- "$1" ;;
    *.tar.zst) zstd -dcq -- "$1" ;;
    *) die "unknown archive format: $1" ;;
  esac
}

# The one file of a backup folder named NAME.tar[.gz|.lz4|.zst]; empty when absent.
backup_tar() {
  local folder=$1 name=$2 candidate
  for candidate in "$folder/$name.tar" "$folder/$name.tar.gz" "$folder/$name.tar.lz4" "$folder/$name.tar.zst"; do
    if [[ -f $candidate ]]; then
      printf '%s\n' "$candidate"
      return
    fi
  done
}

# Prints one member of a (compressed) tar file: tar_member FILE MEMBER.
tar_member() {
  decompress "$1" | tar -xOf - "$2"
}

# Paths go into postgresql.auto.conf and shell commands inside single quotes.
require_plain_path() {
  [[ $2 != *[\'\"\\\$\`]* && $2 != *[[:space:]]* ]] ||
    die "$1 must not contain quotes, backslashes, \$, backticks or whitespace: $2"
}
