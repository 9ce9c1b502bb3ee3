# Shared by bench/udp.sh and bench/uds.sh: build, pin, start and stop servers, measure, print.
# shellcheck shell=bash
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${ROUNDS:-50000}
repeat=${REPEAT:-3}
size=${SIZE:-64}
server_cpu=${SERVER_CPU:-0}
client_cpu=${CLIENT_CPU:-1}
work=$(mktemp -d /tmp/skudp-bench.XXXXXX)
server_pid=
server_pids=()
cleanup() {
  for pid in "${server_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

cargo build --release --quiet
gcc -O2 -Wall -o "$work/echo_peer" bench/echo_peer.c
sockkit=$PWD/target/release/sockkit
peer=$work/echo_peer

# start_server CMD...: starts the server pinned to $server_cpu and waits for its
# "listening on ADDR" line; sets $addr.
start_server() {
  local log=$work/server.$RANDOM.out
  taskset -c "$server_cpu" "$@" >"$log" 2>&1 &
  server_pid=$!
  server_pids+=("$server_pid")
  for _ in $(seq 400); do
    addr=$(sed -n 's/^listening on //p' "$log" | head -1)
    [ -n "$addr" ] && return 0
    sleep 0.025
  done
  echo "server did not start: $*" >&2
  cat "$log" >&2
  exit 3
}

# start_quiet_server CHECK CMD...: for servers that print no ready line (socat); waits until
# the shell command CHECK succeeds.
start_quiet_server() {
  local check=$1
  shift
  taskset -c "$server_cpu" "$@" >/dev/null 2>&1 &
  server_pid=$!
  server_pids+=("$server_pid")
  for _ in $(seq 400); do
    eval "$check" && return 0
    sleep 0.025
  done
  echo "server did not start: $*" >&2
  exit 3
}

stop_server() {
  kill "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  server_pid=
}

# c_client KIND ADDR...: one run of the fixed C client; prints round trips/s.
c_client() {
  taskset -c "$client_cpu" "$peer" client "$@" "$size" "$rounds" | awk '{print $(NF-2)}'
}

# measure_all NAME...: runs every NAME (a function printing round trips/s) once per round,
# $repeat rounds, interleaved so that load from other jobs hits all alike; keeps the best of
# each in best[NAME].
declare -A best
measure_all() {
  local name r
  for name in "$@"; do best[$name]=0; done
  for _ in $(seq "$repeat"); do
    for name in "$@"; do
      r=$("$name")
      r=${r%.*}
      if [ "$r" -gt "${best[$name]}" ]; then best[$name]=$r; fi
    done
  done
}

# row NAME RATE BASE SOCAT: one table line with ratios to BASE (the C server) and SOCAT.
row() {
  awk -v n="$1" -v r="$2" -v b="$3" -v s="$4" 'BEGIN {
    rs = (s > 0) ? sprintf("%.2fx", r / s) : "-";
    printf "  %-38s %12d %10.2fx %10s\n", n, r, r / b, rs }'
}

header() {
  echo "$1"
  echo "  $rounds round trips of $size bytes per run, best of $repeat; server on CPU $server_cpu, client on CPU $client_cpu"
  echo "  load average: $(cut -d' ' -f1-3 /proc/loadavg) (figures are noisy on a shared machine)"
  printf "  %-38s %12s %11s %10s\n" "" "round trips/s" "vs C" "vs socat"
}
