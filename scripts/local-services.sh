#!/usr/bin/env bash
# Local PostgreSQL and Redis on free loopback ports, with their data kept in .data/ across runs.
#
#   scripts/local-services.sh start    start (or reuse) both; prints `export ...` lines: eval "$(... start)"
#   scripts/local-services.sh stop     stop both, if running from .data
#   scripts/local-services.sh status   say what runs where
#   scripts/local-services.sh env      print the `export ...` lines of the running services
#   scripts/local-services.sh run [--] CMD [ARGS...]
#                                      start, run CMD with DATABASE_URL and REDIS_URL, stop what it started,
#                                      exit with CMD's status
#
# A service whose URL (DATABASE_URL, REDIS_URL) is already set is not started. PostgreSQL: cluster in
# .data/postgres owned by the `postgres` user when run as root (the server refuses root), TCP on 127.0.0.1
# only, password auth, database `restream_relay`. Redis: .data/redis, appendonly, noeviction.
# Sourced (scripts/start.sh does), it only defines functions: services_start exports the URLs and
# services_stop stops what services_start started in that shell, nothing that was already running.
# Env: RELAY_DATA_DIR (default <repo>/.data), LOCAL_PG_DIR, LOCAL_PG_DATABASE (default restream_relay).

LS_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LS_DATA="${RELAY_DATA_DIR:-$LS_ROOT/.data}"
LS_REDIS_DIR="$LS_DATA/redis"
LS_PG_DB="${LOCAL_PG_DATABASE:-restream_relay}"
LS_PG_PASSWORD_FILE="$LS_DATA/postgres-password"
LS_PG_DIR=""
LS_PG_BIN=""
LS_PG_STARTED=0
LS_REDIS_STARTED=0

ls_note() { echo "local-services: $*" >&2; }
ls_die() {
  ls_note "error: $*"
  return 1
}

ls_is_root() { [[ "$(id -u)" == 0 ]]; }

# Runs a PostgreSQL server-side command as `postgres` when we are root, from / so that the cwd is readable.
ls_pg_run() {
  if ls_is_root; then
    (cd / && runuser -u postgres -- "$@")
  else
    (cd / && "$@")
  fi
}

ls_free_port() {
  node -e 'const s = require("net").createServer();
    s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });'
}

ls_port_free() {
  node -e 'const s = require("net").createServer();
    s.once("error", () => process.exit(1));
    s.listen(Number(process.argv[1]), "127.0.0.1", () => s.close(() => process.exit(0)));' "$1"
}

# The port used last time when it is still free (stable URLs across runs), otherwise a new free one.
ls_pick_port() {
  local file="$1" previous=""
  [[ -f "$file" ]] && previous="$(cat "$file")"
  if [[ "$previous" =~ ^[0-9]+$ ]] && ls_port_free "$previous"; then
    echo "$previous"
  else
    ls_free_port
  fi
}

ls_lock() {
  mkdir -p "$LS_DATA"
  exec 9>"$LS_DATA/.services.lock"
  flock -w 120 9 || ls_die "could not lock $LS_DATA/.services.lock"
}
ls_unlock() { exec 9>&-; }

# ---------------------------------------------------------------- PostgreSQL

ls_pg_locate() {
  [[ -n "$LS_PG_BIN" ]] && return 0
  local initdb
  if initdb="$(command -v initdb)"; then
    LS_PG_BIN="$(dirname "$(readlink -f "$initdb")")"
  else
    LS_PG_BIN="$(compgen -G '/usr/lib/postgresql/*/bin' | sort -V | tail -n 1)"
  fi
  [[ -x "$LS_PG_BIN/initdb" && -x "$LS_PG_BIN/pg_ctl" ]] ||
    ls_die "PostgreSQL server binaries not found (run scripts/install-deps.sh)" || return 1
  if ls_is_root && ! id postgres >/dev/null 2>&1; then
    ls_die "user postgres is missing (run scripts/install-deps.sh)" || return 1
  fi
  LS_PG_DIR="${LOCAL_PG_DIR:-$LS_DATA/postgres}"
  # The postgres user must reach the cluster; a repo under e.g. /root cannot be traversed by it.
  if [[ -z "${LOCAL_PG_DIR:-}" ]] && ls_is_root && ! runuser -u postgres -- test -x "$LS_DATA"; then
    LS_PG_DIR="/var/tmp/restream-relay-$(echo -n "$LS_DATA" | md5sum | cut -c1-12)/postgres"
    ls_note "$LS_DATA is not reachable by user postgres; cluster kept in $LS_PG_DIR"
  fi
}

ls_psql() {
  local psql="$LS_PG_BIN/psql"
  [[ -x "$psql" ]] || psql="$(command -v psql)" || ls_die "psql not found" || return 1
  PGPASSWORD="$(cat "$LS_PG_PASSWORD_FILE")" PGCONNECT_TIMEOUT=10 \
    "$psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$1" -U postgres -d postgres -tA -c "$2"
}

