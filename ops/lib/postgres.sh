# Throwaway PostgreSQL for tests and benchmarks. Source this file, then:
#   pg_start DIR     installs Debian's postgresql if missing, starts a cluster in DIR on a free
#                    loopback port as the postgres user, exports PG_URL (the postgres database)
#   pg_stop          stops it
# PostgreSQL refuses to run as root, so as root the server runs as the postgres user.

pg_as() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

pg_find_bin() {
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

pg_start() {
  local dir=$1
  PG_BIN=$(pg_find_bin || true)
  if [ -z "$PG_BIN" ] || [ ! -x "$PG_BIN/initdb" ]; then
    if [ "$(id -u)" != 0 ]; then
      echo "PostgreSQL is not installed and this user cannot install it: run 'sudo apt-get install postgresql' or set QIANXUE_TEST_DATABASE_URL" >&2
      return 1
    fi
    echo "installing Debian's postgresql package"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    PG_BIN=$(pg_find_bin)
  fi
  mkdir -p "$dir"
  chmod 755 "$dir"
  if [ "$(id -u)" = 0 ]; then chown postgres "$dir"; fi
  pg_as "$PG_BIN/initdb" -D "$dir/data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null
  PG_PORT=$(pg_free_port)
  PG_DIR=$dir
  pg_as "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
    -o "-p $PG_PORT -k $dir -c listen_addresses=127.0.0.1 -c max_connections=400 ${PG_EXTRA_OPTIONS:-}" start >/dev/null
  PG_URL="postgres://postgres@127.0.0.1:$PG_PORT/postgres"
  export PG_URL PG_PORT PG_BIN PG_DIR
  echo "throwaway PostgreSQL on 127.0.0.1:$PG_PORT ($("$PG_BIN/postgres" --version))"
}

pg_stop() {
  if [ -n "${PG_DIR:-}" ]; then
    pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true
    PG_DIR=""
  fi
}
