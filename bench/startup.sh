#!/usr/bin/env bash
# Server start-up time on an existing SQLite database: from spawning `propwatch serve` to the
# first 200 from /readyz. Prints min / median / max over N runs (default 10).
# Usage: bash bench/startup.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-10}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/propwatch-target}"
cargo build --release --quiet
BIN="$CARGO_TARGET_DIR/release/propwatch"
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT
export PROPWATCH_DATA_DIR="$DIR" PROPWATCH_LISTEN=127.0.0.1:18931 PROPWATCH_LOG=warn PROPWATCH_DEMO_PASSWORD='Bench2024!pw'
# Create and fill the database once.
"$BIN" demo >/dev/null 2>&1 & pid=$!
until curl -sf http://127.0.0.1:18931/readyz >/dev/null; do sleep 0.05; done
kill "$pid"; wait "$pid" 2>/dev/null || true
times=()
for _ in $(seq 1 "$N"); do
  start=$(date +%s%N)
  "$BIN" serve >/dev/null 2>&1 & pid=$!
  until curl -sf http://127.0.0.1:18931/readyz >/dev/null; do sleep 0.005; done
  end=$(date +%s%N)
  kill "$pid"; wait "$pid" 2>/dev/null || true
  times+=($(( (end - start) / 1000000 )))
done
sorted=($(printf '%s\n' "${times[@]}" | sort -n))
echo "startup to /readyz on an existing SQLite database, $N runs: min ${sorted[0]} ms, median ${sorted[$((N / 2))]} ms, max ${sorted[$((N - 1))]} ms"