ls_pg_url() {
  local password
  password="$(cat "$LS_PG_PASSWORD_FILE")" || return 1
  echo "postgresql://postgres:$password@127.0.0.1:$1/$2"
}

ls_pg_running() {
  [[ -f "$LS_PG_DIR/PG_VERSION" ]] && ls_pg_run "$LS_PG_BIN/pg_ctl" -D "$LS_PG_DIR" status >/dev/null 2>&1
}

ls_pg_port() { sed -n 4p "$LS_PG_DIR/postmaster.pid"; }

ls_pg_init() {
  local version
  if [[ -f "$LS_PG_DIR/PG_VERSION" ]]; then
    version="$("$LS_PG_BIN/postgres" --version | sed -E 's/^[^0-9]*([0-9]+).*/\1/')"
    [[ "$(cat "$LS_PG_DIR/PG_VERSION")" == "$version" ]] ||
      ls_die "$LS_PG_DIR holds a PostgreSQL $(cat "$LS_PG_DIR/PG_VERSION") cluster, server is $version; remove it" ||
      return 1
    [[ -f "$LS_PG_PASSWORD_FILE" ]] ||
      ls_die "$LS_PG_PASSWORD_FILE is missing; remove $LS_PG_DIR to start afresh" || return 1
    return 0
  fi
  ls_note "creating PostgreSQL cluster in $LS_PG_DIR"
  mkdir -p "$LS_PG_DIR" || return 1
  (umask 077 && node -e 'console.log(require("crypto").randomBytes(24).toString("hex"))' >"$LS_PG_PASSWORD_FILE") ||
    return 1
  local pwfile
  pwfile="$(mktemp)" && cp "$LS_PG_PASSWORD_FILE" "$pwfile" || return 1
  if ls_is_root; then chown postgres: "$LS_PG_DIR" "$pwfile" || return 1; fi
  chmod 700 "$LS_PG_DIR" || return 1
  if ! ls_pg_run "$LS_PG_BIN/initdb" -D "$LS_PG_DIR" -U postgres --pwfile="$pwfile" \
    --auth-host=scram-sha-256 --auth-local=peer --encoding=UTF8 --no-locale >"$LS_DATA/initdb.log" 2>&1; then
    rm -f "$pwfile"
    cat "$LS_DATA/initdb.log" >&2
    ls_die "initdb failed (log above); fix it and remove $LS_PG_DIR" || return 1
  fi
  rm -f "$pwfile"
  # TCP on loopback only; no Unix socket, so no dependency on /var/run/postgresql.
  printf "\n# scripts/local-services.sh\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = ''\n" |
    ls_pg_run tee -a "$LS_PG_DIR/postgresql.conf" >/dev/null || return 1
}

ls_pg_start() {
  if [[ -n "${DATABASE_URL:-}" ]]; then
    ls_note "PostgreSQL: using DATABASE_URL from the environment"
    return 0
  fi
  ls_pg_locate || return 1
  ls_pg_init || return 1
  local port how
  if ls_pg_running; then
    port="$(ls_pg_port)"
    how="already running"
  else
    port="$(ls_pick_port "$LS_DATA/postgres.port")" || return 1
    # 9>&-: the server must not inherit the lock of ls_lock.
    if ! ls_pg_run "$LS_PG_BIN/pg_ctl" -D "$LS_PG_DIR" -l "$LS_PG_DIR/server.log" -o "-p $port" -w -t 60 -s start \
      >/dev/null 9>&-; then
      tail -n 30 "$LS_PG_DIR/server.log" >&2 || true
      ls_die "PostgreSQL did not start (log: $LS_PG_DIR/server.log)" || return 1
    fi
    LS_PG_STARTED=1
    echo "$port" >"$LS_DATA/postgres.port" || return 1
    how="started"
  fi
  local exists
  exists="$(ls_psql "$port" "SELECT 1 FROM pg_database WHERE datname = '$LS_PG_DB'")" || return 1
  if [[ -z "$exists" ]]; then
    ls_psql "$port" "CREATE DATABASE \"$LS_PG_DB\"" || return 1
  fi
  DATABASE_URL="$(ls_pg_url "$port" "$LS_PG_DB")" || return 1
  export DATABASE_URL
  ls_note "PostgreSQL $how on 127.0.0.1:$port, database $LS_PG_DB"
}

ls_pg_stop() {
  ls_pg_locate || return 1
  if ls_pg_running; then
    ls_pg_run "$LS_PG_BIN/pg_ctl" -D "$LS_PG_DIR" -m fast -w -t 60 -s stop >/dev/null || return 1
    ls_note "PostgreSQL stopped"
  fi
}

# ---------------------------------------------------------------- Redis

