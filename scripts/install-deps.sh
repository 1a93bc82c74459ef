#!/usr/bin/env bash
# Installs what the project needs to build, run and test, and builds it. Idempotent: a second run on a
# ready machine does nothing but the Prisma client generation and the build.
#
#   scripts/install-deps.sh [--no-build]
#
# - Debian packages (ffmpeg, redis, nginx with the RTMP module, GStreamer, PostgreSQL, Chromium) only when missing;
#   `apt-get update` only then. A PostgreSQL already on PATH (initdb, pg_ctl, postgres) counts as present.
# - `npm ci` when node_modules is missing or package-lock.json is newer than the last install.
# - `npm run prisma:generate`, then `npm run build` (skipped with --no-build).
# Quiet on success; on failure names the step and prints the end of its output. VERBOSE=1 shows everything.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

build=1
for arg in "$@"; do
  case "$arg" in
    --no-build) build=0 ;;
    -h | --help)
      sed -n '2,11p' "$0"
      exit 0
      ;;
    *)
      echo "install-deps: unknown argument: $arg" >&2
      exit 2
      ;;
  esac
done

sudo=()
[[ "$(id -u)" == 0 ]] || sudo=(sudo)
policy=/usr/sbin/policy-rc.d
added_policy=0
log="$(mktemp -t install-deps.XXXXXX)"
cleanup() {
  rm -f "$log"
  if ((added_policy)); then "${sudo[@]}" rm -f "$policy"; fi
}
trap cleanup EXIT

# Runs a step with its output captured; on failure prints the output's tail and exits with its status.
step() {
  local name="$1" status=0
  shift
  if [[ "${VERBOSE:-0}" == 1 ]]; then
    echo "install-deps: $name" >&2
    "$@" || status=$?
  else
    "$@" >"$log" 2>&1 || status=$?
  fi
  ((status == 0)) && return 0
  {
    echo "install-deps: FAILED: $name (exit $status): $*"
    if [[ "${VERBOSE:-0}" != 1 ]]; then
      echo "---- last 60 lines of output ----"
      tail -n 60 "$log"
      echo "---------------------------------"
    fi
  } >&2
  exit "$status"
}

pkg_installed() {
  [[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" == "install ok installed" ]]
}

postgres_present() {
  if command -v initdb >/dev/null && command -v pg_ctl >/dev/null && command -v postgres >/dev/null; then
    return 0
  fi
  compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null
}

rtmp_module_present() {
  [[ -n "${NGINX_RTMP_MODULE:-}" && -f "${NGINX_RTMP_MODULE}" ]] ||
    [[ -f /usr/lib/nginx/modules/ngx_rtmp_module.so ]]
}

missing=()
{ command -v ffmpeg >/dev/null && command -v ffprobe >/dev/null; } || missing+=(ffmpeg)
{ command -v redis-server >/dev/null && command -v redis-cli >/dev/null; } || missing+=(redis-server)
{ command -v nginx >/dev/null || [[ -x /usr/sbin/nginx ]]; } || missing+=(nginx-light)
rtmp_module_present || missing+=(libnginx-mod-rtmp)
command -v gst-launch-1.0 >/dev/null || missing+=(gstreamer1.0-tools)
for p in gstreamer1.0-plugins-good gstreamer1.0-plugins-bad gstreamer1.0-plugins-ugly; do
  pkg_installed "$p" || missing+=("$p")
done
postgres_present || missing+=(postgresql)
# The slate card's font (libs/media/src/slate); without it the slate is a plain card.
pkg_installed fonts-dejavu-core || missing+=(fonts-dejavu-core)
# The dashboard test drives a real headless Chromium through playwright-core (test/e2e/dashboard).
command -v chromium >/dev/null || missing+=(chromium)

if ((${#missing[@]} > 0)); then
  if ((${#sudo[@]} > 0)) && ! command -v sudo >/dev/null; then
    echo "install-deps: missing Debian packages: ${missing[*]}; run as root or install them" >&2
    exit 1
  fi
  echo "install-deps: installing Debian packages: ${missing[*]}" >&2
  # Keep apt from starting system-wide nginx/redis/postgres services: the project runs its own.
  if [[ ! -e "$policy" ]]; then
    added_policy=1
    printf '#!/bin/sh\nexit 101\n' | "${sudo[@]}" tee "$policy" >/dev/null
    "${sudo[@]}" chmod 755 "$policy"
  fi
  export DEBIAN_FRONTEND=noninteractive
  step "apt-get update" "${sudo[@]}" apt-get update -q
  step "apt-get install" "${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
  if ((added_policy)); then
    "${sudo[@]}" rm -f "$policy"
    added_policy=0
  fi
fi

# PostgreSQL refuses to run as root; scripts/local-services.sh runs it as this user.
if [[ "$(id -u)" == 0 ]] && ! id postgres >/dev/null 2>&1; then
  step "create user postgres" useradd --system --user-group --home-dir /var/lib/postgresql --shell /bin/bash postgres
fi

command -v node >/dev/null || {
  echo "install-deps: node is not on PATH (Node >= 20.19 required)" >&2
  exit 1
}
command -v npm >/dev/null || {
  echo "install-deps: npm is not on PATH" >&2
  exit 1
}

# npm writes node_modules/.package-lock.json on every install: older than package-lock.json = stale.
if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  echo "install-deps: npm ci" >&2
  step "npm ci" npm ci --no-audit --no-fund
fi

if [[ -f scripts/prisma-generate.mjs ]]; then
  step "npm run prisma:generate" npm run prisma:generate
else
  echo "install-deps: warning: scripts/prisma-generate.mjs is missing, Prisma client not generated" >&2
fi

if ((build)); then
  step "npm run build" npm run build
fi
