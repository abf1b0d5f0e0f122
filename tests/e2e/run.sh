#!/usr/bin/env bash
# Browser end-to-end tests: starts `propwatch demo` on a fresh temporary data directory and
# drives Debian's chromium through playwright-core under Node's built-in test runner.
#
# Builds nothing: point PROPWATCH_BIN at a built binary (default: the debug build in
# ${CARGO_TARGET_DIR:-$HOME/.cache/propwatch-target}), e.g. after `cargo build`.
#
#   bash tests/e2e/run.sh                 # all journeys
#   E2E_PORT=18600 bash tests/e2e/run.sh  # another port
#   bash tests/e2e/run.sh desktop.test.mjs  # only the named test files
#
# Screenshots of each journey's last page go to /tmp/e2e-*.png (E2E_SHOT_DIR to change).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
PROPWATCH_BIN="${PROPWATCH_BIN:-${CARGO_TARGET_DIR:-$HOME/.cache/propwatch-target}/debug/propwatch}"
CHROMIUM="${E2E_CHROMIUM:-/usr/bin/chromium}"
PASSWORD='E2e2024!pw'

if [[ ! -x "$PROPWATCH_BIN" ]]; then
  echo "e2e: no propwatch binary at $PROPWATCH_BIN (build it with cargo build, or set PROPWATCH_BIN)" >&2
  exit 2
fi
command -v node >/dev/null || { echo "e2e: node (>= 20) is required" >&2; exit 2; }
command -v curl >/dev/null || { echo "e2e: curl is required" >&2; exit 2; }

# Debian's chromium (playwright-core downloads no browser), and Chinese fonts so that the pages
# are laid out and screenshotted as a user sees them (app.css asks for Noto Sans CJK SC first).
apt_pkgs=()
[[ -x "$CHROMIUM" ]] || apt_pkgs+=(chromium)
fc-list :lang=zh 2>/dev/null | grep -q . || apt_pkgs+=(fonts-noto-cjk)
if ((${#apt_pkgs[@]} > 0)); then
  echo "e2e: installing ${apt_pkgs[*]} (Debian packages)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${apt_pkgs[@]}" >/dev/null
fi

if [[ ! -d "$here/node_modules/playwright-core" ]]; then
  (cd "$here" && npm ci --no-audit --no-fund)
fi

# A free loopback port: E2E_PORT, else 18555, else whatever the kernel hands out.
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
port="${E2E_PORT:-18555}"
if ! port_free "$port"; then
  [[ -n "${E2E_PORT:-}" ]] && { echo "e2e: port $port is in use" >&2; exit 2; }
  port="$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
fi
base="http://127.0.0.1:$port"

tmp="$(mktemp -d "${TMPDIR:-/tmp}/propwatch-e2e.XXXXXX")"
server_pid=""
cleanup() {
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The server runs in the temp dir (no stray propwatch.toml is read) with only the settings the
# tests rely on; inherited settings that would change them are dropped.
(
  cd "$tmp"
  exec env -u PROPWATCH_CONFIG -u PROPWATCH_DATABASE_URL -u PROPWATCH_PUBLIC_URL \
    -u PROPWATCH_LOCKOUT_THRESHOLD -u PROPWATCH_LOCKOUT_MINUTES \
    PROPWATCH_DATA_DIR="$tmp" PROPWATCH_LISTEN="127.0.0.1:$port" PROPWATCH_DEMO_PASSWORD="$PASSWORD" \
    "$PROPWATCH_BIN" demo
) >"$tmp/server.log" 2>&1 &
server_pid=$!

echo "e2e: waiting for $base/readyz (server log: $tmp/server.log)"
ready=""
deadline=$((SECONDS + 60))
while ((SECONDS < deadline)); do
  if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "e2e: the server exited before it was ready:" >&2
    cat "$tmp/server.log" >&2
    exit 1
  fi
  code="$(curl -s -o /dev/null -m 2 -w '%{http_code}' "$base/readyz" || true)"
  if [[ "$code" == 200 ]]; then ready=1; break; fi
  sleep 0.5
done
if [[ -z "$ready" ]]; then
  echo "e2e: $base/readyz did not answer 200 within 60 s; server log:" >&2
  cat "$tmp/server.log" >&2
  exit 1
fi

status=0
(
  cd "$here"
  (($# > 0)) || set -- *.test.mjs
  E2E_BASE_URL="$base" E2E_PASSWORD="$PASSWORD" E2E_CHROMIUM="$CHROMIUM" \
    node --test --test-concurrency=1 "$@"
) || status=$?

if ((status != 0)); then
  echo "e2e: tests failed; last lines of the server log:" >&2
  tail -n 40 "$tmp/server.log" >&2
fi
exit "$status"
