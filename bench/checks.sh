#!/usr/bin/env bash
# Benchmark of the system's own checks (see bench/checks.rs), release build, both backends.
# Usage: bash bench/checks.sh [COMMUNITIES]   (PROPWATCH_BENCH_ONLY=sqlite|postgres for one)
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/propwatch-target}"
cargo build --release --quiet --example checks
"$CARGO_TARGET_DIR/release/examples/checks" "${1:-5000}"
