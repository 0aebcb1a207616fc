#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the test suites and benchmarks, on a free 127.0.0.1 port.
#   eval "$(scripts/pg-test-server.sh start)"   # prints PGURL=… and PG_TEST_DIR=…
#   scripts/pg-test-server.sh restart "$PG_TEST_DIR" [fast|immediate]
#   scripts/pg-test-server.sh stop "$PG_TEST_DIR"
# Run as root (CI), the cluster belongs to the postgres user, as initdb refuses to run as root.
# Extra server settings go in PG_TEST_OPTIONS, e.g. PG_TEST_OPTIONS='-c synchronous_commit=off'.
# PG_TEST_OWNER_PID=PID stops the cluster when that process ends (the test runner sets its own).
set -euo pipefail

find_bin() {
  local found
  found=$(command -v "$1" 2>/dev/null || true)
  if [ -z "$found" ]; then
    found=$(ls -d /usr/lib/postgresql/*/bin/"$1" 2>/dev/null | sort -V | tail -n 1 || true)
  fi
  if [ -z "$found" ]; then
    echo "pg-test-server: $1 not found on PATH nor in /usr/lib/postgresql/*/bin: install PostgreSQL (Debian: apt-get install -y postgresql) or set PGURL to a server of your own" >&2
    exit 1
  fi
  echo "$found"
}

as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start() {
  local initdb pg_ctl dir port
  initdb=$(find_bin initdb)
  pg_ctl=$(dirname "$initdb")/pg_ctl
  dir=$(mktemp -d "${TMPDIR:-/tmp}/privacy-ledger-pg.XXXXXX")
  chmod 755 "$dir"
  if [ "$(id -u)" = 0 ]; then chown postgres: "$dir"; fi
  as_owner "$initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C --no-sync >"$dir/initdb.log" 2>&1 ||
    { cat "$dir/initdb.log" >&2; exit 1; }
  port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
  echo "$pg_ctl" >"$dir/pg_ctl"
  as_owner "$pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c max_connections=300 ${PG_TEST_OPTIONS:-}" start >/dev/null ||
    { cat "$dir/server.log" >&2; exit 1; }
  # With PG_TEST_OWNER_PID set, the cluster is stopped once that process is gone, however it ended.
  if [ -n "${PG_TEST_OWNER_PID:-}" ]; then
    nohup bash -c "while kill -0 $PG_TEST_OWNER_PID 2>/dev/null && [ -d '$dir' ]; do sleep 2; done; '$0' stop '$dir'" >/dev/null 2>&1 &
  fi
  echo "PGURL=postgres://postgres@127.0.0.1:$port/postgres"
  echo "PG_TEST_DIR=$dir"
}

restart() {
  local dir=${1:?usage: restart DIR [fast|immediate]} mode=${2:-fast}
  as_owner "$(cat "$dir/pg_ctl")" -D "$dir/data" -l "$dir/server.log" -w -t 60 -m "$mode" restart >/dev/null
}

stop() {
  local dir=${1:?usage: stop DIR}
  [ -f "$dir/pg_ctl" ] && as_owner "$(cat "$dir/pg_ctl")" -D "$dir/data" -w -m fast stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}

case "${1:-}" in
  start) start ;;
  restart) shift; restart "$@" ;;
  stop) shift; stop "$@" ;;
  *) echo "usage: $0 start | restart DIR [fast|immediate] | stop DIR" >&2; exit 2 ;;
esac
