#!/usr/bin/env bash
# A throwaway PostgreSQL server from Debian's packages, for the projection tests
# (cairn-eventsourcing) and the PostgreSQL side of `cairn bench postgres` / `compare`.
#
#   postgres.sh start PORT [--durable] [--parent DIR]
#                            installs PostgreSQL if needed (apt-get, as root), creates a cluster in a
#                            new temporary directory (under DIR if given, else under $TMPDIR or /tmp),
#                            starts it on 127.0.0.1:PORT with user "cairn" (trust authentication,
#                            loopback only) and prints the directory.
#                            Without --durable: fsync, synchronous_commit and full_page_writes off,
#                            for tests whose data is thrown away. With --durable: PostgreSQL's own
#                            defaults for everything but listen address, port and socket directory.
#   postgres.sh stop DIR     stops that server and deletes DIR
#
# Uses the binaries in /usr/lib/postgresql/<version>/bin, never whatever is on the PATH. Every
# failure exits non-zero with a message that says what went wrong: the tests fail, they never skip.
set -euo pipefail

die() {
  echo "postgres.sh: $*" >&2
  exit 1
}

# The newest installed server's bin directory, or nothing.
pg_bin() {
  local dir
  dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1 || true)"
  if [[ -n "$dir" && -x "$dir/initdb" && -x "$dir/pg_ctl" ]]; then echo "$dir"; fi
}

install_if_missing() {
  if [[ -n "$(pg_bin)" ]]; then return 0; fi
  [[ "$(id -u)" == 0 ]] || die "PostgreSQL is not installed and installing it needs root: apt-get install postgresql"
  command -v apt-get >/dev/null || die "PostgreSQL is not installed and apt-get is not available"
  echo "postgres.sh: installing PostgreSQL (apt-get install postgresql)" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2 || die "apt-get update failed"
  apt-get install -y -qq --no-install-recommends postgresql >&2 || die "apt-get install postgresql failed"
  [[ -n "$(pg_bin)" ]] || die "apt-get installed postgresql but no /usr/lib/postgresql/*/bin/initdb was found"
}

# Runs a command as the user the server runs as: PostgreSQL refuses to run as root.
as_server_user() {
  if [[ "$(id -u)" == 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

start() {
  local port="${1:-}" durable=0 parent="${TMPDIR:-/tmp}" bin dir settings
  [[ "$port" =~ ^[0-9]+$ ]] || die "usage: postgres.sh start PORT [--durable] [--parent DIR]"
  shift
  while (($#)); do
    case "$1" in
      --durable) durable=1 ;;
      --parent)
        [[ -n "${2:-}" ]] || die "--parent needs a directory"
        parent="$2"
        shift
        ;;
      *) die "unknown option '$1' (usage: postgres.sh start PORT [--durable] [--parent DIR])" ;;
    esac
    shift
  done
  mkdir -p "$parent" && parent="$(cd "$parent" && pwd)" || die "cannot create '$parent'"
  install_if_missing
  bin="$(pg_bin)"
  if [[ "$(id -u)" == 0 ]]; then
    id postgres >/dev/null 2>&1 || die "the postgres user is missing (the Debian package creates it)"
  fi
  dir="$(mktemp -d "$parent/cairn-pg.XXXXXX")"
  chmod 755 "$dir"
  if [[ "$(id -u)" == 0 ]]; then
    chown postgres: "$dir"
    as_server_user test -w "$dir" || {
      rm -rf "$dir"
      die "the postgres user cannot reach $dir: every directory above it must be searchable by others (chmod o+x)"
    }
  fi
  as_server_user "$bin/initdb" -D "$dir/data" -U cairn --auth=trust --encoding=UTF8 --no-instructions \
    >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; die "initdb failed in $dir"; }
  settings="-p $port -k $dir -c listen_addresses=127.0.0.1"
  if ((durable == 0)); then
    # a test server whose data is thrown away needs speed, not durability
    settings+=" -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
  fi
  as_server_user "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 -o "$settings" \
    start >"$dir/pg_ctl.log" 2>&1 || { cat "$dir/pg_ctl.log" "$dir/server.log" >&2 2>/dev/null; die "the server did not start on port $port"; }
  echo "$dir"
}

stop() {
  local dir="$1" bin
  [[ -d "$dir/data" ]] || die "no PostgreSQL cluster in '$dir'"
  bin="$(pg_bin)"
  as_server_user "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}

case "${1:-}" in
  start)
    shift
    start "$@"
    ;;
  stop) stop "${2:-}" ;;
  *) die "usage: postgres.sh start PORT [--durable] [--parent DIR] | stop DIR" ;;
esac
