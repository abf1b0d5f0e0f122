#!/usr/bin/env bash
# Benchmark of an owners' vote (see bench/vote.rs), release build, both backends.
# Usage: bash bench/vote.sh   (PROPWATCH_BENCH_ONLY=sqlite|postgres for one)
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/propwatch-target}"
cargo build --release --quiet --example vote
"$CARGO_TARGET_DIR/release/examples/vote"
