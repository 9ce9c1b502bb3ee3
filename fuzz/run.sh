#!/usr/bin/env bash
# Runs the response-parser fuzz target for a bounded time (default 60 s): what CI calls.
# Needs a nightly toolchain and cargo-fuzz (installed here when missing). New inputs go to
# fuzz/corpus/response (not committed); fuzz/seeds is only read. A crash leaves its input in
# fuzz/artifacts/response/ and exits non-zero.
#
#   bash fuzz/run.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:-60}
rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
mkdir -p corpus/response
cargo +nightly fuzz run response corpus/response seeds -- \
  -max_total_time="$seconds" -rss_limit_mb=2048 -print_final_stats=1
