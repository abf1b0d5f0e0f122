#!/usr/bin/env bash
# Ledger benchmark (see bench/ledger.rs): builds the release server and the benchmark, then runs
# both backends (PROPWATCH_BENCH_ONLY=sqlite|postgres for one). 1,000,000 cases need about 3 GB
# of disk per backend (PROPWATCH_BENCH_DIR picks where the SQLite data lives).
# Usage: bash bench/ledger.sh [SECONDS_PER_MEASUREMENT] [CLIENTS] [CASES]
# PROPWATCH_BENCH_SNAPSHOT=1 keeps a copy of the generated data before the scanner tick; then
# `bash bench/ledger.sh 0 0 0 --rescan-pg NAME` (or --rescan-sqlite FILE) times the tick again on
# a fresh copy of it. PROPWATCH_BENCH_KEEP=1 keeps the data after the run (--reuse-pg NAME /
# --reuse-sqlite DIR measure the server on it again).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/propwatch-target}"
cargo build --release --quiet --bin propwatch --example ledger
PG="${PROPWATCH_BENCH_PG:-postgres://postgres@127.0.0.1:5432}"
pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null || PG=""
CASES="${3:-1000000}"
"$CARGO_TARGET_DIR/release/examples/ledger" --bin "$CARGO_TARGET_DIR/release/propwatch" \
  --seconds "${1:-5}" --clients "${2:-8}" --cases "$CASES" --overdue "$((CASES / 10))" --pg "$PG" "${@:4}"
