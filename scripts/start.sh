#!/usr/bin/env bash
# Runs Restream Relay on this machine: installs and builds (scripts/install-deps.sh), starts or reuses the
# local PostgreSQL and Redis (scripts/local-services.sh), then the API and the relay, and waits until
# GET /healthz answers 200. Ctrl-C or SIGTERM stops everything this script started; if the API or the
# relay dies, the rest is stopped and the script exits non-zero.
#
# Env (all optional): PORT (3000), RTMP_PORT (1935), RELAY_HTTP_PORT (3001: the relay's /metrics, /readyz),
# PUBLIC_RTMP_HOST (localhost), DATABASE_URL and
# REDIS_URL (skip the local services), RELAY_BOOTSTRAP_API_KEY (default: generated once and kept in
# .data/bootstrap-api-key), INGEST_KEY_HMAC_SECRET and DESTINATION_KEY_ENCRYPTION_KEYS (default: generated
# once and kept in .data/ingest-key-hmac-secret and .data/destination-key-encryption-keys), START_TIMEOUT_SECONDS (120), STOP_GRACE_SECONDS (20), SKIP_INSTALL=1.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

# shellcheck source=scripts/local-services.sh
source scripts/local-services.sh

export PORT="${PORT:-3000}"
export RTMP_PORT="${RTMP_PORT:-1935}"
export RELAY_HTTP_PORT="${RELAY_HTTP_PORT:-3001}"
export PUBLIC_RTMP_HOST="${PUBLIC_RTMP_HOST:-localhost}"
start_timeout="${START_TIMEOUT_SECONDS:-120}"
stop_grace="${STOP_GRACE_SECONDS:-20}"
key_file="$LS_DATA/bootstrap-api-key"

api_pid=""
relay_pid=""

note() { echo "start: $*" >&2; }

# shellcheck disable=SC2317 # stop_apps and cleanup run from traps
# TERM to the apps, SIGKILL after the grace period; `wait` because a child that exited stays a zombie
# (and `kill -0` would still succeed) until its parent reaps it.
stop_apps() {
  local pids=() pid killer
  for pid in "$api_pid" "$relay_pid"; do
    if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then pids+=("$pid"); fi
  done
  api_pid=""
  relay_pid=""
  ((${#pids[@]} > 0)) || return 0
  kill -TERM "${pids[@]}" 2>/dev/null || true
  (sleep "$stop_grace" && kill -KILL "${pids[@]}" 2>/dev/null) >/dev/null 2>&1 &
  killer=$!
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  kill "$killer" 2>/dev/null || true
}

# shellcheck disable=SC2317
cleanup() {
  local status=$?
  trap '' INT TERM
  stop_apps
  services_stop || status=1
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [[ "${SKIP_INSTALL:-0}" != 1 ]]; then
  scripts/install-deps.sh
fi
for entry in dist/apps/api/src/main.js dist/apps/relay/src/main.js; do
  [[ -f "$entry" ]] || {
    note "$entry is missing: the build did not produce it"
    exit 1
  }
done

# Something else on these ports would answer the health check or take the ingest.
for port in "$PORT" "$RTMP_PORT" "$RELAY_HTTP_PORT"; do
  ls_port_free "$port" || {
    note "port $port is in use on 127.0.0.1; set PORT / RTMP_PORT / RELAY_HTTP_PORT"
    exit 1
  }
done

services_start

if [[ -z "${RELAY_BOOTSTRAP_API_KEY:-}" ]]; then
  if [[ ! -s "$key_file" ]]; then
    (umask 077 && node -e 'console.log(require("crypto").randomBytes(32).toString("hex"))' >"$key_file.tmp")
    mv "$key_file.tmp" "$key_file"
  fi
  chmod 600 "$key_file"
  RELAY_BOOTSTRAP_API_KEY="$(cat "$key_file")"
fi
export RELAY_BOOTSTRAP_API_KEY

# Stream-key secrets (README "API keys and stream keys"): generated once, kept private in .data/.
# Losing them voids the ingest keys and the stored destination keys of this database.
keep_secret() { # <variable> <file> <node expression printing a new value>
  local file="$LS_DATA/$2"
  if [[ -z "${!1:-}" ]]; then
    if [[ ! -s "$file" ]]; then
      (umask 077 && node -e "console.log($3)" >"$file.tmp")
      mv "$file.tmp" "$file"
    fi
    chmod 600 "$file"
    printf -v "$1" '%s' "$(cat "$file")"
  fi
  export "${1?}"
}
keep_secret INGEST_KEY_HMAC_SECRET ingest-key-hmac-secret 'require("crypto").randomBytes(32).toString("hex")'
keep_secret DESTINATION_KEY_ENCRYPTION_KEYS destination-key-encryption-keys \
  '"k1:" + require("crypto").randomBytes(32).toString("base64")'

node dist/apps/api/src/main.js > >(sed -u 's/^/[api] /') 2>&1 &
api_pid=$!
node dist/apps/relay/src/main.js > >(sed -u 's/^/[relay] /') 2>&1 &
relay_pid=$!

healthy() {
  (
    exec 3<>"/dev/tcp/127.0.0.1/$PORT"
    printf 'GET /healthz HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3
    read -r -t 5 line <&3
    [[ "$line" =~ ^HTTP/[0-9.]+\ 200 ]]
  ) 2>/dev/null
}

# The health check runs as a job of its own so that `wait -n` notices an app dying meanwhile.
(
  deadline=$((SECONDS + start_timeout))
  until healthy; do
    ((SECONDS < deadline)) || exit 1
    sleep 0.5
  done
) &
checker=$!

finished=""
status=0
wait -n -p finished "$api_pid" "$relay_pid" "$checker" || status=$?
case "$finished" in
  "$checker")
    if ((status != 0)); then
      note "GET http://127.0.0.1:$PORT/healthz did not answer 200 within ${start_timeout} s"
      exit 1
    fi
    ;;
  *)
    kill "$checker" 2>/dev/null || true
    [[ "$finished" == "$api_pid" ]] && name=api || name=relay
    note "the $name exited (status $status) before the API was healthy"
    exit $((status == 0 ? 1 : status))
    ;;
esac

cat <<EOF

  Restream Relay is running.
    API:      http://127.0.0.1:$PORT   (health: /healthz)
    Ingest:   rtmp://$PUBLIC_RTMP_HOST:$RTMP_PORT/live   (host $PUBLIC_RTMP_HOST, port $RTMP_PORT)
    Relay:    http://127.0.0.1:$RELAY_HTTP_PORT/metrics   (health: /healthz, /readyz)
    API key:  $RELAY_BOOTSTRAP_API_KEY
              e.g. curl -H 'Authorization: Bearer $RELAY_BOOTSTRAP_API_KEY' http://127.0.0.1:$PORT/v1/events
  Ctrl-C stops the API, the relay and the local services this script started.

EOF

status=0
wait -n -p finished "$api_pid" "$relay_pid" || status=$?
[[ "$finished" == "$api_pid" ]] && name=api || name=relay
note "the $name exited (status $status); stopping the rest"
exit $((status == 0 ? 1 : status))
