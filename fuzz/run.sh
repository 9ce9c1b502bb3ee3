#!/usr/bin/env bash
# Runs the response-parser fuzz target for a bounded time (default 60 s): what CI calls.
# Needs cargo-fuzz (installed from crates.io when missing). With a nightly toolchain it runs
# under AddressSanitizer; a machine with only stable (no other toolchain can be fetched there)
# runs libFuzzer without a sanitizer, which still finds panics, overruns Rust checks, and
# differences between byte-at-a-time and whole-buffer parsing. New inputs go to
# fuzz/corpus/response (not committed); fuzz/seeds is only read. A crash leaves its input in
# fuzz/artifacts/response/ and exits non-zero.
#
#   bash fuzz/run.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:-60}
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
mkdir -p corpus/response
if rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
  fuzz=(cargo +nightly fuzz run)
else
  # cargo fuzz's -Z flags are only those of the sanitizer, left out with -s none.
  export RUSTC_BOOTSTRAP=1
  fuzz=(cargo fuzz run -s none)
fi
"${fuzz[@]}" response corpus/response seeds -- \
  -max_total_time="$seconds" -rss_limit_mb=2048 -print_final_stats=1
