#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster with PostGIS for the tests: initdb in a temporary folder,
# listening on 127.0.0.1 only, trust authentication for local users (the folder and the port
# live only as long as the test run). initdb refuses root, so the cluster runs as `postgres`.
#
#   eval "$(Tools/test-postgres.sh start)"   # prints export HERITAGE_TEST_POSTGRES=postgresql://…
#   Tools/test-postgres.sh stop
set -euo pipefail
PORT=${HERITAGE_TEST_POSTGRES_PORT:-54329}
STATE=${TMPDIR:-/tmp}/heritage-test-postgres-$PORT
BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
as_postgres() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
case "${1:-}" in
  start)
    [ -x "$BIN/initdb" ] || { echo "PostgreSQL is not installed (no initdb under /usr/lib/postgresql)" >&2; exit 1; }
    "$0" stop >/dev/null 2>&1 || true
    mkdir -p "$STATE"
    [ "$(id -u)" -eq 0 ] && chown postgres "$STATE"
    as_postgres "$BIN/initdb" -D "$STATE/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$STATE/initdb.log" 2>&1 \
      || { cat "$STATE/initdb.log" >&2; exit 1; }
    as_postgres "$BIN/pg_ctl" -D "$STATE/data" -l "$STATE/server.log" -w \
      -o "-c listen_addresses=127.0.0.1 -c port=$PORT -c unix_socket_directories=$STATE -c fsync=off" start >/dev/null \
      || { cat "$STATE/server.log" >&2; exit 1; }
    echo "export HERITAGE_TEST_POSTGRES=postgresql://postgres@127.0.0.1:$PORT/postgres"
    ;;
  stop)
    if [ -d "$STATE/data" ]; then as_postgres "$BIN/pg_ctl" -D "$STATE/data" -m fast -w stop >/dev/null || true; fi
    rm -rf "$STATE"
    ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