ls_redis_pid() {
  local pid
  pid="$(cat "$LS_REDIS_DIR/redis.pid" 2>/dev/null)" || return 1
  [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null && grep -q redis "/proc/$pid/comm" 2>/dev/null &&
    echo "$pid"
}

ls_redis_start() {
  if [[ -n "${REDIS_URL:-}" ]]; then
    ls_note "Redis: using REDIS_URL from the environment"
    return 0
  fi
  command -v redis-server >/dev/null || ls_die "redis-server not found (run scripts/install-deps.sh)" || return 1
  mkdir -p "$LS_REDIS_DIR" || return 1
  local port how
  if ls_redis_pid >/dev/null; then
    port="$(cat "$LS_REDIS_DIR/redis.port")"
    how="already running"
  else
    port="$(ls_pick_port "$LS_REDIS_DIR/redis.port")" || return 1
    rm -f "$LS_REDIS_DIR/redis.pid"
    redis-server --bind 127.0.0.1 --port "$port" --protected-mode yes --dir "$LS_REDIS_DIR" \
      --appendonly yes --maxmemory-policy noeviction --daemonize yes \
      --pidfile "$LS_REDIS_DIR/redis.pid" --logfile "$LS_REDIS_DIR/redis.log" 9>&- ||
      ls_die "redis-server did not start (log: $LS_REDIS_DIR/redis.log)" || return 1
    LS_REDIS_STARTED=1
    echo "$port" >"$LS_REDIS_DIR/redis.port" || return 1
    how="started"
  fi
  local i
  for ((i = 0; i < 100; i++)); do
    [[ "$(redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null)" == PONG ]] && break
    sleep 0.1
  done
  ((i < 100)) || ls_die "Redis on port $port does not answer PING (log: $LS_REDIS_DIR/redis.log)" || return 1
  export REDIS_URL="redis://127.0.0.1:$port"
  ls_note "Redis $how on 127.0.0.1:$port"
}

ls_redis_stop() {
  local pid i
  pid="$(ls_redis_pid)" || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 300; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    ls_note "Redis did not stop within 30 s; killing it"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  ls_note "Redis stopped"
}

# ---------------------------------------------------------------- entry points

# Starts (or reuses) PostgreSQL and Redis and exports DATABASE_URL and REDIS_URL.
# Commands inside are checked one by one: callers run it under `set -e`, which bash ignores in functions.
services_start() {
  ls_lock || return 1
  local status=0
  ls_pg_start || status=$?
  if [[ "$status" == 0 ]]; then ls_redis_start || status=$?; fi
  ls_unlock
  return "$status"
}

# Stops what services_start started in this shell.
services_stop() {
  local status=0
  if [[ "$LS_REDIS_STARTED" == 1 ]]; then
    ls_redis_stop || status=$?
    LS_REDIS_STARTED=0
  fi
  if [[ "$LS_PG_STARTED" == 1 ]]; then
    ls_pg_stop || status=$?
    LS_PG_STARTED=0
  fi
  return "$status"
}

ls_print_env() {
  [[ -n "${DATABASE_URL:-}" ]] && printf 'export DATABASE_URL=%q\n' "$DATABASE_URL"
  [[ -n "${REDIS_URL:-}" ]] && printf 'export REDIS_URL=%q\n' "$REDIS_URL"
  return 0
}

ls_main() {
  set -euo pipefail
  local command="${1:-}"
  shift || true
  case "$command" in
    start)
      services_start
      ls_print_env
      ;;
    stop)
      ls_redis_stop
      ls_pg_stop
      ;;
    status | env)
      ls_pg_locate
      local out=()
      if ls_pg_running; then
        [[ "$command" == status ]] && ls_note "PostgreSQL running on 127.0.0.1:$(ls_pg_port) ($LS_PG_DIR)"
        DATABASE_URL="$(ls_pg_url "$(ls_pg_port)" "$LS_PG_DB")"
        export DATABASE_URL
      else
        out+=(PostgreSQL)
      fi
      if ls_redis_pid >/dev/null; then
        [[ "$command" == status ]] && ls_note "Redis running on 127.0.0.1:$(cat "$LS_REDIS_DIR/redis.port")"
        REDIS_URL="redis://127.0.0.1:$(cat "$LS_REDIS_DIR/redis.port")"
        export REDIS_URL
      else
        out+=(Redis)
      fi
      if [[ "$command" == env ]]; then
        ls_print_env
      elif ((${#out[@]} > 0)); then
        ls_note "not running: ${out[*]}"
      fi
      ;;
    run)
      if [[ "${1:-}" == -- ]]; then shift; fi
      (($# > 0)) || ls_die "run: no command given" || exit 2
      trap 'services_stop' EXIT
      trap 'exit 130' INT
      trap 'exit 143' TERM
      services_start
      local status=0
      "$@" || status=$?
      exit "$status"
      ;;
    *)
      sed -n '2,17p' "${BASH_SOURCE[0]}" >&2
      exit 2
      ;;
  esac
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  ls_main "$@"
fi
