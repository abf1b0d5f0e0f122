#!/usr/bin/env bash
# Intake benchmark (see bench/intake.rs): builds the release server and the load generator, then
# runs both backends. Usage: bash bench/intake.sh [SECONDS] [CLIENTS]
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/propwatch-target}"
cargo build --release --quiet --bin propwatch --example intake
PG="${PROPWATCH_BENCH_PG:-postgres://postgres@127.0.0.1:5432}"
pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null || PG=""
"$CARGO_TARGET_DIR/release/examples/intake" --bin "$CARGO_TARGET_DIR/release/propwatch" \
  --seconds "${1:-10}" --clients "${2:-64}" --pg "$PG"
