# Sourced by .ci/run: a throwaway PostgreSQL server for the ledger's PostgreSQL tests.
# Installs Debian's server package if it is missing, starts a private cluster in a temporary
# directory on port 54329 (loopback and a socket in that directory only, trust auth), exports
# IMPATTO_TEST_POSTGRES and IMPATTO_REQUIRE_POSTGRES, and stops and removes it on exit.

postgres_start() {
  if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    echo "installing Debian's postgresql …" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -q --no-install-recommends postgresql >/dev/null \
      || { apt-get update -q >/dev/null && apt-get install -y -q --no-install-recommends postgresql >/dev/null; }
    # The package may start its own `main` cluster; this run does not use it.
    for c in $(pg_lsclusters -h 2>/dev/null | awk '$4 == "online" {print $1 "/" $2}'); do
      pg_ctlcluster "${c%/*}" "${c#*/}" stop || true
    done
  fi
  PG_BIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
  PG_DATA="$(mktemp -d /tmp/impatto-pg.XXXXXX)"
  if [ "$(id -u)" = 0 ]; then
    chown postgres "$PG_DATA"
    PG_AS=(runuser -u postgres --)
  else
    PG_AS=()
  fi
  "${PG_AS[@]}" "$PG_BIN/initdb" -D "$PG_DATA/db" -A trust -U postgres >/dev/null
  # fsync off: the tests kill clients, never this server, and databases are created per test.
  "${PG_AS[@]}" "$PG_BIN/pg_ctl" -D "$PG_DATA/db" -l "$PG_DATA/log" -w \
    -o "-p 54329 -k $PG_DATA -c listen_addresses=localhost -c max_connections=200 -c fsync=off" start >/dev/null
  trap postgres_stop EXIT
  export IMPATTO_TEST_POSTGRES="postgres://postgres@localhost:54329/postgres"
  export IMPATTO_REQUIRE_POSTGRES=1
  echo "PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') started on localhost:54329 ($PG_DATA)" >&2
}

postgres_stop() {
  if [ -n "${PG_DATA:-}" ] && [ -d "$PG_DATA/db" ]; then
    "${PG_AS[@]}" "$PG_BIN/pg_ctl" -D "$PG_DATA/db" -m fast -w stop >/dev/null || true
    rm -rf "$PG_DATA"
    echo "PostgreSQL stopped" >&2
  fi
}
